"""Readiness, background jobs in the embedded default (no broker: eager), structured logs, the replica router."""

from __future__ import annotations

import json
import logging

import pytest

from gugus.ops import tasks
from gugus.ops.logging import JsonFormatter
from gugus.ops.routers import ReplicaRouter

pytestmark = pytest.mark.django_db


def test_ready_checks_database_cache_and_broker_without_a_session(client):
    response = client.get("/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "eager"}}
    assert "sessionid" not in response.cookies
    assert client.get("/health/").json() == {"status": "ok"}


def test_ready_says_503_and_names_what_failed(client, monkeypatch):
    from gugus.ops import views

    def broken():
        raise ConnectionError("redis down")

    monkeypatch.setitem(views.CHECKS, "cache", broken)
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "fail"


def test_ready_reaches_a_configured_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    from gugus.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/ready/")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 503 and response.json()["checks"]["broker"] == "fail"


def test_jobs_run_in_process_without_a_broker(regions, settings):
    from gugus.celery import app

    assert settings.CELERY_TASK_ALWAYS_EAGER and app.conf.task_always_eager
    assert "reminder" in tasks.send_reminders.delay().get()
    assert "Reminded" in tasks.plan_reminders.delay().get()
    assert tasks.watch_ingest.delay("").get().startswith("skipped")


def test_the_beat_schedule_is_data_and_names_real_tasks(settings):
    from gugus.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_linkage_batch_as_a_job(tmp_path):
    import csv

    from gugus.linkage import synthetic

    source = tmp_path / "records.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(synthetic.COLUMNS))
        writer.writeheader()
        writer.writerows(synthetic.generate(200, seed=3))
    out = tmp_path / "clusters.csv"
    text = tasks.link_file.delay(str(source), str(out)).get()  # the same command a person would run
    assert "persons" in text and out.exists()


def test_json_logs_are_one_object_per_line_with_extras():
    record = logging.LogRecord("gugus.x", logging.INFO, __file__, 1, "job %s done", ("send-reminders",), None)
    record.job = "send-reminders"
    body = json.loads(JsonFormatter().format(record))
    assert body["message"] == "job send-reminders done" and body["job"] == "send-reminders"
    assert body["level"] == "INFO" and body["logger"] == "gugus.x" and body["time"].endswith("+00:00")


def test_replica_router_reads_from_the_replica_outside_transactions():
    router = ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "cases") is False
