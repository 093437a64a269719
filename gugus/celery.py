"""The Celery application: background jobs and the beat schedule (``settings.CELERY_BEAT_SCHEDULE``).

Production: ``CELERY_BROKER_URL=redis://…`` and ``celery -A gugus worker`` / ``celery -A gugus beat``.
Embedded default (no broker configured): tasks run inside the calling process (``task_always_eager``),
so ``make run`` needs no extra service. See docs/operations.md.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gugus.settings")

app = Celery("gugus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["gugus.ops"])
