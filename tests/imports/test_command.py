"""`gugus import-cases`: the same import from the console, with a mapping file and a per-row report."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from gugus.cases.models import Case, Person
from tests.imports.sheets import BROKEN_ROW, GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = io.StringIO()
    call_command("import-cases", *args, stdout=out, stderr=io.StringIO(), language="en", **options)
    return out.getvalue()


def test_dry_run_then_import_with_a_mapping_file(org, tmp_path):
    sheet = tmp_path / "korban.csv"
    sheet.write_bytes(csv_bytes([*GOOD_ROWS, BROKEN_ROW]))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('header_line = 3\n[columns]\nvictim_name = "Nama Korban"\npolice_report_number = "No. LP"\n'
                       'reported_on = "Tgl Lapor"\nnik = "NIK"\nregion = "Kab/Kota"\n', encoding="utf-8")
    user = org.malang_investigator
    out = run(str(sheet), agency_id=user.agency_id, user=user.username, mapping=str(mapping), dry_run=True)
    assert "row 7 [NIK] error: A NIK has exactly 16 digits." in out and "Dry run: nothing was saved." in out
    assert not Person.objects.exists()
    out = run(str(sheet), agency_id=user.agency_id, user=user.username, mapping=str(mapping))
    assert "3 imported, 1 with errors" in out and Case.objects.count() == 2
    out = run(str(sheet), agency_id=user.agency_id, user=user.username, mapping=str(mapping))
    assert "0 imported, 1 with errors, 3 already imported" in out and Person.objects.count() == 3


def test_the_user_must_belong_to_the_agency(org, tmp_path):
    sheet = tmp_path / "korban.csv"
    sheet.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError):
        run(str(sheet), agency_id=org.blitar.pk, user=org.malang_investigator.username)
