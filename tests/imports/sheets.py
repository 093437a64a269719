"""Spreadsheets as agencies keep them, built in the test (no binary fixtures): a title row, a blank row,
Indonesian headers, one victim per row."""

from __future__ import annotations

import csv
import io

HEADERS = ["No", "No. LP", "Tgl Lapor", "Kab/Kota", "Nama Korban", "L/P", "Tgl Lahir", "Umur", "NIK", "No HP",
           "Jenis Eksploitasi", "Negara Tujuan", "Nama Pelaku", "HP Pelaku", "Keterangan"]

# Rows 4-6 in the sheet (after the title row, a blank row and the header row).
GOOD_ROWS = [
    [1, "LP/B/12/III/2024/SPKT", "01/03/2024", "Kab. Malang", "Siti Aminah", "P", "02/05/2000", "",
     "3507014205000001", "0812-3456-7890", "Kerja paksa", "Malaysia", "Agus Salim", "0813-1111-2222",
     "dijanjikan kerja"],
    [2, "LP/B/12/III/2024/SPKT", "01/03/2024", "Malang", "Dewi Lestari", "Perempuan", "", "17", "",
     "", "Eksploitasi seksual", "MY", "Agus Salim", "", ""],
    [3, "LP/B/13/III/2024/SPKT", "05/03/2024", "35.07", "Budi Santoso", "L", "1990-01-15", "", "", "",
     "ForcedLabour", "Kamboja", "", "", ""],
]
# Bad NIK, unknown region, impossible date: the row lands nowhere and each cell is named.
BROKEN_ROW = [4, "LP/B/14/III/2024/SPKT", "31/02/2024", "Atlantis", "Rina Marlina", "P", "", "", "12345", "",
              "", "", "", "", ""]


def grid(rows, headers=HEADERS, title="DATA KORBAN TPPO POLRES MALANG 2024"):
    return [[title], [], headers, *rows]


def xlsx(rows, **kwargs) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in grid(rows, **kwargs):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, *, delimiter=";", encoding="utf-8-sig", **kwargs) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in grid(rows, **kwargs):
        writer.writerow(row)
    return out.getvalue().encode(encoding)
