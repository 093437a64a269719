"""Reading an agency's spreadsheet (XLSX or CSV) into a header and numbered rows.

Row numbers are the spreadsheet's own: what the user sees in the left margin of Excel or LibreOffice (for a
CSV file, the record's position, which is the row number a spreadsheet program shows when it opens it).
No database here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gugus.imports.targets import header_score

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 25


class ReadError(ValueError):
    """The file cannot be read as a spreadsheet; the message says what to change."""


@dataclass
class Sheet:
    """The header row and the data rows of one sheet. ``rows`` are ``(line, values)``; values are aligned
    with ``headers`` (cells as read: text, numbers, dates)."""

    headers: list[str]
    header_line: int
    rows: list[tuple[int, list]] = field(default_factory=list)
    file_format: str = "csv"

    def samples(self, header: str, n: int = 3) -> list[str]:
        """The first ``n`` non-empty values of a column, as text."""
        i = self.headers.index(header)
        out = []
        for _line, values in self.rows:
            value = values[i] if i < len(values) else None
            if value not in (None, ""):
                out.append(cell_text(value))
                if len(out) == n:
                    break
        return out

    def record(self, values: list) -> dict[str, object]:
        return {h: (values[i] if i < len(values) else None) for i, h in enumerate(self.headers) if h}


def cell_text(value) -> str:
    """A cell as the user would read it: dates as ISO, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def detect_format(name: str, content: bytes) -> str:
    if content[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.lower().endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV."))
    return "csv"


def read_sheet(name: str, content: bytes, *, header_line: int | None = None) -> Sheet:
    """Reads ``content`` (the uploaded bytes of file ``name``); finds the header row unless given."""
    if not content:
        raise ReadError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ReadError(_("The file is larger than %(mb)d MB: split it into smaller files.")
                        % {"mb": MAX_BYTES // (1024 * 1024)})
    file_format = detect_format(name, content)
    raw_rows = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    sheet = _with_header(raw_rows, header_line)
    sheet.file_format = file_format
    return sheet


def _xlsx_rows(content: bytes):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReadError(_("This is not a readable XLSX file.")) from exc
    try:
        sheet = next((ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"), None)
        if sheet is None:
            raise ReadError(_("The workbook has no sheet."))
        # Read-only mode yields empty rows too, so the count is the spreadsheet's own row number.
        for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield line, list(values)
    finally:
        book.close()


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _csv_rows(content: bytes):
    text = _decode(content)
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t"}
        delimiter = max(counts, key=counts.get)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ReadError(_("The CSV file is malformed near row %(line)d.") % {"line": reader.line_num}) from exc


def _with_header(raw_rows, header_line: int | None) -> Sheet:
    """The header is the row, among the first rows, whose cells best match known column names (agencies'
    sheets often start with a title and a blank row); failing that, the first row with several cells."""
    buffer: list[tuple[int, list]] = []
    rows_iter = iter(raw_rows)
    for line, values in rows_iter:
        buffer.append((line, values))
        if len(buffer) >= HEADER_SEARCH_ROWS:
            break
    if header_line is None:
        best, best_score = None, 1  # one matching cell is a title ("DATA KORBAN ..."), not a header
        for line, values in buffer:
            texts = [v for v in values if isinstance(v, str) and v.strip()]
            score = sum(1 for v in texts if header_score(v) >= 2.0)
            if score > best_score:
                best, best_score = line, score
        if best is None:  # unknown headers: the first row with several cells
            best = next((line for line, values in buffer if sum(1 for v in values if cell_text(v)) >= 2),
                        None)
        if best is None:
            raise ReadError(_("The file has no rows."))
        header_line = best
    header_values = next((values for line, values in buffer if line == header_line), None)
    if header_values is None:
        raise ReadError(_("Row %(line)d is not in the file.") % {"line": header_line})
    headers = _unique_headers(header_values)
    while headers and not headers[-1]:
        headers.pop()
    sheet = Sheet(headers=headers, header_line=header_line)

    def data_rows():
        yield from ((line, values) for line, values in buffer if line > header_line)
        yield from rows_iter

    for line, values in data_rows():
        values = list(values[: len(headers)])
        if not any(cell_text(v) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise ReadError(_("The file has more than %(n)s rows: split it into smaller files.")
                            % {"n": f"{MAX_ROWS:,}"})
        sheet.rows.append((line, values))
    if not any(headers):
        raise ReadError(_("Row %(line)d has no column names.") % {"line": header_line})
    return sheet


def _unique_headers(values: list) -> list[str]:
    """Header texts; blank ones stay blank, repeated ones get " (2)", " (3)"."""
    seen: dict[str, int] = {}
    out = []
    for value in values:
        text = " ".join(cell_text(value).split())
        if text:
            seen[text] = seen.get(text, 0) + 1
            if seen[text] > 1:
                text = f"{text} ({seen[text]})"
        out.append(text)
    return out
