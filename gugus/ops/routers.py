"""Optional read replica (``DATABASE_REPLICA_URL``): plain reads go to the replica, writes to the primary.

Reads inside a transaction stay on the primary (Django routes by model, so the actions' ``select_for_update``
and their reads run on ``default`` because they happen inside ``transaction.atomic``)."""

from __future__ import annotations

from django.db import connections


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections["default"].in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
