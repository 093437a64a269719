"""The plans pages: a secretariat builds a RAD, an agency reports with evidence, the evaluation downloads;
another province gets 404 on every page of it; exports open in openpyxl; list pages cap their queries."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gugus.audit.models import AuditEvent
from gugus.plans import actions
from gugus.plans.models import ActionPlan, Evidence, ProgressReport
from tests.factories import sign_in
from tests.plans.test_plans import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_secretariat_builds_a_plan_through_the_pages(client, org, tf):
    sign_in(client, tf.jatim_secretariat)
    response = client.post(reverse("plans:plan_create"), {
        "task_force": tf.jatim.pk, "kind": "RAD", "title": "RAD Jatim", "start_year": 2025, "end_year": 2029,
        "status": "active"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = ActionPlan.objects.get()
    assert plan.scope_code == "35"
    assert client.post(reverse("plans:programme_add", args=[plan.pk]), {"code": "1", "name": "Pencegahan"}
                       ).status_code == 302
    programme = plan.programmes.get()
    assert client.post(reverse("plans:activity_add", args=[programme.pk]), {
        "code": "1.1", "name": "Sosialisasi", "responsible_agency": org.jatim.pk,
        "supporting_agencies": [org.malang.pk], "budget_rupiah": 5_000_000}).status_code == 302
    activity = programme.activities.get()
    response = client.post(reverse("plans:indicator_add", args=[activity.pk]), {
        "name": "Desa", "unit": "desa", "baseline": "3", "direction": "increase", "metric_code": "",
        "target_2025": "10", "target_2026": "20"})
    assert response.status_code == 302
    response = client.post(reverse("plans:indicator_add", args=[activity.pk]), {
        "name": "Kasus", "direction": "increase", "metric_code": "cases.recorded", "target_2025": "5"})
    assert response.status_code == 302
    # No target at all: the form says so beside the field.
    response = client.post(reverse("plans:indicator_add", args=[activity.pk]), {"name": "Tanpa target",
                                                                               "direction": "increase"})
    assert response.status_code == 200 and response.context["form"].errors
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]) + "?year=2025").content.decode()
    assert "Sosialisasi" in page and "Desa" in page


def test_agency_reports_progress_with_evidence_and_downloads_it(client, org, tf, rad, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, org.jatim_supervisor)  # staff of Polda Jatim, the responsible agency
    response = client.post(reverse("plans:progress", args=[rad.activity.pk]), {
        "year": 2025, "semester": 0, f"value_{rad.typed.pk}": "27", "obstacles": "Hujan", "interventions": "Dana",
        "evidence": SimpleUploadedFile("foto.pdf", PDF_BYTES, "application/pdf")})
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ProgressReport.objects.get()
    evidence = Evidence.objects.get()
    download = client.get(reverse("plans:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="plan.evidence_download", actor_id=org.jatim_supervisor.pk).count() == 1
    # A file pretending to be a PDF is refused beside the evidence field.
    response = client.post(reverse("plans:progress", args=[rad.activity.pk]), {
        "year": 2025, "semester": 0, "evidence": SimpleUploadedFile("foto.pdf", b"<html>", "application/pdf")})
    assert response.status_code == 200 and response.context["form"].errors["evidence"]
    assert report.evidence.count() == 1
    # Another province's secretariat: 404 for the plan, its evidence and its report form.
    sign_in(client, tf.ntb_secretariat)
    for url in [reverse("plans:plan_detail", args=[rad.plan.pk]),
                reverse("plans:evidence_download", args=[evidence.pk]),
                reverse("plans:progress", args=[rad.activity.pk]),
                reverse("plans:programme_add", args=[rad.plan.pk]),
                reverse("plans:plan_report", args=[rad.plan.pk, 2025, "pdf"])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("plans:programme_add", args=[rad.plan.pk]), {"code": "9", "name": "X"}
                       ).status_code == 404
    assert rad.plan.programmes.count() == 1
    # The evidence is not under a public URL: MEDIA_URL is not routed.
    assert client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404


def test_evaluation_downloads(client, org, tf, rad):
    actions.file_progress(actor=org.jatim_supervisor, activity=rad.activity, year=2025, values={rad.typed: 12})
    sign_in(client, tf.jatim_secretariat)
    pdf = client.get(reverse("plans:plan_report", args=[rad.plan.pk, 2025, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("plans:plan_report", args=[rad.plan.pk, 2025, "xlsx"]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert "Sosialisasi migrasi aman" in [c.value for c in wb["Capaian"]["D"]]
    assert client.get(reverse("plans:plan_report", args=[rad.plan.pk, 2031, "pdf"])).status_code == 404
    assert client.get(reverse("plans:plan_report", args=[rad.plan.pk, 2025, "exe"])).status_code == 404
    response = client.post(reverse("plans:plan_carry_over", args=[rad.plan.pk]),
                           {"year": 2025, "start_year": 2026, "end_year": 2026})
    draft = ActionPlan.objects.exclude(pk=rad.plan.pk).get()
    assert response.status_code == 302 and response.url == reverse("plans:plan_detail", args=[draft.pk])


def test_list_exports_open_in_openpyxl(client, org, tf, rad):
    actions.create_meeting(actor=tf.jatim_secretariat, task_force=tf.jatim, title="Rakor", date="2025-03-01",
                           participants={org.jatim: 2})
    actions.create_event(actor=tf.jatim_secretariat, task_force=tf.jatim, title="Sosialisasi", date="2025-03-02",
                         region_code="35.07", target_group="students", channel="in_person",
                         attendance={("F", "child"): 5})
    sign_in(client, tf.jatim_secretariat)
    for name, sheet, expected in [("plans:plan_list", "Rencana Aksi", "RAD Jatim"),
                                  ("plans:meeting_list", "Rapat", "Rakor"),
                                  ("plans:event_list", "Sosialisasi", "Sosialisasi")]:
        response = client.get(reverse(name) + "?format=xlsx")
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content))[sheet]
        assert expected in [c.value for row in ws.iter_rows(min_row=2) for c in row], name


def test_pages_render_and_list_queries_are_capped(client, org, tf, rad, django_assert_max_num_queries):
    for n in range(5):
        meeting = actions.create_meeting(actor=tf.jatim_secretariat, task_force=tf.jatim, title=f"Rakor {n}",
                                         date="2025-03-01")
        actions.add_follow_up(actor=tf.jatim_secretariat, meeting=meeting, description="Tugas",
                              owner_agency=org.jatim, due_date="2025-04-01")
        actions.create_event(actor=tf.jatim_secretariat, task_force=tf.jatim, title=f"Sos {n}", date="2025-03-02",
                             region_code="35.07", target_group="students", channel="radio",
                             attendance={("M", "18_24"): 3})
    sign_in(client, tf.jatim_secretariat)
    for name in ["plans:plan_list", "plans:meeting_list", "plans:event_list", "plans:overdue"]:
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("plans:reach") + "?date_from=2025-01-01&date_to=2025-12-31").status_code == 200
    assert client.get(reverse("plans:plan_detail", args=[rad.plan.pk])).status_code == 200
    for name in ["plans:plan_create", "plans:meeting_create", "plans:event_create"]:
        assert client.get(reverse(name)).status_code == 200, name
    # Roles without plans rights see none of it.
    sign_in(client, org.auditor)
    assert client.get(reverse("plans:plan_list")).status_code == 404
    assert AuditEvent.objects.filter(action="meeting.create").count() == 5
