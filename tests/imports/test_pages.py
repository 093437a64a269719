"""The import pages: upload → mapping → dry-run report → commit → result and bad rows, within the agency."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.cases.models import Case, Person
from gugus.imports.models import ImportBatch
from tests.factories import sign_in
from tests.imports.sheets import BROKEN_ROW, GOOD_ROWS, csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def test_upload_map_dry_run_commit_and_download_bad_rows(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("imports:import_list")).status_code == 200
    upload = SimpleUploadedFile("korban.xlsx", xlsx([*GOOD_ROWS, BROKEN_ROW]))
    response = client.post(reverse("imports:import_list"), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:import_mapping", args=[batch.pk])

    # The mapping page pre-selects the suggestion and shows sample values.
    page = client.get(response.url)
    assert page.context["form"].initial["victim_name"] == "Nama Korban"
    assert "Siti Aminah" in page.content.decode() and 'value="No. LP" selected' in page.content.decode()
    form = {name: header for name, header in batch.mapping.items()}
    before = Person.objects.count(), Case.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("imports:import_mapping", args=[batch.pk]), {**form, "save_as": "Polres"})
    assert response.status_code == 302
    # Dry run: nothing landed; the report names row 7 and its columns.
    assert (Person.objects.count(), Case.objects.count()) == before[:2]
    report = client.get(reverse("imports:import_detail", args=[batch.pk]))
    text = report.content.decode()
    assert "Dry run" in text and "Unknown region: Atlantis." in text and "<td>7</td>" in text

    response = client.post(reverse("imports:import_commit", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.counts["landed"] == 3 and batch.counts["failed"] == 1 and not batch.dry_run
    assert Person.objects.filter(owner_agency=org.malang).count() == 4

    xlsx_file = client.get(reverse("imports:import_bad_rows", args=[batch.pk]) + "?format=xlsx")
    assert xlsx_file.status_code == 200 and xlsx_file["Cache-Control"] == "no-store"
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx_file.content)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "error" and len(rows) == 2
    assert rows[1][4] == "Rina Marlina" and "row 7" in rows[1][-1] and "NIK" in rows[1][-1]
    csv_file = client.get(reverse("imports:import_bad_rows", args=[batch.pk]) + "?format=csv")
    parsed = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig")), delimiter=";"))
    assert parsed[1][4] == "Rina Marlina" and "Kab/Kota" in parsed[1][-1]
    downloads = AuditEvent.objects.filter(action="import.bad_rows_download")
    assert downloads.count() == 2 and "Rina" not in str(list(downloads.values_list("data", flat=True)))


def test_an_unreadable_file_is_refused_beside_the_field(client, org):
    sign_in(client, org.malang_investigator)
    response = client.post(reverse("imports:import_list"),
                           {"file": SimpleUploadedFile("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_another_agency_cannot_see_or_use_the_batch(client, org):
    sign_in(client, org.malang_investigator)
    client.post(reverse("imports:import_list"), {"file": SimpleUploadedFile("k.csv", csv_bytes(GOOD_ROWS[:1]))})
    batch = ImportBatch.objects.get()
    sign_in(client, org.blitar_investigator)
    for name in ("import_detail", "import_mapping", "import_bad_rows"):
        assert client.get(reverse(f"imports:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:import_commit", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:import_detail", args=[batch.pk + 99])).status_code == 404
    assert "k.csv" not in client.get(reverse("imports:import_list")).content.decode()
    assert not Person.objects.exists()
    sign_in(client, org.analyst)  # no victim data: no imports either
    assert client.get(reverse("imports:import_list")).status_code == 404


def test_the_list_of_imports_costs_the_same_queries_for_many_batches(client, org, django_assert_max_num_queries):
    from gugus.imports import actions

    for n in range(4):
        actions.upload(actor=org.malang_investigator, file_name=f"k{n}.csv", content=csv_bytes(GOOD_ROWS[:1]))
    sign_in(client, org.malang_investigator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("imports:import_list"))
    assert page.status_code == 200 and "k3.csv" in page.content.decode()


def test_the_header_row_can_be_corrected_on_the_mapping_page(client, org):
    from gugus.imports import actions

    # Two title rows with several cells each: the guess needs the user's correction.
    content = xlsx(GOOD_ROWS[:1], headers=["Nomor", "Reg", "Tanggal", "Wilayah", "Orang"],
                   title="Rekap Polres Malang")
    batch = actions.upload(actor=org.malang_investigator, file_name="k.xlsx", content=content)
    sign_in(client, org.malang_investigator)
    url = reverse("imports:import_mapping", args=[batch.pk])
    assert client.post(url, {"header_line": "4"}).status_code == 302
    batch.refresh_from_db()
    assert batch.header_line == 4 and batch.headers[4] == "Siti Aminah" and batch.row_count == 0
    assert client.post(url, {"header_line": "3"}).status_code == 302
    batch.refresh_from_db()
    assert batch.headers[:5] == ["Nomor", "Reg", "Tanggal", "Wilayah", "Orang"] and batch.row_count == 1
    assert client.post(url, {"header_line": "30"}).context["header_form"].errors["header_line"]
