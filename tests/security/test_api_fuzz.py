"""Fuzzing the API from its own OpenAPI schema (schemathesis): no input may cause a server error.

Every operation of ``/api/schema/`` gets ``FUZZ_EXAMPLES`` generated requests (hypothesis, derandomised:
the same requests on every run), sent through the WSGI application with an agency token of Polres Malang,
against a database holding persons and cases of that agency and of another one (so ids in paths hit real
records in and out of scope). Any 5xx fails, with the request to reproduce it. Bounded: about 20
operations × 30 examples; well under a minute. Runs in the PostgreSQL pass of CI (``GUGUS_FUZZ=1`` runs it
on SQLite too).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from gugus.accounts import actions as accounts
from gugus.accounts.roles import Role
from gugus.cases import actions as cases
from tests.factories import make_person

FUZZ_EXAMPLES = int(os.environ.get("GUGUS_FUZZ_EXAMPLES", "20"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.skipif(not (os.environ.get("DATABASE_URL", "").startswith("postgres") or os.environ.get("GUGUS_FUZZ")),
                       reason="the fuzzing runs in CI's PostgreSQL pass (GUGUS_FUZZ=1 to run it here)"),
]

# Known server errors outside this room, reported to the lead: operation → reason. Empty when all fixed.
KNOWN_5XX: dict[str, str] = {}


def _data(org):
    investigator = org.malang_investigator
    for i in range(3):
        person = make_person(investigator, f"Korban {i}", nik=f"35070141019500{i + 1:02d}",
                             phone=[f"0812-3456-78{i:02d}"])
        case = cases.create_case(actor=investigator, reported_on="2025-01-02", summary=f"Kasus {i}")
        cases.add_participant(actor=investigator, case=case, person=person, role="victim")
    make_person(org.lotim_investigator, "Baiq Nurul")
    _record, secret = accounts.create_api_token(actor=org.jatim_admin, agency=org.malang, name="fuzz",
                                                role=Role.SUPERVISOR)
    return secret


def _fuzzer(operation, label: str, auth: dict, seen: list[str], statuses: Counter):
    @settings(max_examples=FUZZ_EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def fuzz(case):
        response = case.call(headers=auth)
        statuses[response.status_code // 100] += 1
        if response.status_code >= 500 and len(seen) < 3:
            seen.append(f"{label} → {response.status_code}\n{case.as_curl_command(headers=auth)}\n"
                        f"{response.text[:2000]}")

    return fuzz


@pytest.fixture
def keep_connection():
    """Like Django's test client: the test's connection (its open transaction) survives each request."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_generated_request_causes_a_server_error(org, keep_connection):
    import schemathesis

    from gugus.wsgi import application

    secret = _data(org)
    auth = {"Authorization": f"Token {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=auth)
    failures, checked, statuses = [], [], Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        seen: list[str] = []
        with contextlib.suppress(Unsatisfiable):
            _fuzzer(operation, label, auth, seen, statuses)()
        checked.append(label)
        if seen and label not in KNOWN_5XX:
            failures.extend(seen)
    assert len(checked) >= 10
    assert statuses[2] >= 50, statuses  # the token works: many requests got through to the views
    assert not failures, "\n\n".join(failures)
