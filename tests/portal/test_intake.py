"""The secretariat's intake queue: scope, audited reads, review / close / become a case, attachments,
and the information pages the secretariat edits."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gugus.audit.models import AuditEvent
from gugus.cases.models import Case
from gugus.portal import actions
from gugus.portal.models import InfoPage, Report
from tests.factories import sign_in
from tests.portal.conftest import codes, form_token, report_data, send_report

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_queue_is_scoped_to_the_secretariats_jurisdiction(client, task_forces):
    _tf, users = task_forces
    send_report(client)                                  # Kab. Malang's task force
    send_report(client, regency="35.05")                 # Jawa Timur's task force
    send_report(client, province="52", regency="52.03")  # NTB's
    malang_report = Report.objects.get(region_id="35.07")

    def queue(user):
        client.logout()
        sign_in(client, user)
        return client.get("/portal/staf/pengaduan/").content.decode()

    jatim = queue(users.jatim)
    assert malang_report.tracking_code in jatim and Report.objects.get(region_id="35.05").tracking_code in jatim
    assert Report.objects.get(region_id="52.03").tracking_code not in jatim
    malang = queue(users.malang)
    assert malang_report.tracking_code in malang and Report.objects.get(region_id="35.05").tracking_code not in malang
    national = queue(users.national)
    assert all(r.tracking_code in national for r in Report.objects.all())
    # The list read is audited with the IDs shown.
    assert AuditEvent.objects.filter(action="portal.report.list", actor_id=users.jatim.pk).exists()


def test_queue_query_count_does_not_grow_with_reports(client, task_forces, django_assert_max_num_queries):
    _tf, users = task_forces
    for _ in range(3):
        send_report(client)
    sign_in(client, users.jatim)
    client.get("/portal/staf/pengaduan/")
    for _ in range(5):
        send_report(client, regency="35.05")
    with django_assert_max_num_queries(14):
        assert client.get("/portal/staf/pengaduan/").status_code == 200


def test_another_provinces_secretariat_gets_404(client, task_forces):
    _tf, users = task_forces
    send_report(client)
    report = Report.objects.get()
    sign_in(client, users.ntb)
    for url in (f"/portal/staf/pengaduan/{report.pk}/", f"/portal/staf/pengaduan/{report.pk + 999}/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/portal/staf/pengaduan/{report.pk}/tindak/", {"do": "case"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "received" and report.case_id is None


def test_staff_pages_need_sign_in_and_the_capability(client, task_forces):
    _tf, users = task_forces
    response = client.get("/portal/staf/pengaduan/")
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    client.force_login(users.jatim)  # password only, no second factor yet
    assert client.get("/portal/staf/pengaduan/").status_code == 302
    client.logout()
    sign_in(client, users.jatim_analyst)  # no intake.manage
    assert client.get("/portal/staf/pengaduan/").status_code == 404
    assert client.get("/portal/staf/informasi/").status_code == 404


def test_every_read_of_a_report_is_audited(client, task_forces):
    _tf, users = task_forces
    send_report(client)
    report = Report.objects.get()
    sign_in(client, users.jatim)
    page = client.get(f"/portal/staf/pengaduan/{report.pk}/")
    assert page.status_code == 200 and "081234567890" in page.content.decode()
    event = AuditEvent.objects.filter(action="portal.report.view").get()
    assert event.actor_id == users.jatim.pk and event.object_id == str(report.pk)
    assert "081234567890" not in str(event.data)


def test_review_then_close(client, task_forces):
    _tf, users = task_forces
    code, secret = codes(send_report(client))
    report = Report.objects.get()
    sign_in(client, users.malang)
    client.post(f"/portal/staf/pengaduan/{report.pk}/tindak/", {"do": "reviewed"})
    report.refresh_from_db()
    assert report.status == "reviewed" and report.handled_by == users.malang
    client.post(f"/portal/staf/pengaduan/{report.pk}/tindak/", {"do": "closed", "note": "duplikat"})
    report.refresh_from_db()
    assert report.status == "closed"
    assert AuditEvent.objects.filter(action="portal.report.closed", reason="duplikat").exists()
    # A closed report cannot become a case.
    client.post(f"/portal/staf/pengaduan/{report.pk}/tindak/", {"do": "case"})
    assert not Case.objects.exists()
    client.logout()
    status = client.post("/portal/status/", {"tracking_code": code, "secret": secret})
    assert 'data-status="closed"' in status.content.decode()


def test_becoming_a_case(client, task_forces):
    _tf, users = task_forces
    code, secret = codes(send_report(client, regency="35.05"))
    report = Report.objects.get()
    sign_in(client, users.jatim)
    response = client.post(f"/portal/staf/pengaduan/{report.pk}/tindak/", {"do": "case"})
    assert response.status_code == 302
    report.refresh_from_db()
    case = Case.objects.get()
    assert report.case == case and report.status == "case"
    assert case.scope_code == "35" and case.owner_agency_id == users.jatim.agency_id
    assert AuditEvent.objects.filter(action="portal.report.case", object_id=str(report.pk)).exists()
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).exists()
    # Twice is harmless.
    actions.open_case_from_report(actor=users.jatim, report=report)
    assert Case.objects.count() == 1
    client.logout()
    status = client.post("/portal/status/", {"tracking_code": code, "secret": secret}).content.decode()
    assert 'data-status="case"' in status


def test_attachments_are_served_only_to_intake_staff_in_scope(client, task_forces):
    _tf, users = task_forces
    token = form_token(client)
    client.post("/portal/lapor/", {**report_data(token),
                                   "attachments": [SimpleUploadedFile("foto.png", PNG, content_type="image/png")]})
    report = Report.objects.get()
    attachment = report.attachments.get()
    url = f"/portal/staf/pengaduan/{report.pk}/lampiran/{attachment.pk}/"
    assert client.get(url).status_code == 302  # not signed in
    sign_in(client, users.ntb)
    assert client.get(url).status_code == 404
    client.logout()
    sign_in(client, users.malang)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="portal.report.attachment", actor_id=users.malang.pk).exists()


def test_secretariat_edits_the_information_pages(client, task_forces):
    _tf, users = task_forces
    actions.seed_info_pages()
    page = InfoPage.objects.get(slug="layanan")
    sign_in(client, users.jatim)
    response = client.post("/portal/staf/informasi/layanan/", {
        "version": page.version, "title_id": "Nomor penting", "title_en": "Hotlines",
        "body_id": "Polisi 110.\n\nSAPA 129.\n\nHotline baru 0800-1234.", "body_en": "Police 110.\n\nSAPA 129."})
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.version == 2 and page.updated_by == users.jatim
    assert AuditEvent.objects.filter(action="portal.info.update").exists()
    client.logout()
    html = client.get("/portal/informasi/").content.decode()
    assert "Hotline baru 0800-1234." in html
    # A stale form is refused, not silently overwritten.
    sign_in(client, users.jatim)
    stale = client.post("/portal/staf/informasi/layanan/", {
        "version": 1, "title_id": "X", "title_en": "X", "body_id": "X", "body_en": "X"})
    assert stale.status_code == 200
    page.refresh_from_db()
    assert page.title_id == "Nomor penting"
