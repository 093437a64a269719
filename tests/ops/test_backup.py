"""`gugus backup` / `gugus restore`: a snapshot restored into an empty database gives back every row, the
media files and an audit chain that `gugus audit-verify` accepts (with the same keys, supplied separately)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from gugus.cases import actions as cases
from gugus.ops import backup as ops_backup
from tests.factories import make_person

PASSPHRASE = "kunci-cadangan-yang-panjang"
# Tables a dumpdata backup leaves out on purpose (rebuilt by migrate; sessions end with a restore).
NOT_IN_JSON = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


@pytest.fixture
def data(transactional_db, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-source"
    (settings.MEDIA_ROOT / "portal").mkdir(parents=True)
    (settings.MEDIA_ROOT / "portal" / "foto.png").write_bytes(b"\x89PNG\r\n\x1a\nbukti")
    user = org.malang_investigator
    for i in range(3):
        person = make_person(user, f"Korban {i}", nik=f"35070141019500{i + 1:02d}")
        case = cases.create_case(actor=user, reported_on="2025-01-02", summary=f"Kasus {i}")
        cases.add_participant(actor=user, case=case, person=person, role="victim")
    return org


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=database_url, GUGUS_DATA_DIR=str(data_dir), SECRET_KEY=settings.SECRET_KEY,
               GUGUS_FIELD_KEYS=",".join(settings.GUGUS_FIELD_KEYS), GUGUS_INDEX_KEY=settings.GUGUS_INDEX_KEY,
               GUGUS_AUDIT_KEY=settings.GUGUS_AUDIT_KEY, DJANGO_SETTINGS_MODULE="gugus.settings")
    return env


def _gugus(env, *args, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "gugus", *args], env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=300, check=False)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


COUNTS = ("import json; from gugus.ops.backup import row_counts; print(json.dumps(row_counts()))")


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the pass's engine: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"gugus_restore_{uuid.uuid4().hex[:8]}"
    dsn = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
               password=db["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{dsn['host']}:{dsn['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _methods():
    return ["auto", "dumpdata"] if os.environ.get("DATABASE_URL", "").startswith("postgres") else ["auto"]


@pytest.mark.slow
@pytest.mark.parametrize("method", _methods())
def test_restore_into_an_empty_database_gives_back_everything(data, tmp_path, empty_target, method):
    archive = tmp_path / "gugus.tar.gz"
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE)
    call_command("backup", str(archive), "--passphrase-file", str(secret), "--method", method)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert archive.read_bytes().startswith(ops_backup.MAGIC)  # encrypted: nothing readable inside
    assert b"Korban" not in archive.read_bytes()
    source_counts = ops_backup.row_counts()

    target_dir = tmp_path / "target"
    env = _env(empty_target, target_dir)
    _gugus(env, "restore", str(archive), "--passphrase-file", str(secret))
    verify = _gugus(env, "audit-verify")
    assert "intact" in verify.stdout
    restored = json.loads(_gugus(env, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1])
    skip = NOT_IN_JSON if method == "dumpdata" else set()
    assert {k: v for k, v in restored.items() if k not in skip} == \
        {k: v for k, v in source_counts.items() if k not in skip}
    assert restored["cases.Person"] == 3 and restored["audit.AuditEvent"] > 0
    assert (target_dir / "media" / "portal" / "foto.png").read_bytes().endswith(b"bukti")
    # The identifiers decrypt with the keys given to the restored installation.
    niks = _gugus(env, "shell", "-c", "from gugus.cases.models import PersonIdentifier as P; "
                  "print(sorted(p.value for p in P.objects.filter(kind='nik')))").stdout
    assert "3507014101950001" in niks


@pytest.mark.slow
def test_restore_refuses_a_database_with_data_and_a_wrong_passphrase(data, tmp_path):
    archive = tmp_path / "plain.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert "manifest.json" in names and manifest["database"]["file"] in names
    assert manifest["secrets_included"] is False
    assert not any("secrets" in n for n in names)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE)
    call_command("backup", str(archive), "--passphrase-file", str(secret))
    wrong = tmp_path / "wrong"
    wrong.write_text("bukan-kunci-yang-benar")
    with pytest.raises(CommandError, match="Wrong passphrase"):
        call_command("restore", str(archive), "--passphrase-file", str(wrong), "--force")
    with pytest.raises(CommandError, match="encrypted"):
        call_command("restore", str(archive), "--force")
