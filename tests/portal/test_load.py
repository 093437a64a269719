"""A small version of bench/portal_load.py against the live test server: concurrent clients, double
submits at the same moment, and then every accepted report is in the database exactly once."""

from __future__ import annotations

import pytest

from bench.portal_load import run_load, verify
from gugus.portal.models import Report
from tests.portal.conftest import make_task_forces

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_reports_lose_none_and_duplicate_none(report_server, regions, settings):
    make_task_forces()
    settings.GUGUS_PORTAL_REPORTS_PER_HOUR = 10_000
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 10_000
    out, _wall = run_load(report_server, clients=5, reports=10, double_every=3)
    check = verify(out)
    assert out.errors == []
    assert check["accepted"] == 50 and check["stored"] == 50
    assert check["lost"] == 0 and check["extra rows"] == 0 and check["double-submit mismatches"] == 0
    assert out.sent == 50 + 5 * 3  # three reports per client were sent twice
    assert Report.objects.values("tracking_code").distinct().count() == 50


def test_under_a_flood_clients_that_solve_the_puzzle_get_through(report_server, regions, settings):
    make_task_forces()
    settings.GUGUS_PORTAL_REPORTS_PER_HOUR = 10_000
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 3
    settings.GUGUS_PORTAL_POW_BITS = 8
    settings.GUGUS_PORTAL_POW_WAIT_SECONDS = 3600
    out, _wall = run_load(report_server, clients=3, reports=4, double_every=0)
    check = verify(out)
    assert out.errors == [] and check["stored"] == 12 and check["lost"] == 0
