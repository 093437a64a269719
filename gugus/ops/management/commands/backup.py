"""`gugus backup OUT`: one archive with a consistent database snapshot, the media files and a manifest.

The keys are not in it: back them up separately (docs/operations.md, "Backup and restore").
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gugus.ops.backup import BackupError, backup


def read_passphrase(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        value = Path(path).read_bytes().strip()
    except OSError as exc:
        raise CommandError(f"Cannot read the passphrase file: {exc.strerror or exc}.") from exc
    if len(value) < 12:
        raise CommandError("The passphrase must be at least 12 characters.")
    return value


class Command(BaseCommand):
    help = "Write a consistent backup (database + media, not the keys) to OUT; optionally encrypted."

    def add_arguments(self, parser):
        parser.add_argument("out", help="archive to write, e.g. gugus-2026-11-23.tar.gz (mode 0600)")
        parser.add_argument("--passphrase-file", help="encrypt the archive with the passphrase in this file")
        parser.add_argument("--method", choices=["auto", "pg_dump", "dumpdata"], default="auto",
                            help="PostgreSQL snapshot method (default: pg_dump when it matches the server)")
        parser.add_argument("--no-media", action="store_true", help="leave the media folder out")

    def handle(self, *args, out, passphrase_file=None, method="auto", no_media=False, **options):
        try:
            manifest = backup(Path(out), passphrase=read_passphrase(passphrase_file), method=method,
                              include_media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        total = sum(manifest.data["counts"].values())
        self.stdout.write(f"Backup written to {out}: {manifest.data['database']['engine']} "
                          f"({manifest.method}), {total:,} rows"
                          + (", encrypted" if passphrase_file else "") + ". The keys are NOT in it.")
