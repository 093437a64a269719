"""The national deployment on loopback: gunicorn (2 worker processes), 1 Celery worker, PostgreSQL and Redis.

A database of its own (``gugus_deploy_test``, created and dropped here; never CI's ``test``) and Redis
database 13 on 127.0.0.1:6379. A case is pushed through:

1. an agency token of Polres Malang records a person, a case and the victim over HTTP (gunicorn);
2. the victim's consent and a referral to KBRI Phnom Penh, accepted there (gugus/care actions, in a
   separate process, as another office would);
3. KBRI's own token now reads the case over HTTP; before the acceptance it got 404;
4. a linkage batch (``link-file``) and the deadline reminders run as Celery jobs on the worker via Redis;
5. ``/ready/`` on gunicorn reports database, cache and broker ok; the audit chain verifies.

PostgreSQL pass only; about a minute.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="the deployment test needs CI's PostgreSQL and Redis (PostgreSQL pass only)"),
]

DB_NAME = "gugus_deploy_test"
REDIS_URL = os.environ.get("GUGUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

SETUP = """
import json
from gugus.regions.actions import load_regions
from gugus.accounts import actions as accounts
from gugus.accounts.roles import Role
from tests.factories import make_agency, make_user
from gugus.accounts.models import AgencyKind, Level
load_regions(provinces=["35"], max_level=3)
malang = make_agency(Level.REGENCY, "35.07", name="Polres Malang")
kbri = make_agency(Level.ABROAD, kind=AgencyKind.FOREIGN_AFFAIRS, country="KH", name="KBRI Phnom Penh")
admin = make_user(malang, Role.ADMINISTRATOR, "admin.malang")
make_user(malang, Role.CASE_MANAGER, "peksos.malang")
make_user(kbri, Role.CASE_MANAGER, "staf.kbri")
admin_kbri = make_user(kbri, Role.ADMINISTRATOR, "admin.kbri")
_t, malang_token = accounts.create_api_token(actor=admin, agency=malang, name="SIMPEL", role=Role.INVESTIGATOR)
_t, kbri_token = accounts.create_api_token(actor=admin_kbri, agency=kbri, name="KBRI", role=Role.CASE_MANAGER)
print(json.dumps({"malang": malang_token, "kbri": kbri_token}))
"""

REFER = """
import json, sys
from gugus.accounts.models import User, Agency
from gugus.care import actions
from gugus.cases.models import Participant
victim = Participant.objects.get(pk=int(sys.argv[-1]))
sender = User.objects.get(username="peksos.malang")
actions.record_consent(actor=sender, victim=victim, given_on="2025-01-03", method="written", given_by="victim",
                       share_identity=True, share_case_details=True, any_receiver=True)
referral = actions.send_referral(actor=sender, victim=victim, to_agency=Agency.objects.get(name="KBRI Phnom Penh"),
                                 reason="AdditionalServicesRequired", services=["SocialRehabilitation"])
