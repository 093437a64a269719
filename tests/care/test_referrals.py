"""Consent gates what a referral shares; acceptance opens exactly the referred case, revocation, decline,
completion and withdrawal of consent close it again — through the selectors, the pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.accounts.models import AccessGrant
from gugus.audit.models import AuditEvent
from gugus.care import actions, selectors
from gugus.care.models import ReferralStatus, Service
from gugus.cases import actions as cases
from gugus.cases.models import Case
from gugus.cases.selectors import cases_visible_to
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from tests.care.conftest import open_case
from tests.factories import make_person, sign_in

pytestmark = pytest.mark.django_db


def consent(user, victim, **overrides):
    values = {"given_on": "2024-03-02", "method": "written", "given_by": "victim", "share_identity": True,
              "share_case_details": True, "any_receiver": True}
    values.update(overrides)
    return actions.record_consent(actor=user, victim=victim, **values)


def refer(user, victim, to, services=("SocialRehabilitation",)):
    return actions.send_referral(actor=user, victim=victim, to_agency=to, reason="AdditionalServicesRequired",
                                 services=list(services))


def sees(user, case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def test_without_consent_a_referral_carries_only_a_summary_and_opens_nothing(client, care_org, case_and_victim):
    case, victim = case_and_victim
    kbri = care_org.kbri_staff
    referral = refer(care_org.malang_investigator, victim, care_org.kbri, ["Repatriation", "HealthRehabilitation"])
    assert not referral.shares_identity and referral.consent is None
    assert set(referral.summary) == {"sex", "age_group", "child", "needs", "services", "region", "region_name"}
    assert referral.summary["region"] == "35.07" and referral.summary["age_group"] in ("25-34", "18-24")
    assert "Sri" not in str(referral.summary)
    # The receiver sees it in the inbox, with the summary and no name, before answering.
    assert list(selectors.incoming_referrals(kbri)) == [referral]
    sign_in(client, kbri)
    inbox = client.get(reverse("care:referral_inbox")).content.decode()
    assert "Sri Wahyuni" not in inbox and "malang" in inbox.lower()

    actions.accept_referral(actor=kbri, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.grant is None
    assert not AccessGrant.objects.exists()
    assert not sees(kbri, case)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    detail = client.get(reverse("care:referral_detail", args=[referral.pk])).content.decode()
    assert "Sri Wahyuni" not in detail and 'data-testid="open-case"' not in detail
    # The provider still works its services without seeing the case.
    service = referral.services.get(kind="Repatriation")
    actions.change_service_status(actor=kbri, service=service, status="in_progress")


def test_consent_opens_exactly_the_referred_case_on_acceptance_and_revocation_closes_it(
        client, care_org, case_and_victim, other_case):
    case, victim = case_and_victim
    kbri, sender = care_org.kbri_staff, care_org.malang_investigator
    consent(sender, victim)
    referral = refer(sender, victim, care_org.kbri)
    assert referral.shares_identity
    # Sent is not accepted: nothing opens yet.
    assert not sees(kbri, case)

    actions.accept_referral(actor=kbri, referral=referral)
    referral.refresh_from_db()
    grant = referral.grant
    assert grant.kind == "referral" and grant.object_type == Case.OBJECT_TYPE and grant.object_id == case.pk
    assert grant.grantee_agency == care_org.kbri
    assert list(cases_visible_to(kbri)) == [case]
    assert AuditEvent.objects.filter(action="access.grant", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(action="care.referral.accept", object_id=str(case.pk)).exists()
    sign_in(client, kbri)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert client.get(reverse("care:case_care", args=[case.pk])).status_code == 200
    # …and nothing else of the sender's.
    assert client.get(reverse("cases:case_detail", args=[other_case.pk])).status_code == 404
    assert client.get(f"/api/v1/cases/{other_case.pk}/").status_code == 404
    assert client.get(reverse("care:case_care", args=[other_case.pk])).status_code == 404

    with pytest.raises(NotFound):  # only the sender revokes
        actions.revoke_referral(actor=kbri, referral=referral, reason="bukan wewenang kami")
    actions.revoke_referral(actor=sender, referral=referral, reason="Korban dipindah ke shelter lain")
    assert not sees(kbri, case)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.revoke", object_id=str(case.pk)).exists()
    # The need and its deadline stay with the victim, waiting for another provider.
    service = Service.objects.get(plan__victim=victim)
    assert service.status == "requested" and service.provider_agency is None and service.deadline


def test_consent_for_named_agencies_does_not_cover_others(care_org, case_and_victim):
    case, victim = case_and_victim
    consent(care_org.malang_investigator, victim, any_receiver=False, agencies=[care_org.uptd])
    assert not refer(care_org.malang_investigator, victim, care_org.kbri).shares_identity
    assert refer(care_org.malang_investigator, victim, care_org.uptd).shares_identity


def test_consent_without_identity_does_not_open_the_case(care_org, case_and_victim):
    case, victim = case_and_victim
    consent(care_org.malang_investigator, victim, share_identity=False, share_health=True)
    assert not refer(care_org.malang_investigator, victim, care_org.kbri).shares_identity


def test_every_victim_of_the_case_must_consent_because_the_case_opens_whole(care_org, case_and_victim):
    case, victim = case_and_victim
    sender = care_org.malang_investigator
    second = cases.add_participant(actor=sender, case=case, role="victim",
                                   person=make_person(sender, "Wulan Sari", sex="F", birth_date="1996-02-02"))
    consent(sender, victim)
    assert not refer(sender, victim, care_org.kbri).shares_identity
    consent(sender, second)
    assert refer(sender, victim, care_org.kbri).shares_identity


def test_a_child_needs_a_guardians_consent(care_org, child_case):
    case, child = child_case
    sender = care_org.malang_investigator
    assert child.is_child
    with pytest.raises(GugusError) as err:
        consent(sender, child)
    assert err.value.field == "given_by"
    with pytest.raises(GugusError) as err:
        consent(sender, child, given_by="guardian")
    assert err.value.field == "guardian_name"
    consent(sender, child, given_by="guardian", guardian_name="Siti (ibu)", child_assent=True)
    assert refer(sender, child, care_org.kbri).shares_identity


def test_consent_given_by_the_victim_stops_counting_once_the_victim_is_found_a_child(care_org, case_and_victim):
    case, victim = case_and_victim
    sender = care_org.malang_investigator
    consent(sender, victim)
    referral = refer(sender, victim, care_org.kbri)
    # An earlier event shows the victim was 15 at the time: a child, whose own consent does not count.
    victim.__class__.objects.filter(pk=victim.pk).update(is_child=True)
    actions.accept_referral(actor=care_org.kbri_staff, referral=referral)
    referral.refresh_from_db()
    assert not referral.shares_identity and referral.grant is None
    assert not sees(care_org.kbri_staff, case)


def test_withdrawing_consent_ends_access_at_once(care_org, case_and_victim):
    case, victim = case_and_victim
    sender, kbri = care_org.malang_investigator, care_org.kbri_staff
    given = consent(sender, victim)
    referral = refer(sender, victim, care_org.kbri)
    actions.accept_referral(actor=kbri, referral=referral)
    assert sees(kbri, case)
    actions.withdraw_consent(actor=sender, consent=given, note="korban menarik persetujuan")
    assert not sees(kbri, case)
    referral.refresh_from_db()
    assert not referral.shares_identity and referral.status == ReferralStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="care.consent.withdraw").exists()
    assert kbri.care_notifications.filter(kind="consent_withdrawn").exists()


def test_completion_ends_access_and_decline_needs_a_reason(care_org, case_and_victim):
    case, victim = case_and_victim
    sender, kbri = care_org.malang_investigator, care_org.kbri_staff
    consent(sender, victim)
    first = refer(sender, victim, care_org.kbri)
    actions.accept_referral(actor=kbri, referral=first)
    actions.complete_referral(actor=kbri, referral=first, note="sudah dipulangkan")
    assert not sees(kbri, case)

    second = refer(sender, victim, care_org.kbri, ["HealthRehabilitation"])
    with pytest.raises(GugusError) as err:
        actions.decline_referral(actor=kbri, referral=second, reason="")
    assert err.value.field == "reason"
    actions.decline_referral(actor=kbri, referral=second, reason="Tidak ada layanan kesehatan di KBRI")
    service = second.services.get()
    assert service.status == "declined" and not sees(kbri, case)
    # Another provider takes it over with the victim's original deadline.
    deadline = service.deadline
    actions.assign_provider(actor=sender, service=service, provider_name="RS Bhayangkara Malang")
    service.refresh_from_db()
    assert service.status == "requested" and service.deadline == deadline
    assert sender.care_notifications.filter(kind="referral_declined").exists()


def test_only_the_receiver_answers_and_only_care_roles_refer(care_org, case_and_victim):
    case, victim = case_and_victim
    referral = refer(care_org.malang_investigator, victim, care_org.kbri)
    for stranger in (care_org.malang_investigator, care_org.lotim_investigator, care_org.uptd_worker):
        with pytest.raises(NotFound):
            actions.accept_referral(actor=stranger, referral=referral)
    with pytest.raises(GugusError) as err:  # the receiver answers the referral before working on it
        actions.change_service_status(actor=care_org.kbri_staff, service=referral.services.get(), status="in_progress")
    assert err.value.field == "status"
    with pytest.raises(PermissionDenied):
        refer(care_org.secretariat, victim, care_org.kbri)
    with pytest.raises(NotFound):  # out of scope: the case "does not exist" for Blitar
        refer(care_org.blitar_investigator, victim, care_org.kbri)
    with pytest.raises(GugusError) as err:
        refer(care_org.malang_investigator, victim, care_org.malang)
    assert err.value.field == "to_agency"


def test_referral_to_an_agency_outside_gugus_is_recorded_only(care_org, case_and_victim):
    case, victim = case_and_victim
    referral = actions.send_referral(actor=care_org.malang_investigator, victim=victim, reason="Other",
                                     to_external="Yayasan Pemulihan Korban", services=["SocialReintegration"])
    assert referral.status == ReferralStatus.RECORDED and referral.grant is None
    assert referral.services.get().provider_name == "Yayasan Pemulihan Korban"


def test_referral_pages_send_accept_and_open_the_case(client, care_org, case_and_victim):
    case, victim = case_and_victim
    consent(care_org.malang_investigator, victim)
    sign_in(client, care_org.malang_investigator)
    response = client.post(reverse("care:send_referral", args=[case.pk]), {
        "victim": victim.pk, "to_agency": care_org.kbri.pk, "reason": "AdditionalServicesRequired",
        "services": ["Repatriation"], "message": "Mohon bantu pemulangan"})
    assert response.status_code == 302, response.content.decode()[:600]
    referral = case.referrals.get()
    client.logout()
    sign_in(client, care_org.kbri_staff)
    assert client.get(reverse("care:referral_detail", args=[referral.pk])).status_code == 200
    assert client.post(reverse("care:referral_answer", args=[referral.pk, "terima"])).status_code == 302
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    # An agency that is neither sender, receiver nor in scope gets 404 for the referral.
    client.logout()
    sign_in(client, care_org.lotim_investigator)
    assert client.get(reverse("care:referral_detail", args=[referral.pk])).status_code == 404


def test_inbox_queries_do_not_grow_with_referrals(client, care_org, django_assert_max_num_queries):
    sender = care_org.malang_investigator
    for i in range(6):
        _case, victim = open_case(sender, victim_name=f"Korban {i}", birth_date=f"1990-01-0{i + 1}")
        refer(sender, victim, care_org.kbri)
    sign_in(client, care_org.kbri_staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("care:referral_inbox"))
    assert response.status_code == 200 and response.content.decode().count("/rujukan/") >= 6


def test_health_notes_need_consent_to_share_health(client, care_org, case_and_victim):
    case, victim = case_and_victim
    sender, kbri = care_org.malang_investigator, care_org.kbri_staff
    given = consent(sender, victim)  # identity and case details, not health
    actions.request_service(actor=sender, victim=victim, kind="HealthRehabilitation", requested_on="2024-03-05",
                            notes="Luka memar, trauma berat")
    actions.accept_referral(actor=kbri, referral=refer(sender, victim, care_org.kbri, ["Repatriation"]))
    sign_in(client, kbri)
    page = client.get(reverse("care:case_care", args=[case.pk])).content.decode()
    assert "Luka memar" not in page and 'data-testid="notes-hidden"' in page
    actions.withdraw_consent(actor=sender, consent=given)
    consent(sender, victim, share_health=True)
    actions.accept_referral(actor=kbri, referral=refer(sender, victim, care_org.kbri, ["Repatriation"]))
    assert "Luka memar" in client.get(reverse("care:case_care", args=[case.pk])).content.decode()
    # The sender's own agency always reads them.
    client.logout()
    sign_in(client, sender)
    assert "Luka memar" in client.get(reverse("care:case_care", args=[case.pk])).content.decode()


def test_an_account_without_agency_does_no_care_work(care_org, case_and_victim):
    from gugus.accounts.models import User

    _case, victim = case_and_victim
    root = User.objects.create(username="root", is_superuser=True)
    with pytest.raises(PermissionDenied):
        refer(root, victim, care_org.kbri)
