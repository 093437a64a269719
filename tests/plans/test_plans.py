"""Action plans: the hierarchy, achievement %, computed indicators from real cases, progress with evidence,
scope, the annual evaluation report and the carry-over into next year's draft."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gugus.audit.models import AuditEvent
from gugus.cases import actions as cases
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.plans import actions, config, reports, selectors
from gugus.plans.models import Direction, Evidence, PlanStatus
from tests.factories import make_person

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["desa", 46])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_achievement_rules():
    a = selectors.achievement
    assert a(Decimal(46), Decimal(40)) == Decimal("115.0")
    assert a(Decimal(10), Decimal(30)) == Decimal("33.3")
    assert a(None, Decimal(30)) is None and a(Decimal(3), None) is None
    assert a(Decimal(0), Decimal(0)) == Decimal(100)
    # Lower is better (e.g. days to serve a victim): 10 days against a target of 7 is 70%.
    assert a(Decimal(10), Decimal(7), Direction.DECREASE) == Decimal("70.0")
    assert a(Decimal(0), Decimal(7), Direction.DECREASE) == Decimal(100)


def test_plan_hierarchy_progress_and_achievement(org, tf, rad):
    # Polda Jatim, the responsible agency, reports semester 1 then semester 2 (cumulative within the year).
    supervisor = org.jatim_supervisor
    actions.file_progress(actor=supervisor, activity=rad.activity, year=2025, semester=1, values={rad.typed: 12},
                          obstacles="Leaflet terlambat", interventions="Anggaran cetak")
    actions.file_progress(actor=supervisor, activity=rad.activity, year=2025, semester=2, values={rad.typed: 24},
                          obstacles="Musim tanam", interventions="Jadwal ulang", budget_realised_rupiah=80_000_000)
    evaluation = selectors.evaluate(rad.plan, 2025)
    [programme] = evaluation.programmes
    [row] = programme.activities
    assert row.report.semester == 2
    typed = next(i for i in row.indicators if not i.computed)
    assert (typed.target, typed.realised, typed.percent) == (Decimal(30), Decimal(24), Decimal("80.0"))
    computed = next(i for i in row.indicators if i.computed)
    assert computed.realised == 0 and computed.percent == Decimal("0.0")
    assert row.percent == Decimal("40.0") and not row.met
    assert evaluation.percent == Decimal("40.0") and evaluation.budget_realised == 80_000_000
    assert [r.activity for r in evaluation.unmet] == [rad.activity]
    # A revised semester-2 report updates the same row.
    actions.file_progress(actor=supervisor, activity=rad.activity, year=2025, semester=2, values={rad.typed: 36})
    assert rad.activity.reports.count() == 2
    assert selectors.evaluate(rad.plan, 2025).activities[0].indicators[0].percent == Decimal("120.0")
    events = AuditEvent.objects.filter(object_type="plans.progressreport").values_list("action", flat=True)
    assert sorted(events) == ["plan.progress_file", "plan.progress_file", "plan.progress_update"]
    assert AuditEvent.objects.filter(action="plan.indicator_add", object_id=str(rad.plan.pk)).count() == 2


def test_targets_and_years_are_validated(tf, rad):
    actor = tf.jatim_secretariat
    with pytest.raises(GugusError) as exc:
        actions.add_indicator(actor=actor, activity=rad.activity, name="X", targets={2031: 5})
    assert exc.value.field == "targets"
    with pytest.raises(GugusError) as exc:
        actions.add_indicator(actor=actor, activity=rad.activity, name="X", targets={2025: 5}, metric_code="nope")
    assert exc.value.field == "metric_code"
    with pytest.raises(GugusError) as exc:
        actions.create_plan(actor=actor, task_force=tf.jatim, title="RAD", start_year=2029, end_year=2025)
    assert exc.value.field == "end_year"
    with pytest.raises(GugusError) as exc:
        actions.add_programme(actor=actor, plan=rad.plan, code="1", name="Dua kali")
    assert exc.value.field == "code"


def _case_reaching_p21(user, reported_on: str):
    case = cases.create_case(actor=user, reported_on=reported_on)
    for stage, date in [("lp", reported_on), ("penyidikan", "2025-04-01"), ("berkas_dikirim", "2025-05-01"),
                        ("p21", "2025-06-01")]:
        cases.record_stage(actor=user, case=case, stage=stage, date=date)
    return case


def test_computed_indicators_count_real_cases_in_the_region(org, tf, rad):
    malang = org.malang_investigator
    first = _case_reaching_p21(malang, "2025-03-01")
    cases.add_participant(actor=malang, case=first, person=make_person(malang, "Siti Aminah"), role="victim")
    cases.add_participant(actor=malang, case=first, person=make_person(malang, "Dewi Lestari"), role="victim")
    cases.create_case(actor=org.blitar_investigator, reported_on="2025-08-01")
    cases.create_case(actor=malang, reported_on="2024-12-31")  # another year
    cases.create_case(actor=org.lotim_investigator, reported_on="2025-02-01")  # another province
    row = selectors.evaluate(rad.plan, 2025).activities[0]
    computed = next(i for i in row.indicators if i.computed)
    assert computed.realised == 2 and computed.percent == Decimal("100.0")

    from gugus.plans import metrics

    assert metrics.get("cases.victims").value("35", 2025) == 2
    assert metrics.get("cases.p21").value("35", 2025) == 1
    assert metrics.get("cases.p21").value("52", 2025) == 0
    assert metrics.get("cases.recorded").value(None, 2025) == 3  # the national task force: all Indonesia
    # A computed indicator takes no typed value.
    with pytest.raises(GugusError) as exc:
        actions.file_progress(actor=org.jatim_supervisor, activity=rad.activity, year=2025,
                              values={rad.computed: 5})
    assert exc.value.field == "values"


def test_metric_registry_hook_for_other_apps(tf, rad):
    from gugus.plans import metrics

    metrics.register("test.constant", en="Constant", id="Konstan", unit="%")(lambda region, year: 42)
    try:
        indicator = actions.add_indicator(actor=tf.jatim_secretariat, activity=rad.activity, name="Layanan 7 hari",
                                          metric_code="test.constant", targets={2025: 84})
        row = selectors.evaluate(rad.plan, 2025).activities[0]
        assert next(i for i in row.indicators if i.indicator == indicator).percent == Decimal("50.0")
    finally:
        metrics._REGISTRY.pop("test.constant")
    # Unregistered (the app providing it is gone): no value, no failure.
    row = selectors.evaluate(rad.plan, 2025).activities[0]
    assert next(i for i in row.indicators if i.indicator == indicator).realised is None


def test_scope_another_province_cannot_see_or_edit(org, tf, rad):
    ntb = tf.ntb_secretariat
    assert not selectors.plans_visible_to(ntb).exists()
    with pytest.raises(NotFound):
        selectors.get_plan(ntb, rad.plan.pk)
    with pytest.raises(NotFound):
        actions.add_programme(actor=ntb, plan=rad.plan, code="9", name="Sisipan")
    with pytest.raises(NotFound):
        actions.create_plan(actor=ntb, task_force=tf.jatim, title="RAD", start_year=2025, end_year=2029)
    with pytest.raises(NotFound):
        actions.file_progress(actor=ntb, activity=rad.activity, year=2025, values={rad.typed: 1})
    # A kabupaten secretariat-less user does not see the province's plan unless its agency is named in it.
    assert not selectors.plans_visible_to(org.blitar_investigator).exists()
    assert list(selectors.plans_visible_to(org.malang_investigator)) == [rad.plan]  # supporting agency
    # Named but not responsible: may read, may not report.
    with pytest.raises(NotFound):
        actions.file_progress(actor=org.malang_investigator, activity=rad.activity, year=2025,
                              values={rad.typed: 1})
    # Roles without plans rights.
    assert not selectors.plans_visible_to(org.auditor).exists()
    with pytest.raises(PermissionDenied):
        actions.create_plan(actor=org.jatim_supervisor, task_force=tf.jatim, title="X", start_year=2025,
                            end_year=2025)
    # The national secretariat sees and edits every task force's plan; Jatim cannot write the RAN.
    assert selectors.get_managed_plan(org.secretariat, rad.plan.pk) == rad.plan
    with pytest.raises(NotFound):
        actions.create_plan(actor=tf.jatim_secretariat, task_force=tf.national, title="RAN", start_year=2025,
                            end_year=2029)


def test_evidence_is_checked_by_content(org, rad, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    supervisor = org.jatim_supervisor
    report = actions.file_progress(actor=supervisor, activity=rad.activity, year=2025, values={rad.typed: 30},
                                   evidence=[SimpleUploadedFile("foto.png", PNG_BYTES, "image/png")])
    for name, data in [("laporan.pdf", PDF_BYTES), ("rekap.xlsx", xlsx_bytes())]:
        actions.attach_evidence(actor=supervisor, report=report, upload=SimpleUploadedFile(name, data))
    kinds = sorted(Evidence.objects.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "image/png"]
    stored = Evidence.objects.get(content_type="application/pdf")
    assert (tmp_path / stored.file.name).read_bytes() == PDF_BYTES
    assert "laporan" not in stored.file.name  # a random name on disk
    # The name and the browser's word do not count: the content does.
    for name, data in [("virus.pdf", b"MZ\x90\x00 not a pdf"), ("arsip.xlsx", _plain_zip()), ("kosong.pdf", b"")]:
        with pytest.raises(GugusError) as exc:
            actions.attach_evidence(actor=supervisor, report=report,
                                    upload=SimpleUploadedFile(name, data, "application/pdf"))
        assert exc.value.field == "evidence"
    small = dataclasses.replace(config.rules(), max_upload_bytes=1024)
    monkeypatch.setattr("gugus.plans.uploads.rules", lambda: small)
    with pytest.raises(GugusError):
        actions.attach_evidence(actor=supervisor, report=report,
                                upload=SimpleUploadedFile("besar.pdf", PDF_BYTES + b"0" * 2048))
    assert Evidence.objects.count() == 3
    assert AuditEvent.objects.filter(action="plan.evidence_add").count() == 2


def _plain_zip() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    return buffer.getvalue()


def test_annual_report_pdf_and_xlsx(org, tf, rad):
    actions.file_progress(actor=org.jatim_supervisor, activity=rad.activity, year=2025, values={rad.typed: 46},
                          obstacles="Jadwal bentrok dengan musim tanam", interventions="Tambahan anggaran cetak")
    evaluation = selectors.evaluate(rad.plan, 2025)
    pdf = reports.evaluation_pdf(evaluation)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2  # the page tree and at least one page
    wb = load_workbook(io.BytesIO(reports.evaluation_xlsx(evaluation)))
    assert wb.sheetnames == ["Ringkasan", "Capaian", "Kendala", "Intervensi", "Rekomendasi"]
    capaian = [[c.value for c in row] for row in wb["Capaian"].iter_rows(min_row=2)]
    assert {r[3] for r in capaian} == {"Sosialisasi migrasi aman"}
    assert {r[6] for r in capaian} == {"Desa tersosialisasi", "Kasus tercatat"}
    typed = next(r for r in capaian if r[6] == "Desa tersosialisasi")
    assert typed[10:13] == [30, 46, 153.3]
    assert wb["Kendala"]["C2"].value == "Jadwal bentrok dengan musim tanam"
    assert "Lanjutkan kegiatan 1.1" in wb["Rekomendasi"]["A2"].value


def test_carry_over_unmet_activities_into_a_new_draft(org, tf, rad):
    actor = tf.jatim_secretariat
    met = actions.add_activity(actor=actor, programme=rad.programme, code="1.2", name="Pelatihan petugas",
                               responsible_agency=org.jatim)
    met_indicator = actions.add_indicator(actor=actor, activity=met, name="Petugas dilatih", targets={2025: 10})
    actions.file_progress(actor=actor, activity=met, year=2025, values={met_indicator: 12})
    actions.file_progress(actor=actor, activity=rad.activity, year=2025, values={rad.typed: 20})
    draft = actions.carry_over_unmet(actor=actor, plan=rad.plan, year=2025, start_year=2026, end_year=2026)
    assert draft.status == PlanStatus.DRAFT and draft.carried_from == rad.plan
    [activity] = [a for p in draft.programmes.all() for a in p.activities.all()]
    assert activity.code == "1.1" and activity.carried_from == rad.activity
    assert list(activity.supporting_agencies.all()) == [org.malang]
    typed = activity.indicators.get(name="Desa tersosialisasi")
    assert typed.baseline == 20 and [(t.year, t.value) for t in typed.targets.all()] == [(2026, 40)]
    assert activity.indicators.get(name="Kasus tercatat").metric_code == "cases.recorded"
    assert AuditEvent.objects.filter(action="plan.carry_over", object_id=str(draft.pk)).exists()


def test_a_closed_plan_takes_no_reports(org, tf, rad):
    actions.set_plan_status(actor=tf.jatim_secretariat, plan=rad.plan, status=PlanStatus.CLOSED)
    with pytest.raises(GugusError):
        actions.file_progress(actor=org.jatim_supervisor, activity=rad.activity, year=2025, values={rad.typed: 1})
    assert AuditEvent.objects.filter(action="plan.status", object_id=str(rad.plan.pk)).get().data == {
        "from": "draft", "to": "closed"}
