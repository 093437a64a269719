"""Backup and restore: one archive with a consistent database snapshot, the media files and a manifest.

Archive (``.tar.gz``, optionally encrypted with a passphrase):

- ``manifest.json`` — format, time, Gugus version, database engine and method, row counts per table;
- ``database/gugus.sqlite3`` (SQLite: the online backup API, consistent while the site runs),
  ``database/gugus.dump`` (PostgreSQL: ``pg_dump -Fc``, one consistent snapshot), or
  ``database/gugus.xml`` (PostgreSQL without a matching ``pg_dump``: ``dumpdata`` inside one
  ``REPEATABLE READ READ ONLY`` transaction, so every table is read at the same instant);
- ``media/…`` — uploaded files (portal attachments, plan evidence, import files).

The secrets (SECRET_KEY, GUGUS_FIELD_KEYS, GUGUS_INDEX_KEY, GUGUS_AUDIT_KEY) are NOT in the archive: whoever
holds a backup and its keys holds every victim's identity. Back the keys up separately (docs/operations.md).
Encryption: ``--passphrase-file`` encrypts the whole archive with Fernet (AES-128-CBC + HMAC-SHA256) under
a key derived from the passphrase with scrypt (n=2**15, r=8, p=1) and a random salt.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction

import gugus

FORMAT = "gugus-backup/1"
MAGIC = b"GUGUS-BACKUP-ENC1\n"
SALT_BYTES = 16


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass
class Manifest:
    data: dict

    @property
    def method(self) -> str:
        return self.data["database"]["method"]


# ---------------------------------------------------------------- counts and keys


def row_counts() -> dict[str, int]:
    """Rows per table of every installed model (what a restore must give back)."""
    counts = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables:
            counts[model._meta.label] = model._default_manager.using("default").count()
    return counts


def _fernet(passphrase: bytes, salt: bytes) -> Fernet:
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes, passphrase: bytes) -> bytes:
    salt = os.urandom(SALT_BYTES)
    return MAGIC + salt + _fernet(passphrase, salt).encrypt(data)


def decrypt(data: bytes, passphrase: bytes | None) -> bytes:
    if not data.startswith(MAGIC):
        return data
    if not passphrase:
        raise BackupError("This backup is encrypted: give --passphrase-file.")
    salt = data[len(MAGIC):len(MAGIC) + SALT_BYTES]
    try:
        return _fernet(passphrase, salt).decrypt(data[len(MAGIC) + SALT_BYTES:])
    except InvalidToken:
        raise BackupError("Wrong passphrase, or the backup file is damaged.") from None


# ---------------------------------------------------------------- database snapshot


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backup supports SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env(db: dict) -> dict[str, str]:
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "", "PGHOST": db.get("HOST") or "",
           "PGPORT": str(db.get("PORT") or "")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def _snapshot_sqlite(target: Path) -> str:
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)  # the online backup API: a consistent copy while others write
    finally:
        dest.close()
    return "sqlite-backup-api"


def _snapshot_pg_dump(target: Path) -> str | None:
    """``pg_dump -Fc``; None when no usable pg_dump is installed (missing, or older than the server)."""
    binary = shutil.which("pg_dump")
    if not binary:
        return None
    db = connections["default"].settings_dict
    result = subprocess.run([binary, "-Fc", "--no-owner", "--no-privileges", "-f", str(target)],  # noqa: S603
                            env=_pg_env(db), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        if "version mismatch" in result.stderr:
            return None
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return "pg_dump"


def _snapshot_dumpdata(target: Path) -> str:
    """Every table read in one REPEATABLE READ transaction: one instant, as pg_dump would."""
    out = io.StringIO()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # XML, not JSON: Django's JSON encoder cuts datetimes to milliseconds, which would break the audit
        # chain's hashes; the XML serializer keeps every microsecond.
        call_command("dumpdata", "--format=xml", "--natural-foreign", "--natural-primary", "--exclude=contenttypes",
                     "--exclude=auth.permission", "--exclude=sessions", stdout=out)
    target.write_text(out.getvalue())
    return "dumpdata-repeatable-read"


# ---------------------------------------------------------------- backup


def backup(out_path: Path, *, passphrase: bytes | None = None, method: str = "auto",
           include_media: bool = True) -> Manifest:
    """Writes one archive; returns its manifest. ``method``: auto | pg_dump | dumpdata (PostgreSQL)."""
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="gugus-backup-") as tmp:
        work = Path(tmp)
        (work / "database").mkdir()
        if engine == "sqlite":
            name, used = "gugus.sqlite3", _snapshot_sqlite(work / "database" / "gugus.sqlite3")
        else:
            used = None
            if method in ("auto", "pg_dump"):
                used = _snapshot_pg_dump(work / "database" / "gugus.dump")
                if used is None and method == "pg_dump":
                    raise BackupError("No pg_dump of the server's major version is installed.")
            name = "gugus.dump"
            if used is None:
                name, used = "gugus.xml", _snapshot_dumpdata(work / "database" / "gugus.xml")
        manifest = Manifest({
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "gugus_version": gugus.__version__,
            "database": {"engine": engine, "method": used, "file": f"database/{name}"},
            "counts": row_counts(),
            "media": include_media,
            "secrets_included": False,
        })
        (work / "manifest.json").write_text(json.dumps(manifest.data, indent=2))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(work / "database", arcname="database")
            media = Path(settings.MEDIA_ROOT)
            if include_media and media.exists():
                tar.add(media, arcname="media")
        data = buffer.getvalue()
        if passphrase:
            data = encrypt(data, passphrase)
        out_path = Path(out_path)
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return manifest


# ---------------------------------------------------------------- restore


def _database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    audit = apps.get_model("audit", "AuditEvent")._meta.db_table
    if audit not in tables:
        return True
    return not apps.get_model("audit", "AuditEvent").objects.exists() and not apps.get_model(
        "accounts", "User").objects.exists()


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or member.issym() or member.islnk():
            raise BackupError(f"Refusing a suspicious path in the archive: {member.name}")
        members.append(member)
    return members


def restore(in_path: Path, *, passphrase: bytes | None = None, force: bool = False) -> Manifest:
    """Restores an archive into the configured (empty) database and media folder."""
    engine = _engine()
    data = decrypt(Path(in_path).read_bytes(), passphrase)
    with tempfile.TemporaryDirectory(prefix="gugus-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(work, members=_safe_members(tar), filter="data")
        manifest = Manifest(json.loads((work / "manifest.json").read_text()))
        if manifest.data.get("format") != FORMAT:
            raise BackupError(f"Not a Gugus backup (format {manifest.data.get('format')!r}).")
        if not force and not _database_is_empty():
            raise BackupError("The target database already holds data. Restore into an empty database "
                              "(or give --force to overwrite it).")
        source = work / manifest.data["database"]["file"]
        method = manifest.method
        if method == "sqlite-backup-api":
            if engine != "sqlite":
                raise BackupError("This is a SQLite backup: restore it with a SQLite DATABASE_URL.")
            _restore_sqlite(source)
        elif method == "pg_dump":
            if engine != "postgresql":
                raise BackupError("This is a pg_dump backup: restore it with a PostgreSQL DATABASE_URL.")
            _restore_pg(source)
        else:
            _restore_dumpdata(source)
        media = work / "media"
        if media.exists():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest


def _restore_sqlite(source: Path) -> None:
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        src.backup(connection.connection)  # page-by-page copy into the live database file
    finally:
        src.close()


def _restore_pg(source: Path) -> None:
    binary = shutil.which("pg_restore")
    if not binary:
        raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client).")
    connections.close_all()
    db = connections["default"].settings_dict
    result = subprocess.run([binary, "--clean", "--if-exists", "--no-owner", "--no-privileges",  # noqa: S603
                             "--single-transaction", "--exit-on-error", "-d", db["NAME"], str(source)],
                            env=_pg_env(db), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_dumpdata(source: Path) -> None:
    call_command("migrate", interactive=False, verbosity=0)
    # Data migrations seed rows (e.g. the portal's information pages); the backup has its own copy of them.
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        call_command("loaddata", str(source), verbosity=0)
