"""Troubled and deceased migrant workers: their details beside the case, the same services and repatriation
as trafficking victims (gugus.care), re-classification as TPPO that keeps services and history, rights
claims, scope and audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.care import actions as care
from gugus.care.models import Service
from gugus.cases import actions as cases
from gugus.cases import identification as idn
from gugus.cases.models import Case, CaseKind
from gugus.core.errors import GugusError, NotFound
from gugus.migrants import actions
from gugus.migrants.models import DeceasedWorker, TroubledWorker
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

WORKER = {"full_name": "Wulan Sari", "sex": "F", "birth_date": "2000-02-02", "origin_region": "35.07.01",
          "nationality": "ID"}
STRONG = idn.IdentificationAnswers(process={"recruitment", "transport"}, means={"deception", "debt_bondage"},
                                   purpose={"forced_labour"}, exploitation_occurred=True,
                                   movement="from_indonesia_abroad", indonesian_citizen=True, age_at_events=24)


@pytest.fixture
def troubled(mig):
    return actions.open_troubled_worker_case(
        actor=mig.jatim_supervisor, reported_on="2025-05-01", country="KH", city="Sihanoukville",
        mission=mig.kbri, problem_types=["stranded", "unpaid_wages"], scope_code="35.07", new_person=WORKER,
        placement_agency="PT Contoh", placement_licence="7/SIP3MI/2020")


def test_reclassifying_a_troubled_worker_case_as_tppo_keeps_its_services_and_history(client, mig, troubled):
    case, supervisor = troubled.case, mig.jatim_supervisor
    assert case.kind == CaseKind.TROUBLED_WORKER and case.reference.startswith("PMI/35.07/2025/")
    service = care.request_service(actor=supervisor, victim=troubled.worker, kind="HealthRehabilitation",
                                   requested_on="2025-05-02")
    repatriation = care.start_repatriation(actor=supervisor, victim=troubled.worker, country="KH",
                                           arrival_point="Bandara Juanda", home_region="35.07.01",
                                           mission=mig.kbri)
    # Not before identification says so.
    with pytest.raises(GugusError) as exc:
        actions.reclassify_as_tppo(actor=supervisor, case=case, reason="Kerja paksa")
    assert exc.value.field == "identification"
    weak = cases.assess_identification(actor=supervisor, case=case, victim=troubled.worker,
                                       answers=idn.IdentificationAnswers(non_procedural=True))
    assert weak.outcome != "strong_indication"
    sign_in(client, supervisor)
    refused = client.post(reverse("migrants:case_reclassify", args=[case.pk]), {"reason": "Kerja paksa"})
    assert refused.status_code == 400 and refused.context["reclassify_form"].errors
    strong = cases.assess_identification(actor=supervisor, case=case, victim=troubled.worker, answers=STRONG)
    assert strong.outcome == "strong_indication"

    response = client.post(reverse("migrants:case_reclassify", args=[case.pk]),
                           {"reason": "Penipuan dan jeratan utang untuk kerja paksa"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.kind == CaseKind.TRAFFICKING and case.reference.startswith("PMI/")  # the reference stays
    # Services, repatriation, people, details and identifications stay on the case.
    assert Service.objects.get(pk=service.pk).case_id == case.pk
    assert case.services.count() == 2 and case.repatriations.get() == repatriation
    assert TroubledWorker.objects.get(case=case).problem_types == ["stranded", "unpaid_wages"]
    assert case.identifications.count() == 2 and case.participants.count() == 1
    # History: the creation, the service and the change of type are all in the audit log.
    actions_logged = list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
                          .order_by("seq").values_list("action", flat=True))
    assert actions_logged[:2] == ["case.create", "case.participant_add"]
    assert {"migrants.troubled.create", "care.service.request", "care.repatriation.start"} <= set(actions_logged)
    change = AuditEvent.objects.get(action="case.reclassify", object_id=str(case.pk))
    assert change.data == {"from": "troubled_worker", "to": "trafficking", "identification": strong.pk}
    assert change.reason.startswith("Penipuan")
    page = client.get(reverse("migrants:case", args=[case.pk])).content.decode()
    assert "Sihanoukville" in page and reverse("care:case_care", args=[case.pk]) in page
    # A trafficking case is not re-classified again from here.
    with pytest.raises(GugusError):
        actions.reclassify_as_tppo(actor=supervisor, case=case, reason="lagi")


def test_troubled_worker_case_through_the_page_and_its_validation(client, mig):
    sign_in(client, mig.jatim_supervisor)
    url = reverse("migrants:case_create", args=["bermasalah"])
    form = {"reported_on": "2025-05-01", "country": "MY", "problem_types": ["deported", "ill"], "route": "unknown",
            "full_name": "Agus Salim", "sex": "M", "intake_key": "k1", "mission": ""}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:500]
    again = client.post(url, form)  # the same form twice: one case
    assert again.status_code == 302 and Case.objects.filter(kind=CaseKind.TROUBLED_WORKER).count() == 1
    bad = client.post(url, {**form, "intake_key": "k2", "country": "ID"})
    assert bad.status_code == 400 and bad.context["form"].errors["country"]
    bad = client.post(url, {**form, "intake_key": "k3", "mission": mig.malang.pk})
    assert bad.status_code == 400
    listing = client.get(reverse("migrants:case_list", args=["bermasalah"])).content.decode()
    assert "PMI/35/2025/00001" in listing
    assert client.get(reverse("migrants:case_list", args=["lain"])).status_code == 404
    details = TroubledWorker.objects.get()
    actions.update_troubled_worker(actor=mig.jatim_supervisor, details=details, employer="Ladang sawit",
                                   problem_types=["deported"])
    event = AuditEvent.objects.get(action="migrants.troubled.update")
    assert event.data == {"changed": ["employer", "problem_types"]}


def test_deceased_worker_repatriation_handover_and_rights(client, mig):
    kbri = mig.kbri_staff
    details = actions.open_deceased_case(
        actor=kbri, reported_on="2025-04-10", country="KH", died_on="2025-04-05", place_of_death="Sihanoukville",
        mission=mig.kbri, cause="illness", autopsy_requested=True, documents=["death_certificate", "embassy_letter"],
        payer="state", remains="body", family_contact="Ayah", home_region="35.07.05",
        new_person={"full_name": "Nur Aini", "sex": "F"})
    case = details.case
    assert case.kind == CaseKind.DECEASED_WORKER and case.scope_code == "35.07"  # the family's kab/kota
    repatriation = care.start_repatriation(actor=kbri, victim=details.deceased, country="KH", mission=mig.kbri,
                                           arrival_point="Bandara Juanda (kargo)", home_region="35.07.05")
    care.add_repatriation_leg(actor=kbri, repatriation=repatriation, stage="abroad", from_place="Phnom Penh",
                              to_place="Juanda", escort_agency=mig.kbri, departed_on="2025-04-12",
                              arrived_on="2025-04-13")
    care.add_repatriation_leg(actor=kbri, repatriation=repatriation, stage="arrival", from_place="Juanda",
                              to_place="Kabupaten Malang", departed_on="2025-04-13", arrived_on="2025-04-13",
                              handed_to_name="Keluarga (ayah)", handed_over_on="2025-04-13")
    assert repatriation.service.__class__.objects.get(pk=repatriation.service_id).status == "delivered"

    with pytest.raises(GugusError) as exc:
        actions.add_rights_claim(actor=kbri, case=case, kind="insurance_death", status="paid")
    assert exc.value.field == "amount_paid_rupiah"
    with pytest.raises(GugusError) as exc:
        actions.add_rights_claim(actor=kbri, case=case, kind="nothing")
    assert exc.value.field == "kind"
    with pytest.raises(GugusError) as exc:
        actions.open_deceased_case(actor=kbri, reported_on="2025-04-10", country="KH", died_on="2025-05-01",
                                   new_person={"full_name": "X"})
    assert exc.value.field == "died_on"

    sign_in(client, kbri)
    response = client.post(reverse("migrants:claim_add", args=[case.pk]), {
        "kind": "unpaid_wages", "claimed_from": "Pemberi kerja", "status": "filed",
        "amount_claimed_rupiah": "14000000", "filed_on": "2025-04-20"})
    assert response.status_code == 302
    claim = case.rights_claims.get()
    response = client.post(reverse("migrants:claim_update", args=[claim.pk]), {
        "status": "partly_paid", "amount_paid_rupiah": "6000000", "decided_on": "2025-05-01"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid_rupiah) == ("partly_paid", 6_000_000)
    update = AuditEvent.objects.get(action="migrants.claim.update")
    assert update.data["from"] == "filed" and update.data["status"] == "partly_paid"
    page = client.get(reverse("migrants:case", args=[case.pk])).content.decode()
    assert "Keluarga (ayah)" in page and "Sihanoukville" in page and "6000000" in page

    # Polres Malang sees it (filed under Kabupaten Malang); Lombok Timur does not, page or action.
    assert DeceasedWorker.objects.get(case=case).payer == "state"
    client.logout()
    sign_in(client, mig.lotim_investigator)
    assert client.get(reverse("migrants:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("migrants:claim_update", args=[claim.pk]), {"status": "paid"}).status_code == 404
    assert client.post(reverse("migrants:claim_add", args=[case.pk]), {"kind": "compensation",
                                                                        "status": "to_file"}).status_code == 404
    with pytest.raises(NotFound):
        actions.update_deceased(actor=mig.lotim_investigator, details=details, payer="family")
    client.logout()
    sign_in(client, mig.malang_investigator)
    assert client.get(reverse("migrants:case", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="case.migrants_view", object_id=str(case.pk),
                                     actor_id=mig.malang_investigator.pk).exists()
