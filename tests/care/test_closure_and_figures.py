"""Closure and reopening need a second person's approval; figures per region; repatriation; conferences;
the services page and the demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.care import actions, selectors
from gugus.care.models import ClosureRequest, Service
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from tests.care.conftest import open_case
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_closure_needs_approval_by_someone_else(care_org, case_and_victim):
    case, victim = case_and_victim
    manager, supervisor = care_org.malang_case_manager, care_org.malang_supervisor
    service = actions.request_service(actor=manager, victim=victim, kind="SocialReintegration",
                                      requested_on="2024-03-05")
    with pytest.raises(GugusError) as err:  # open services first
        actions.request_closure(actor=manager, case=case, action="close", reason="Korban sudah pulih dan kembali")
    assert err.value.field == "reason"
    actions.change_service_status(actor=manager, service=service, status="delivered", on="2024-03-09")
    with pytest.raises(PermissionDenied):  # investigators do not ask for closure
        actions.request_closure(actor=care_org.malang_investigator, case=case, action="close",
                                reason="Korban sudah pulih dan kembali")
    request = actions.request_closure(actor=manager, case=case, action="close",
                                      reason="Korban sudah pulih dan kembali ke keluarga")
    case.refresh_from_db()
    assert case.status == "Active"  # nothing changes before approval
    assert supervisor.care_notifications.filter(kind="closure_requested").exists()
    with pytest.raises(GugusError):  # one pending request at a time
        actions.request_closure(actor=manager, case=case, action="close", reason="Sekali lagi, mohon ditutup")
    with pytest.raises(PermissionDenied):
        actions.decide_closure(actor=manager, request=request, approve=True)
    with pytest.raises(NotFound):  # a supervisor elsewhere does not see the case
        actions.decide_closure(actor=care_org.lotim_supervisor, request=request, approve=True)
    actions.decide_closure(actor=supervisor, request=request, approve=True)
    case.refresh_from_db()
    assert case.status == "Closed"
    assert AuditEvent.objects.filter(action="case.update", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(action="care.closure.decide").exists()

    # A supervisor's own request still needs another approver.
    reopen = actions.request_closure(actor=supervisor, case=case, action="reopen",
                                     reason="Korban kembali dieksploitasi, perlu layanan lagi")
    with pytest.raises(GugusError) as err:
        actions.decide_closure(actor=supervisor, request=reopen, approve=True)
    assert err.value.field == "approve"
    with pytest.raises(GugusError) as err:
        actions.decide_closure(actor=care_org.jatim_supervisor, request=reopen, approve=False)
    assert err.value.field == "note"
    actions.decide_closure(actor=care_org.jatim_supervisor, request=reopen, approve=True)
    case.refresh_from_db()
    assert case.status == "Active"
    assert ClosureRequest.objects.filter(state="approved").count() == 2


def test_figures_per_region(client, care_org, case_and_victim):
    _case, victim = case_and_victim
    worker, uptd = care_org.malang_investigator, care_org.uptd_worker
    today = dt.date(2024, 4, 30)

    def service(kind, requested, started=None, provider=care_org.uptd):
        s = actions.request_service(actor=worker, victim=victim, kind=kind, requested_on=requested,
                                    provider_agency=provider)
        if started:
            actions.change_service_status(actor=uptd, service=s, status="in_progress", on=started)
        return s

    service("HealthRehabilitation", "2024-03-01", "2024-03-04")   # 3 days: met
    service("HealthRehabilitation", "2024-03-01", "2024-03-15")   # 14 days: late
    service("SocialRehabilitation", "2024-03-01")                  # never given, past deadline: not met
    service("SocialRehabilitation", "2024-04-28")                  # still within its deadline: not counted yet
    service("LegalAid", "2024-03-01", "2024-03-21")                # no deadline: only in the median
    lotim_case, lotim_victim = open_case(care_org.lotim_investigator, victim_name="Baiq Nurul",
                                         birth_date="2000-01-01", origin_region="52.03.01")
    declined = actions.send_referral(actor=care_org.lotim_investigator, victim=lotim_victim, to_agency=care_org.uptd,
                                     reason="Other", services=["SocialRehabilitation"])
    actions.decline_referral(actor=uptd, referral=declined, reason="Di luar wilayah layanan kami")
    accepted = actions.send_referral(actor=worker, victim=victim, to_agency=care_org.kbri, reason="Other",
                                     services=["Repatriation"])
    actions.accept_referral(actor=care_org.kbri_staff, referral=accepted)

    rows = {r.code: r for r in selectors.figures(care_org.secretariat, today=today)}
    malang = rows["35.07"]
    assert (malang.met, malang.due) == (1, 3) and malang.share_met == 33.3
    assert malang.median("HealthRehabilitation") == 8.5 and malang.median("LegalAid") == 20
    assert (malang.referrals_sent, malang.referrals_accepted, malang.referrals_declined) == (1, 1, 0)
    assert rows["52.03"].referrals_declined == 1
    assert list(rows) == ["35.07", "52.03"]
    province = {r.code: r for r in selectors.figures(care_org.secretariat, level=1, today=today)}
    assert set(province) == {"35", "52"}
    # Scope: Blitar's investigator sees no Malang figures; the analyst (aggregates only) sees all.
    assert selectors.figures(care_org.blitar_investigator, today=today) == []
    assert {r.code for r in selectors.figures(care_org.analyst, today=today)} == {"35.07", "52.03"}
    sign_in(client, care_org.analyst)
    page = client.get(reverse("care:figures")).content.decode()
    assert "33.3%" not in page or "35.07" in page
    assert "Wahyuni" not in page  # the victim's surname ("Sri" alone can occur in a random CSRF token)


def test_repatriation_from_abroad_starts_and_delivers_the_service(care_org, case_and_victim):
    case, victim = case_and_victim
    worker = care_org.malang_investigator
    repatriation = actions.start_repatriation(actor=worker, victim=victim, country="KH", mission=care_org.kbri,
                                              arrival_point="Bandara Juanda", arrival_region="35.15",
                                              home_region="35.07", requested_on="2024-03-05")
    service = repatriation.service
    assert service.kind == "Repatriation" and service.deadline == dt.date(2024, 3, 12)
    with pytest.raises(GugusError) as err:
        actions.add_repatriation_leg(actor=worker, repatriation=repatriation, stage="abroad",
                                     from_place="Phnom Penh", to_place="Juanda", departed_on="2024-03-10",
                                     arrived_on="2024-03-09")
    assert err.value.field == "arrived_on"
    actions.add_repatriation_leg(actor=worker, repatriation=repatriation, stage="abroad", from_place="Phnom Penh",
                                 to_place="Juanda", escort_agency=care_org.kbri, departed_on="2024-03-10",
                                 arrived_on="2024-03-10", handed_to_name="BP3MI Jatim", handed_over_on="2024-03-10")
    service.refresh_from_db()
    assert service.status == "in_progress" and service.started_on == dt.date(2024, 3, 10)
    actions.add_repatriation_leg(actor=worker, repatriation=repatriation, stage="arrival", from_place="Juanda",
                                 to_place="Kab. Malang", departed_on="2024-03-11", arrived_on="2024-03-11",
                                 handed_to_agency=care_org.malang, handed_over_on="2024-03-11")
    service.refresh_from_db()
    assert service.status == "delivered" and repatriation.legs.count() == 2
    with pytest.raises(GugusError) as err:
        actions.start_repatriation(actor=worker, victim=victim, country="ID", arrival_point="x")
    assert err.value.field == "country"


def test_services_page_and_forms(client, care_org, case_and_victim):
    case, victim = case_and_victim
    sign_in(client, care_org.malang_investigator)
    url = reverse("care:case_care", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(reverse("care:request_service", args=[case.pk]), {
        "victim": victim.pk, "kind": "HealthRehabilitation", "requested_on": "2024-03-05",
        "provider_agency": care_org.uptd.pk})
    assert response.status_code == 302, response.content.decode()[:500]
    bad = client.post(reverse("care:record_consent", args=[case.pk]), {
        "victim": victim.pk, "given_on": "2024-03-05", "method": "verbal", "given_by": "victim"})
    assert bad.status_code == 400 and bad.context["consent_form"].errors
    ok = client.post(reverse("care:record_consent", args=[case.pk]), {
        "victim": victim.pk, "given_on": "2024-03-05", "method": "verbal", "given_by": "victim",
        "share_identity": "on", "share_case_details": "on", "agencies": [care_org.uptd.pk]})
    assert ok.status_code == 302
    conference = client.post(reverse("care:record_conference", args=[case.pk]), {
        "held_on": "2024-03-07", "agencies": [care_org.malang.pk, care_org.uptd.pk], "decisions": "Rujuk ke UPTD"})
    assert conference.status_code == 302
    page = client.get(url).content.decode()
    assert 'datetime="2024-03-12"' in page and "Rujuk ke UPTD" in page
    service = Service.objects.get()
    # The provider (UPTD) answers for itself; the requester may only withdraw the request.
    refused = client.post(reverse("care:service_status", args=[service.pk]), {"status": "in_progress"})
    service.refresh_from_db()
    assert refused.status_code == 302 and service.status == "requested"
    client.post(reverse("care:service_status", args=[service.pk]), {"status": "not_needed", "note": "dobel"})
    service.refresh_from_db()
    assert service.status == "not_needed"
    client.logout()
    sign_in(client, care_org.blitar_investigator)
    assert client.get(url).status_code == 404
    assert client.post(reverse("care:service_status", args=[service.pk]), {"status": "delivered"}).status_code == 404


def test_demo_has_an_overdue_service_and_runs_once(settings, tmp_path, regions, monkeypatch):
    from gugus.care.demo import add_care_demo
    from gugus.core import demo

    settings.DATA_DIR = tmp_path
    # The demo organisation and users; its synthetic case registry (slow, tested in tests/core) is skipped.
    monkeypatch.setattr(demo, "_demo_cases", lambda *args, **kwargs: None)
    demo.setup_demo(persons=0)
    assert add_care_demo() is True
    assert add_care_demo() is False
    today = dt.date.today()
    overdue = [s for s in Service.objects.all() if actions.deadline_state(s, today) == "overdue"]
    assert overdue
    from gugus.accounts.models import User

    kbri = User.objects.get(username="staf.kbri")
    assert selectors.case_is_visible(kbri, overdue[0].case_id) is False
    assert any(r.grant_id for r in kbri.agency.referrals_received.all())
