"""`gugus restore IN`: restores a `gugus backup` archive into an empty database and the media folder.

Set the same keys as the backed-up installation first (GUGUS_FIELD_KEYS, GUGUS_INDEX_KEY, GUGUS_AUDIT_KEY,
SECRET_KEY), then run `gugus audit-verify`.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gugus.ops.backup import BackupError, restore
from gugus.ops.management.commands.backup import read_passphrase


class Command(BaseCommand):
    help = "Restore a backup archive into the configured (empty) database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("input", help="archive written by `gugus backup`")
        parser.add_argument("--passphrase-file", help="the passphrase of an encrypted archive")
        parser.add_argument("--force", action="store_true", help="overwrite a database that holds data")

    def handle(self, *args, input, passphrase_file=None, force=False, **options):  # noqa: A002
        try:
            manifest = restore(Path(input), passphrase=read_passphrase(passphrase_file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup of {manifest.data['created_at']} "
                          f"({manifest.data['database']['engine']}, {manifest.method}). "
                          "Now run `gugus audit-verify`.")
