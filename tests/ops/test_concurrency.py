"""Concurrency on PostgreSQL: 20 writers at once lose no update silently and create no duplicate; an import
killed halfway (SIGKILL) leaves the database consistent and completes when run again.

Each thread has its own database connection (Django gives every thread its own), so these are real
concurrent transactions. SQLite serialises every writer (one write lock for the whole file), so the
questions asked here only arise on PostgreSQL: the tests are skipped on SQLite.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from gugus.accounts import actions as accounts
from gugus.accounts.roles import Role
from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.cases.models import Case, Participant, Person
from gugus.core.errors import Conflict
from gugus.imports import actions as imports
from gugus.imports.models import ImportedRow
from tests.factories import make_person

WRITERS = 20

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="SQLite has one writer at a time (a file lock): concurrent writers only on PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _committed(transactional_db):
    """Real commits: the threads and the subprocess see each other's writes."""


def in_threads(count: int, work) -> list:
    """Runs ``work(i)`` in ``count`` threads started together; returns the results (or exceptions)."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def target(i):
        try:
            start.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def token(org):
    _record, secret = accounts.create_api_token(actor=org.jatim_admin, agency=org.malang, name="SIMPEL",
                                                role=Role.INVESTIGATOR)
    return secret


def _api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def test_twenty_api_writers_on_one_person_lose_no_update(org, token):
    person = make_person(org.malang_investigator, "Siti Aminah")

    def write(i):
        client = _api(token)
        time.sleep(random.random() * 0.05)  # noqa: S311 - spread the reads so some writers win later
        version = client.get(f"/api/v1/persons/{person.pk}/").json()["version"]
        response = client.patch(f"/api/v1/persons/{person.pk}/", {"version": version, "full_name": f"Nama {i}"},
                                content_type="application/json")
        return response.status_code

    statuses = in_threads(WRITERS, write)
    assert set(statuses) <= {200, 409}, statuses
    successes = statuses.count(200)
    assert successes >= 1
    person.refresh_from_db()
    assert person.version == successes + 1  # every applied update is counted, none overwritten silently
    assert AuditEvent.objects.filter(action="person.update", object_id=str(person.pk)).count() == successes


def test_twenty_writers_on_one_case_lose_no_update(org):
    case = cases.create_case(actor=org.malang_investigator, reported_on="2025-01-02", summary="awal")

    def write(i):
        time.sleep(random.random() * 0.05)  # noqa: S311
        fresh = Case.objects.get(pk=case.pk)
        try:
            cases.update_case(actor=org.malang_investigator, case=fresh, expected_version=fresh.version,
                              summary=f"versi {i}")
        except Conflict:
            return "conflict"
        return "applied"

    outcomes = Counter(in_threads(WRITERS, write))
    assert set(outcomes) <= {"applied", "conflict"}, outcomes
    case.refresh_from_db()
    assert case.version == outcomes["applied"] + 1


def test_twenty_posts_of_one_case_with_one_intake_key_make_one_case(org, token):
    body = {"reported_on": "2025-03-01", "summary": "Laporan ganda", "intake_key": "retry-7f3a"}

    def post(i):
        response = _api(token).post("/api/v1/cases/", body, content_type="application/json")
        return response.status_code, response.json().get("id")

    results = in_threads(WRITERS, post)
    assert all(isinstance(r, tuple) and r[0] in (200, 201) for r in results), results
    assert len({case_id for _status, case_id in results}) == 1
    assert Case.objects.filter(intake_key="retry-7f3a").count() == 1


def _sheet_rows(n: int) -> list[list]:
    rows = []
    for i in range(n):
        rows.append([i + 1, f"LP/B/{i // 3 + 1}/III/2024/SPKT", "01/03/2024", "Kab. Malang", f"Korban Nomor {i}",
                     "P", "", str(20 + i % 30), "", "", "Kerja paksa", "Malaysia", f"Pelaku {i // 3}", "", ""])
    return rows


def _assert_consistent(agency_id: int) -> None:
    """Every ledger row points at records that exist; no case or victim twice; the audit chain holds."""
    from gugus.audit.actions import verify_chain

    ledger = ImportedRow.objects.filter(agency_id=agency_id)
    assert not ledger.filter(person__isnull=True).exists()
    victims = Participant.objects.filter(case__owner_agency_id=agency_id, role="victim")
    names = Counter(victims.values_list("person__full_name", flat=True))
    assert not [n for n, c in names.items() if c > 1], "a victim imported twice"
    reports = Counter(Case.objects.filter(owner_agency_id=agency_id).exclude(police_report_number="")
                      .values_list("police_report_number", flat=True))
    assert not [r for r, c in reports.items() if c > 1], "a case opened twice for one police report"
    assert ledger.count() == victims.count()
    assert verify_chain().ok


def test_the_same_import_run_concurrently_creates_no_duplicates(org):
    from tests.imports.sheets import xlsx

    rows = _sheet_rows(30)
    user = org.malang_investigator
    batches = []
    for _ in range(4):
        batch = imports.upload(actor=user, file_name="korban.xlsx", content=xlsx(rows))
        batches.append(imports.set_mapping(actor=user, batch=batch, columns=batch.mapping))

    def run(i):
        return imports.run(actor=user, batch=batches[i], dry_run=False).counts

    results = in_threads(4, run)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["landed"] for r in results) == 30
    _assert_consistent(org.malang.pk)
    assert Participant.objects.filter(case__owner_agency=org.malang, role="victim").count() == 30


def test_an_import_killed_halfway_is_consistent_and_completes_when_run_again(org, tmp_path):
    from tests.imports.sheets import HEADERS

    rows = _sheet_rows(240)
    path = tmp_path / "korban.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([["DATA KORBAN"], [], HEADERS, *rows])
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {**os.environ, "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
           "GUGUS_DATA_DIR": str(tmp_path), "SECRET_KEY": settings.SECRET_KEY,
           "GUGUS_FIELD_KEYS": ",".join(settings.GUGUS_FIELD_KEYS), "GUGUS_INDEX_KEY": settings.GUGUS_INDEX_KEY,
           "GUGUS_AUDIT_KEY": settings.GUGUS_AUDIT_KEY}
    command = [sys.executable, "-m", "gugus", "import-cases", str(path), "--agency-id", str(org.malang.pk),
               "--user", org.malang_investigator.username]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    deadline = time.monotonic() + 120
    while ImportedRow.objects.filter(agency=org.malang).count() < 40:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    landed = ImportedRow.objects.filter(agency=org.malang).count()
    assert 40 <= landed < 240, "killed halfway"
    _assert_consistent(org.malang.pk)  # the row in flight was rolled back whole

    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    assert again.returncode == 0, again.stderr
    assert ImportedRow.objects.filter(agency=org.malang).count() == 240
    _assert_consistent(org.malang.pk)
    assert Person.objects.filter(owner_agency=org.malang, full_name__startswith="Korban Nomor").count() == 240
