"""Importing agencies' spreadsheets: reading, mapping, dry run, commit, idempotency and recovery."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gugus.audit.models import AuditEvent
from gugus.cases.models import Case, Participant, Person, PersonIdentifier
from gugus.core.errors import GugusError, NotFound
from gugus.imports import actions, selectors
from gugus.imports.models import ImportedRow
from gugus.imports.reading import read_sheet
from gugus.imports.targets import suggest_mapping, translate
from tests.imports.sheets import BROKEN_ROW, GOOD_ROWS, HEADERS, csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def snapshot():
    return Person.objects.count(), Case.objects.count(), Participant.objects.count(), AuditEvent.objects.count()


def upload(user, content, name="korban.xlsx"):
    return actions.upload(actor=user, file_name=name, content=content)


def test_mapping_is_suggested_from_indonesian_headers():
    mapping = suggest_mapping(HEADERS)
    assert mapping == {
        "police_report_number": "No. LP", "reported_on": "Tgl Lapor", "region": "Kab/Kota",
        "victim_name": "Nama Korban", "sex": "L/P", "birth_date": "Tgl Lahir", "estimated_age": "Umur",
        "nik": "NIK", "phone": "No HP", "exploitation_type": "Jenis Eksploitasi",
        "destination_country": "Negara Tujuan", "perpetrator_name": "Nama Pelaku",
        "perpetrator_phone": "HP Pelaku", "notes": "Keterangan",
    }
    assert suggest_mapping(["NAMA KORBAN", "Jenis Kelamin", "WA", "Perekrut", "Tanggal Lapor"]) == {
        "reported_on": "Tanggal Lapor", "victim_name": "NAMA KORBAN", "sex": "Jenis Kelamin", "phone": "WA",
        "perpetrator_name": "Perekrut"}


def test_values_are_translated_by_the_data_file():
    assert translate("sex", "L") == "M" and translate("sex", "Perempuan") == "F"
    assert translate("exploitation_types", "Kerja paksa") == "ForcedLabour"
    assert translate("exploitation_types", "Eksploitasi seksual") == "SexualExploitation"
    assert translate("countries", "Arab Saudi") == "SA"


@pytest.mark.parametrize("make", [xlsx, lambda rows: csv_bytes(rows), lambda rows: csv_bytes(
    rows, delimiter=",", encoding="cp1252")], ids=["xlsx", "csv-bom-semicolon", "csv-cp1252-comma"])
def test_header_row_is_found_and_lines_are_the_sheets_own(make):
    rows = [[*GOOD_ROWS[0][:4], "Siti Ümmü", *GOOD_ROWS[0][5:]]]
    sheet = read_sheet("f.xlsx" if make is xlsx else "f.csv", make(rows))
    assert sheet.header_line == 3 and sheet.headers == HEADERS
    [(line, values)] = sheet.rows
    assert line == 4 and values[4] == "Siti Ümmü"


def test_dry_run_writes_nothing_and_predicts_the_commit(org):
    user = org.malang_investigator
    batch = upload(user, xlsx(GOOD_ROWS))
    before = snapshot()
    batch = actions.run(actor=user, batch=batch, dry_run=True)
    assert snapshot() == before and not ImportedRow.objects.exists()
    assert batch.counts["landed"] == 3 and batch.counts["failed"] == 0
    assert batch.counts["cases"] == 2 and batch.counts["persons"] == 4
    committed = actions.run(actor=user, batch=batch, dry_run=False)
    assert {k: committed.counts[k] for k in ("landed", "cases", "persons")} == {"landed": 3, "cases": 2, "persons": 4}


def test_commit_lands_rows_through_the_case_actions(org):
    user = org.malang_investigator
    batch = actions.run(actor=user, batch=upload(user, xlsx(GOOD_ROWS)), dry_run=False)
    assert batch.counts["landed"] == 3 and batch.status == "done"
    # Two rows share LP/B/12: one case with two victims and one perpetrator (the same recruiter).
    case = Case.objects.get(police_report_number="LP/B/12/III/2024/SPKT")
    assert case.owner_agency == org.malang and case.scope_code == "35.07"
    assert case.reported_on == dt.date(2024, 3, 1)
    assert sorted(case.exploitation_types) == ["ForcedLabour", "SexualExploitation"]
    roles = sorted(case.participants.values_list("role", "person__full_name"))
    assert roles == [("perpetrator", "Agus Salim"), ("victim", "Dewi Lestari"), ("victim", "Siti Aminah")]
    siti = Person.objects.get(full_name="Siti Aminah")
    assert siti.sex == "F" and siti.birth_date == dt.date(2000, 5, 2) and siti.origin_region_id == "35.07"
    assert siti.owner_agency == org.malang
    assert set(siti.identifiers.values_list("kind", flat=True)) == {"nik", "phone"}
    dewi = Person.objects.get(full_name="Dewi Lestari")
    assert dewi.estimated_age == 17 and dewi.origin_region_id == "35.07"  # "Malang": the one in scope
    assert case.events.get(victim__person=siti).country_id == "MY"
    # Audited: each record by its action, the batch with counts and no row contents.
    assert AuditEvent.objects.filter(action="person.create").count() == 4
    event = AuditEvent.objects.get(action="import.commit")
    assert event.data["landed"] == 3 and "Siti" not in str(event.data)


def test_broken_row_is_reported_with_its_line_and_the_good_rows_land(org):
    user = org.malang_investigator
    content = xlsx([*GOOD_ROWS, BROKEN_ROW])
    batch = actions.run(actor=user, batch=upload(user, content), dry_run=False)
    assert batch.counts["landed"] == 3 and batch.counts["failed"] == 1 and batch.failed_lines == [7]
    errors = {i["column"]: i for i in batch.issues if i["level"] == "error"}
    assert set(errors) == {"Tgl Lapor", "Kab/Kota", "NIK"}
    assert all(i["line"] == 7 for i in errors.values())
    assert not Person.objects.filter(full_name="Rina Marlina").exists()
    assert "16" in errors["NIK"]["message"]


def test_errors_are_in_indonesian_unless_the_ui_is_english(org):
    user = org.malang_investigator
    with translation.override("id"):
        batch = actions.run(actor=user, batch=upload(user, xlsx([BROKEN_ROW])), dry_run=True)
    # (The import's own new messages wait for the lead's translation; the NIK check's is already there.)
    assert "NIK harus terdiri atas tepat 16 digit." in [i["message"] for i in batch.issues]
    with translation.override("en"):
        batch = actions.run(actor=user, batch=batch, dry_run=True)
    messages = [i["message"] for i in batch.issues]
    assert "A NIK has exactly 16 digits." in messages and "Unknown region: Atlantis." in messages


def test_an_error_raised_by_a_case_action_names_its_column(org):
    user = org.malang_investigator
    future = [*GOOD_ROWS[2][:2], "01/03/2099", *GOOD_ROWS[2][3:]]
    batch = actions.run(actor=user, batch=upload(user, xlsx([future])), dry_run=True)
    [issue] = batch.issues
    assert issue["line"] == 4 and issue["column"] == "Tgl Lapor" and issue["field"] == "reported_on"


def test_importing_the_same_file_again_creates_no_duplicates(org):
    user = org.malang_investigator
    content = csv_bytes([*GOOD_ROWS, BROKEN_ROW])
    actions.run(actor=user, batch=upload(user, content, "korban.csv"), dry_run=False)
    before = Person.objects.count(), Case.objects.count(), PersonIdentifier.objects.count()
    again = actions.run(actor=user, batch=upload(user, content, "korban.csv"), dry_run=False)
    assert (Person.objects.count(), Case.objects.count(), PersonIdentifier.objects.count()) == before
    assert again.counts["skipped"] == 3 and again.counts["landed"] == 0 and again.counts["failed"] == 1
    # The corrected bad row, imported on its own, lands and joins nothing twice.
    fixed = [4, "LP/B/14/III/2024/SPKT", "29/02/2024", "Kab. Blitar", "Rina Marlina", "P", "", "", "", "",
             "", "", "", "", ""]
    last = actions.run(actor=user, batch=upload(user, csv_bytes([fixed]), "fixed.csv"), dry_run=False)
    assert last.counts["landed"] == 1 and Person.objects.count() == before[0] + 1


def test_a_crash_halfway_leaves_a_consistent_database_and_a_rerun_completes(org, monkeypatch):
    user = org.malang_investigator
    batch = upload(user, xlsx(GOOD_ROWS))

    def crash(done):
        if done == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(actions, "after_row", crash)
    with pytest.raises(RuntimeError):
        actions.run(actor=user, batch=batch, dry_run=False)
    # Two rows landed whole (their ledger entries with them); the third did not start.
    assert ImportedRow.objects.count() == 2 and Person.objects.count() == 3 and Case.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == "running"
    monkeypatch.setattr(actions, "after_row", None)
    batch = actions.run(actor=user, batch=batch, dry_run=False)
    assert batch.counts["skipped"] == 2 and batch.counts["landed"] == 1
    assert Person.objects.count() == 4 and Case.objects.count() == 2 and ImportedRow.objects.count() == 3


def test_same_row_twice_in_a_file_lands_once(org):
    user = org.malang_investigator
    batch = actions.run(actor=user, batch=upload(user, xlsx([GOOD_ROWS[2], GOOD_ROWS[2]])), dry_run=False)
    assert batch.counts["landed"] == 1 and batch.counts["duplicates"] == 1
    assert Person.objects.filter(full_name="Budi Santoso").count() == 1


def test_records_are_filed_in_the_agency_region_and_batches_are_the_agency_own(org):
    batch = upload(org.malang_investigator, xlsx(GOOD_ROWS[:1]))
    assert selectors.get_batch(org.malang_investigator, batch.pk) == batch
    for outsider in (org.blitar_investigator, org.jatim_supervisor, org.secretariat):
        with pytest.raises(NotFound):
            selectors.get_batch(outsider, batch.pk)
    with pytest.raises(GugusError):
        actions.run(actor=org.blitar_investigator, batch=batch, dry_run=False)
    with pytest.raises(GugusError):  # analysts may not import at all
        upload(org.analyst, xlsx(GOOD_ROWS[:1]))


def test_a_saved_mapping_is_reused_by_the_same_agency_only(org):
    headers = ["Nomor", "Reg LP", "Tanggal", "Orang"]
    rows = [[1, "LP/9", "2024-01-02", "Sri Wahyuni"]]
    batch = upload(org.malang_investigator, xlsx(rows, headers=headers))
    actions.set_mapping(actor=org.malang_investigator, batch=batch, save_as="Format Polres",
                        columns={"police_report_number": "Reg LP", "reported_on": "Tanggal", "victim_name": "Orang"})
    again = upload(org.malang_investigator, xlsx(rows, headers=headers))
    assert again.mapping_name == "Format Polres" and again.mapping["victim_name"] == "Orang"
    other = upload(org.blitar_investigator, xlsx(rows, headers=headers))
    assert other.mapping_name == "" and "victim_name" not in other.mapping


def test_mapping_must_name_the_victim_and_existing_columns(org):
    batch = upload(org.malang_investigator, xlsx(GOOD_ROWS[:1]))
    with pytest.raises(GugusError) as err:
        actions.set_mapping(actor=org.malang_investigator, batch=batch, columns={"reported_on": "Tgl Lapor"})
    assert err.value.field == "victim_name"
    with pytest.raises(GugusError) as err:
        actions.set_mapping(actor=org.malang_investigator, batch=batch,
                            columns={"victim_name": "Nama Korban", "reported_on": "Tanggal Kejadian"})
    assert err.value.field == "reported_on"


@pytest.mark.parametrize("cell, expected", [
    ("17/08/2024", dt.date(2024, 8, 17)), ("17-08-24", dt.date(2024, 8, 17)), ("2024-08-17", dt.date(2024, 8, 17)),
    ("17 Agustus 2024", dt.date(2024, 8, 17)), ("1-Des-2023", dt.date(2023, 12, 1)),
    (dt.datetime(2024, 8, 17, 0, 0), dt.date(2024, 8, 17)), (45521, dt.date(2024, 8, 17)), ("", None)])
def test_dates_as_agencies_write_them(cell, expected):
    from gugus.imports.convert import parse_date

    assert parse_date(cell, "reported_on") == expected


def test_region_names_resolve_within_the_agency_and_ambiguity_is_explained(org):
    from gugus.imports.selectors import AmbiguousName, PlaceResolver

    malang = PlaceResolver(org.malang_investigator.jurisdiction)
    assert malang.region("Kab. Malang") == "35.07" and malang.region("KOTA MALANG") == "35.73"
    assert malang.region("Malang") == "35.07" and malang.region("3507") == "35.07"
    assert malang.region("Lombok Timur") == "52.03" and malang.region("Atlantis") is None
    with pytest.raises(AmbiguousName):
        PlaceResolver(org.jatim_supervisor.jurisdiction).region("Malang")  # Kab. and Kota Malang: both in Jatim
    assert malang.country("Arab Saudi") == "SA" and malang.country("KHM") == "KH" and malang.country("x") is None


def test_pre_numbered_empty_rows_are_ignored(org):
    user = org.malang_investigator
    empty = [5, "", "", "", "", "", "", "", "", "", "", "", "", "", ""]
    batch = actions.run(actor=user, batch=upload(user, xlsx([GOOD_ROWS[2], empty, empty])), dry_run=True)
    assert batch.counts["rows"] == 1 and batch.counts["failed"] == 0 and batch.issues == []
