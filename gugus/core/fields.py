"""Model fields for encrypted identifiers."""

from __future__ import annotations

from django.db import models

from gugus.core import crypto


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees the plain string. Cannot be filtered on: use a blind index."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise TypeError(f"Encrypted fields cannot be searched with '{lookup_name}'; use the blind index.")
        return super().get_lookup(lookup_name)
