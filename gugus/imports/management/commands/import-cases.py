"""`gugus import-cases FILE --agency-id N --user USERNAME [--mapping mapping.toml] [--dry-run]`."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from gugus.accounts.models import User
from gugus.core.errors import GugusError
from gugus.imports import actions
from gugus.imports.targets import target_names


class Command(BaseCommand):
    help = (
        "Import an agency's spreadsheet (XLSX or CSV, one victim per row) into the case registry, as USERNAME "
        "of agency N. Columns are matched by their names unless --mapping gives them. Rows already imported "
        "are skipped, so the command can be run again after an interruption."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="XLSX or CSV file")
        parser.add_argument("--agency-id", type=int, required=True, help="the importing agency (owns the records)")
        parser.add_argument("--user", required=True, help="user name of the importing officer (in that agency)")
        parser.add_argument("--mapping", help='TOML file: [columns] victim_name = "Nama Korban", ...; optional '
                                              "header_line = N")
        parser.add_argument("--save-mapping", default="", help="keep the mapping for the agency under this name")
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="language of the report")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        user = User.objects.filter(username=options["user"], is_active=True).select_related("agency").first()
        if user is None or user.agency_id != options["agency_id"]:
            raise CommandError(f"No active user {options['user']!r} in agency {options['agency_id']}.")
        columns, header_line = self._mapping(options["mapping"])
        with translation.override(options["language"]):
            try:
                batch = actions.upload(actor=user, file_name=path.name, content=content, header_line=header_line)
                self.stdout.write(f"Batch #{batch.pk}: {batch.row_count} rows, header in row {batch.header_line}.")
                columns = columns if columns is not None else batch.mapping
                batch = actions.set_mapping(actor=user, batch=batch, columns=columns,
                                            save_as=options["save_mapping"])
                for name in target_names():
                    if name in batch.mapping:
                        self.stdout.write(f"  {name:<22} ← {batch.mapping[name]}")
                batch = actions.run(actor=user, batch=batch, dry_run=options["dry_run"], progress=self._progress)
            except GugusError as exc:
                where = f" ({exc.field})" if exc.field else ""
                raise CommandError(f"{exc.message}{where}") from exc
        self._report(batch)

    def _mapping(self, path: str | None) -> tuple[dict | None, int | None]:
        if not path:
            return None, None
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CommandError(f"Cannot read the mapping {path}: {exc}") from exc
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise CommandError(f"{path}: expected a [columns] table of target = \"column header\".")
        return {str(k): str(v) for k, v in columns.items()}, data.get("header_line")

    @staticmethod
    def _progress(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            print(f"\r{done:,}/{total:,} rows", end="\n" if done == total else "", file=sys.stderr, flush=True)

    def _report(self, batch) -> None:
        for issue in batch.issues:
            column = f" [{issue['column']}]" if issue["column"] else ""
            self.stdout.write(f"row {issue['line']}{column} {issue['level']}: {issue['message']}")
        c = batch.counts
        verb = "would be imported" if batch.dry_run else "imported"
        self.stdout.write(
            f"{c['rows']} rows: {c['landed']} {verb}, {c['failed']} with errors, {c['skipped']} already imported, "
            f"{c['duplicates']} repeated in the file; {c['persons']} persons, {c['cases']} new cases."
            + (" Dry run: nothing was saved." if batch.dry_run else ""))