actions.accept_referral(actor=User.objects.get(username="staf.kbri"), referral=referral)
print(json.dumps({"referral": referral.pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_dsn() -> dict:
    from django.db import connection

    db = connection.settings_dict
    return dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                password=db["PASSWORD"] or None)


@pytest.fixture
def deploy_env(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (CI runs it on 127.0.0.1:6379)")
    redis.Redis.from_url(REDIS_URL).flushdb()
    dsn = _admin_dsn()
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    auth = dsn["user"] + (f":{dsn['password']}" if dsn["password"] else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=f"postgres://{auth}@{dsn['host']}:{dsn['port']}/{DB_NAME}",
               GUGUS_DATA_DIR=str(tmp_path), CELERY_BROKER_URL=REDIS_URL, GUGUS_CACHE_URL=REDIS_URL,
               SECRET_KEY=settings.SECRET_KEY, GUGUS_FIELD_KEYS=",".join(settings.GUGUS_FIELD_KEYS),
               GUGUS_INDEX_KEY=settings.GUGUS_INDEX_KEY, GUGUS_AUDIT_KEY=settings.GUGUS_AUDIT_KEY,
               GUGUS_LOG_JSON="1", DJANGO_SETTINGS_MODULE="gugus.settings", PYTHONPATH=str(ROOT))
    yield env
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    redis.Redis.from_url(REDIS_URL).flushdb()


def _run(env, *args, timeout=300) -> str:
    result = subprocess.run([sys.executable, "-m", "gugus", *args], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                            text=True, timeout=timeout, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def _http(method: str, url: str, token: str | None = None, body: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _wait_until_up(url: str, procs) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for p in procs:
            assert p.poll() is None, "a process died on start"
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310
                return
        except OSError:  # refused, reset or timed out while the workers start
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def test_two_web_processes_a_worker_postgres_and_redis_push_a_case_through_referral_and_linkage(
        deploy_env, tmp_path):
    env = deploy_env
    started = time.monotonic()
    _run(env, "migrate", "--noinput")
    tokens = json.loads(_run(env, "shell", "-c", SETUP).strip().splitlines()[-1])

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen([str(BIN / "gunicorn"), "gugus.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",  # noqa: S603
                            "--timeout", "60"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=(tmp_path / "web.log").open("w"))
    worker = subprocess.Popen([str(BIN / "celery"), "-A", "gugus", "worker", "-c", "1", "--pool", "solo",  # noqa: S603
                               "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
                              env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "worker.log").open("w"))
    try:
        _wait_until_up(f"{base}/health/", [web, worker])
        status, ready = _http("GET", f"{base}/ready/")
        assert status == 200 and ready["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}, ready

        # 1. Polres Malang records the person, the case and the victim through the API.
        status, person = _http("POST", f"{base}/api/v1/persons/", tokens["malang"],
                               {"full_name": "Sri Wahyuni", "sex": "F", "birth_date": "1998-04-12",
                                "nik": "3507015204980001"})
        assert status == 201, person
        status, case = _http("POST", f"{base}/api/v1/cases/", tokens["malang"],
                             {"reported_on": "2025-01-02", "summary": "Kerja paksa di Kamboja",
                              "intake_key": "deploy-1"})
        assert status == 201, case
        status, victim = _http("POST", f"{base}/api/v1/cases/{case['id']}/participant/", tokens["malang"],
                               {"person": person["id"], "role": "victim"})
        assert status == 201, victim
        assert _http("GET", f"{base}/api/v1/cases/{case['id']}/", tokens["kbri"])[0] == 404

        # 2. Consent, referral to KBRI Phnom Penh, accepted there.
        _run(env, "shell", "-c", f"import sys; sys.argv.append('{victim['id']}')\n" + REFER)

        # 3. KBRI now reads the case, through whichever web process answers.
        for _ in range(4):
            status, seen = _http("GET", f"{base}/api/v1/cases/{case['id']}/", tokens["kbri"])
            assert status == 200 and seen["id"] == case["id"]

        # 4. Jobs on the worker through Redis: a linkage batch and the deadline reminders.
        import csv

        from celery import Celery

        from gugus.linkage import synthetic

        records, clusters = tmp_path / "records.csv", tmp_path / "clusters.csv"
        with records.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(synthetic.COLUMNS))
            writer.writeheader()
            writer.writerows(synthetic.generate(200, seed=5))
        # A client of its own: the project's app in this process is configured for the eager default.
        client = Celery("deploy-test-client", broker=REDIS_URL, backend=REDIS_URL)
        try:
            linkage = client.send_task("gugus.link_file", args=[str(records), str(clusters)])
            reminders = client.send_task("gugus.send_reminders")
            # This process is not a worker; Celery's "joining inside a task" guard is a process-wide flag
            # that eager tasks run by other threads in this test process may leave raised, so opt out of it.
            assert "persons" in linkage.get(timeout=120, disable_sync_subtasks=False)
            assert "reminder" in reminders.get(timeout=60, disable_sync_subtasks=False)
        finally:
            client.close()
        assert clusters.exists()
        assert "Audit chain intact" in _run(env, "audit-verify")
        logs = (tmp_path / "web.log").read_text()
        assert "3507015204980001" not in logs
        assert time.monotonic() - started < 150
    finally:
        for proc in (web, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
