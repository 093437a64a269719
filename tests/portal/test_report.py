"""Reports from the public: routing, tracking code and secret, encryption, double submit, abuse limits,
attachments checked by content."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gugus.audit.models import AuditEvent
from gugus.portal import abuse, actions
from gugus.portal.models import Attachment, Report
from gugus.portal.selectors import route_for_region
from tests.portal.conftest import codes, form_token, report_data, send_report

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%...\n"


def test_routing_kab_kota_then_province_then_national(task_forces):
    tf, _users = task_forces
    assert route_for_region("35.07") == tf.malang          # the kab/kota has a task force
    assert route_for_region("35.05") == tf.jatim           # Blitar has none: its province's
    assert route_for_region("35") == tf.jatim
    assert route_for_region("33.01") == tf.national       # Jawa Tengah has none: the national one
    assert route_for_region("33") == tf.national


def test_report_lands_with_the_right_task_force(client, task_forces):
    tf, _users = task_forces
    send_report(client, regency="35.05")
    report = Report.objects.get()
    assert report.task_force == tf.jatim and report.scope_code == "35"
    assert report.owner_agency_id == tf.jatim.secretariat_id and report.region_id == "35.05"
    send_report(client, province="33", regency="")
    assert Report.objects.order_by("-id").first().task_force == tf.national
    assert Report.objects.order_by("-id").first().scope_code == ""


def test_regency_outside_the_province_is_refused_beside_its_field(client, task_forces):
    response = send_report(client, province="52", regency="35.07")
    assert response.status_code == 400
    assert 'id="id_regency_error"' in response.content.decode()
    assert not Report.objects.exists()


def test_tracking_code_and_secret_show_the_status_by_post_only(client, task_forces):
    response = send_report(client)
    assert response.status_code == 200
    code, secret = codes(response)
    report = Report.objects.get()
    assert report.tracking_code == code
    # Only a keyed hash of the secret is stored.
    assert secret not in report.secret_hash and report.secret_hash == actions.secret_hash(code, secret)

    ok = client.post("/portal/status/", {"tracking_code": code.lower().replace("-", " "), "secret": secret})
    assert 'data-status="received"' in ok.content.decode()
    wrong = client.post("/portal/status/", {"tracking_code": code, "secret": "AAAA-BBBB-CCCC"})
    assert "data-status" not in wrong.content.decode()
    unknown = client.post("/portal/status/", {"tracking_code": "ZZZZ-ZZZZ", "secret": secret})
    # A wrong secret and an unknown code give the same answer.
    assert unknown.content.decode().count("form-errors") == wrong.content.decode().count("form-errors") == 1
    # A GET with the code in the URL shows nothing.
    assert "data-status" not in client.get(f"/portal/status/?tracking_code={code}&secret={secret}").content.decode()


def test_what_the_reporter_wrote_is_encrypted_at_rest(client, task_forces):
    send_report(client, anonymous="", reporter_name="Siti Aminah", contact="081234567890")
    report = Report.objects.get()
    assert report.contact == "081234567890" and report.reporter_name == "Siti Aminah"
    with connection.cursor() as cur:
        cur.execute("SELECT contact, reporter_name, what, who FROM portal_report")
        raw = cur.fetchone()
    assert "081234567890" not in raw[0] and "Siti" not in raw[1] and "Kamboja" not in raw[2]
    # The audit event names the region, not the reporter; and no address is logged for it.
    event = AuditEvent.objects.get(action="portal.report.create")
    assert event.ip is None and "Siti" not in str(event.data) and event.data["region"] == "35.07"


def test_double_submit_makes_one_report_and_shows_the_same_codes(client, task_forces):
    data = report_data(form_token(client))
    first = client.post("/portal/lapor/", data)
    second = client.post("/portal/lapor/", data)
    assert Report.objects.count() == 1
    assert codes(first) == codes(second)


def test_a_forged_or_missing_form_token_is_refused(client, task_forces):
    response = client.post("/portal/lapor/", report_data("not-a-token"))
    assert response.status_code == 400 and not Report.objects.exists()
    # ... but what was typed is kept in the form.
    assert "Sumberpucung" in response.content.decode()


def test_honeypot_filled_is_refused(client, task_forces):
    response = send_report(client, website="http://spam.example")
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_rate_limit_per_address(client, task_forces, settings):
    settings.GUGUS_PORTAL_REPORTS_PER_HOUR = 2
    assert send_report(client).status_code == 200
    assert send_report(client).status_code == 200
    assert send_report(client).status_code == 429
    assert Report.objects.count() == 2


def test_rate_limit_is_per_address(client, task_forces, settings):
    settings.GUGUS_PORTAL_REPORTS_PER_HOUR = 1
    assert client.post("/portal/lapor/", report_data(form_token(client)), REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post("/portal/lapor/", report_data(form_token(client)), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.post("/portal/lapor/", report_data(form_token(client)), REMOTE_ADDR="10.0.0.2").status_code == 200


def test_status_lookups_are_rate_limited(client, task_forces, settings):
    settings.GUGUS_PORTAL_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        assert client.post("/portal/status/", {"tracking_code": "ABCD-EFGH", "secret": "x"}).status_code == 200
    assert client.post("/portal/status/", {"tracking_code": "ABCD-EFGH", "secret": "x"}).status_code == 429


def test_proof_of_work_switches_on_under_a_flood(client, task_forces, settings):
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 1
    settings.GUGUS_PORTAL_POW_BITS = 8
    settings.GUGUS_PORTAL_POW_WAIT_SECONDS = 3600
    assert 'data-pow-bits="0"' in client.get("/portal/lapor/").content.decode()
    assert send_report(client).status_code == 200  # the flood threshold is now reached
    page = client.get("/portal/lapor/").content.decode()
    assert 'data-pow-bits="8"' in page and 'src="/static/portal/portal.js"' in page
    token = form_token(client)
    unsolved = client.post("/portal/lapor/", report_data(token))
    assert unsolved.status_code == 429 and Report.objects.count() == 1
    assert "Sumberpucung" in unsolved.content.decode()  # the text is kept for the next try
    solved = client.post("/portal/lapor/", report_data(token, pow=abuse.solve_pow(token, 8)))
    assert solved.status_code == 200 and Report.objects.count() == 2
    # A form fetched before the flood (no puzzle) must get one now.
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 1000
    old = form_token(client)
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 1
    assert client.post("/portal/lapor/", report_data(old)).status_code == 429


def test_without_javascript_a_short_wait_replaces_the_puzzle(client, task_forces, settings):
    settings.GUGUS_PORTAL_FLOOD_PER_MINUTE = 1
    send_report(client)
    settings.GUGUS_PORTAL_POW_WAIT_SECONDS = 0
    assert send_report(client).status_code == 200
    assert Report.objects.count() == 2


def test_attachments_are_checked_by_content_not_name(client, task_forces):
    token = form_token(client)
    files = [SimpleUploadedFile("photo.txt", PNG, content_type="text/plain"),
             SimpleUploadedFile("scan", PDF, content_type="application/octet-stream"),
             SimpleUploadedFile("a.jpeg", JPEG, content_type="image/jpeg")]
    response = client.post("/portal/lapor/", {**report_data(token), "attachments": files})
    assert response.status_code == 200
    kinds = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/jpeg", "image/png"]
    stored = Attachment.objects.get(content_type="image/png")
    assert stored.file.name.startswith("portal/") and stored.file.name.endswith(".png")
    assert stored.original_name == "photo.txt"

    fake = SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
    refused = client.post("/portal/lapor/", {**report_data(form_token(client)), "attachments": [fake]})
    assert refused.status_code == 400 and 'id="id_attachments_error"' in refused.content.decode()
    assert Report.objects.count() == 1


def test_attachment_size_and_count_limits(client, task_forces):
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png")
    assert client.post("/portal/lapor/", {**report_data(form_token(client)), "attachments": [big]}).status_code == 400
    four = [SimpleUploadedFile(f"{i}.png", PNG, content_type="image/png") for i in range(4)]
    assert client.post("/portal/lapor/", {**report_data(form_token(client)), "attachments": four}).status_code == 400
    assert not Report.objects.exists()


def test_detect_type_reads_magic_bytes():
    assert actions.detect_type(io.BytesIO(PNG).read(16)) == "image/png"
    assert actions.detect_type(JPEG[:16]) == "image/jpeg"
    assert actions.detect_type(PDF[:16]) == "application/pdf"
    assert actions.detect_type(b"GIF89a") is None
    assert actions.detect_type(b"<svg xmlns=") is None


def test_required_fields_and_future_date_are_explained_beside_them(client, task_forces):
    response = send_report(client, what="", province="", regency="")
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_what_error"' in html and 'id="id_province_error"' in html
    assert 'aria-invalid="true"' in html
    response = send_report(client, happened_on="2999-01-01")
    assert 'id="id_happened_on_error"' in response.content.decode()
    response = send_report(client, contact_way="phone", contact="")
    assert 'id="id_contact_error"' in response.content.decode()
    assert not Report.objects.exists()
