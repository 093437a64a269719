"""The bad rows of a batch as a file to correct and import again: the original header and cells of each
failed row, with an extra "error" column naming the row, the column and the reason."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from gugus.imports.models import ImportBatch
from gugus.imports.reading import Sheet, cell_text

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def error_texts(batch: ImportBatch) -> dict[int, str]:
    """``{line: "row 7, Tgl Lahir: reason; NIK: reason"}`` for the failed rows."""
    by_line: dict[int, list[str]] = {}
    for issue in batch.issues:
        if issue["level"] != "error":
            continue
        where = issue["column"] or _("row")
        by_line.setdefault(issue["line"], []).append(f"{where}: {issue['message']}")
    return {line: _("row %(line)d") % {"line": line} + " — " + "; ".join(texts) for line, texts in by_line.items()}


def bad_rows(batch: ImportBatch, sheet: Sheet) -> tuple[list[str], list[list]]:
    failed = set(batch.failed_lines)
    errors = error_texts(batch)
    header = [*sheet.headers, "error"]
    rows = [[*values, *([None] * (len(sheet.headers) - len(values))), errors.get(line, "")]
            for line, values in sheet.rows if line in failed]
    return header, rows


def as_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark and ";" so Excel set to Indonesian opens it in columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(cell_text(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(header: list[str], rows: list[list]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("error")

    def cell(value):
        if isinstance(value, str) and value.startswith("="):  # text, never a formula
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"
            return text
        return value

    sheet.append(header)
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(text: str) -> str:
    """In a CSV file, a cell starting with "=", "+", "-" or "@" is a formula to a spreadsheet program."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
