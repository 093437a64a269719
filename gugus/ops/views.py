"""Readiness: the web process can reach the database, the cache and (when configured) the broker."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

log = logging.getLogger(__name__)


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = "gugus:ready"
    value = str(time.monotonic())
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was written")


def _broker() -> str | None:
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return "eager"  # the embedded default runs jobs in the web process: nothing to reach
    from gugus.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


def ready(request):
    """200 with every check "ok" when the process may take traffic, else 503 naming what failed."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            note = check()
            results[name] = note or "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "fail"
    ok = all(value != "fail" for value in results.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": results}, status=200 if ok else 503)
