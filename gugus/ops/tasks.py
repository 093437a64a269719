"""Background jobs: thin wrappers over the product's own commands, so a job and its command never differ.

Each task runs one management command with ``call_command`` and returns what it printed. The schedule is
data in ``settings.CELERY_BEAT_SCHEDULE``.
"""

from __future__ import annotations

import io
import logging

from celery import shared_task
from django.core.management import call_command, get_commands

log = logging.getLogger(__name__)


def run_command(name: str, *args: str, **options) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out, **options)
    text = out.getvalue().strip()
    log.info("job %s done", name, extra={"job": name})
    return text


@shared_task(name="gugus.send_reminders", acks_late=True)
def send_reminders() -> str:
    """Victim-service deadline reminders (gugus/care)."""
    return run_command("send-reminders")


@shared_task(name="gugus.plan_reminders", acks_late=True)
def plan_reminders() -> str:
    """Follow-up task reminders of action plans and meetings (gugus/plans)."""
    return run_command("plan-reminders")


@shared_task(name="gugus.watch_ingest", acks_late=True)
def watch_ingest(urls_file: str = "") -> str:
    """Fetch and screen job posts (gugus/watch), when that command exists and a URL list is configured."""
    if "watch-ingest" not in get_commands() or not urls_file:
        return "skipped: no watch-ingest command or no URL list"
    return run_command("watch-ingest", "--urls", urls_file)


@shared_task(name="gugus.recount_name_words", acks_late=True)
def recount_name_words() -> str:
    """How many persons hold each word of the name search's index (gugus/cases)."""
    return run_command("recount-name-words")


@shared_task(name="gugus.link_file", acks_late=True)
def link_file(input_path: str, output_path: str, threshold: float | None = None) -> str:
    """A linkage batch over a file of person records (gugus/linkage ``link-file``)."""
    options = {"output": output_path}
    if threshold is not None:
        options["threshold"] = threshold
    return run_command("link-file", input_path, **options)
