"""Prevented departures: screening with the identification engine, the recruiter's other appearances shown
only inside the viewer's scope, a case opened from the record keeping the link, and the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.cases.models import CaseKind, PersonIdentifier
from gugus.core.errors import GugusError
from gugus.migrants import actions, selectors
from gugus.migrants.models import PreventedDeparture, RecruiterContact
from tests.factories import sign_in
from tests.migrants.conftest import departure_kwargs

pytestmark = pytest.mark.django_db


def test_recruiter_phone_in_a_case_shown_only_to_users_whose_scope_covers_the_case(client, mig, trafficking_case):
    departure = actions.record_departure(actor=mig.officer, **departure_kwargs())
    assert departure.reference.startswith("PKB/35.78/2025/") and departure.scope_code == "35.78"
    # The phone is stored encrypted under the registry's blind index: the same index as the suspect's phone.
    contact = RecruiterContact.objects.get(departure=departure)
    assert PersonIdentifier.objects.filter(index=contact.index, kind="phone").exists()

    # Polda Jatim sees the departure (35.78) and the case (35.07): the link is shown and the read audited.
    sign_in(client, mig.jatim_supervisor)
    page = client.get(reverse("migrants:departure_detail", args=[departure.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert trafficking_case.reference in html and "recruiter-links" in html
    link_read = AuditEvent.objects.get(action="migrants.recruiter_link_view", actor_id=mig.jatim_supervisor.pk)
    assert link_read.data["cases"] == [trafficking_case.pk]

    # The immigration office sees its departure but not the Malang case: no link, not even a hint.
    client.logout()
    sign_in(client, mig.officer)
    html = client.get(reverse("migrants:departure_detail", args=[departure.pk])).content.decode()
    assert trafficking_case.reference not in html
    assert not selectors.recruiter_links(mig.officer, departure).cases
    assert not AuditEvent.objects.filter(action="migrants.recruiter_link_view", actor_id=mig.officer.pk).exists()

    # Polres Malang sees the case but not the departure (filed in Surabaya): 404, like a missing ID.
    client.logout()
    sign_in(client, mig.malang_investigator)
    assert client.get(reverse("migrants:departure_detail", args=[departure.pk])).status_code == 404
    assert client.get(reverse("migrants:departure_detail", args=[departure.pk + 999])).status_code == 404


def test_screening_uses_the_identification_engine_and_shows_its_reasons(client, mig):
    plain = actions.record_departure(actor=mig.officer, **departure_kwargs(recruiter_phones=""))
    assert plain.outcome == "non_procedural_no_indication"
    assert set(plain.answers["non_procedural_signs"]) == {"no_licensed_agency", "tourist_or_visit_visa"}
    assert plain.answers["non_procedural"] is True and plain.answers["movement"] == "from_indonesia_abroad"
    deceived = actions.record_departure(actor=mig.officer, **departure_kwargs(
        process=["recruitment", "transport"], means=["deception"], purpose=["forced_labour"]))
    assert deceived.outcome in ("strong_indication", "needs_inquiry")
    sign_in(client, mig.officer)
    html = client.get(reverse("migrants:departure_detail", args=[plain.pk])).content.decode()
    assert 'data-testid="reasons"' in html and plain.result["reasons"][0]["id"] in html

    response = client.post(reverse("migrants:departure_screen", args=[plain.pk]), {
        "non_procedural_signs": ["no_licensed_agency"], "means": ["deception"]})
    assert response.status_code == 302
    plain.refresh_from_db()
    assert plain.outcome == "needs_inquiry"
    event = AuditEvent.objects.get(action="migrants.departure.screen")
    assert event.data == {"from": "non_procedural_no_indication", "outcome": "needs_inquiry", "rules": "1"}


def test_record_through_the_page_and_bad_input_is_placed_beside_its_field(client, mig):
    sign_in(client, mig.officer)
    form = {"occurred_on": "2025-06-10", "exit_point": "SUB", "destination": "KH", "visa_type": "umrah",
            "full_name": "Siti Aminah", "sex": "F", "recruiter_phones": "0812 7000 3141, 0857-4410-2290",
            "documents": ["passport"], "non_procedural_signs": ["moratorium_country"]}
    response = client.post(reverse("migrants:departure_create"), form)
    assert response.status_code == 302, response.content.decode()[:600]
    departure = PreventedDeparture.objects.get()
    assert departure.contacts.count() == 2 and departure.person.full_name == "Siti Aminah"
    assert "umrah_or_pilgrimage_visa" in departure.answers["non_procedural_signs"]
    created = AuditEvent.objects.get(action="migrants.departure.create")
    assert created.data["contacts"] == ["phone"] and "0812" not in str(created.data)

    bad = client.post(reverse("migrants:departure_create"), {**form, "recruiter_phones": "12"})
    assert bad.status_code == 400 and bad.context["form"].errors["recruiter_phones"]
    nobody = client.post(reverse("migrants:departure_create"), {**form, "full_name": ""})
    assert nobody.status_code == 400 and nobody.context["form"].errors["full_name"]
    assert PreventedDeparture.objects.count() == 1
    # A person outside the officer's scope cannot be picked by ID.
    from tests.factories import make_person

    other = make_person(mig.lotim_investigator, "Baiq Nurul")
    hidden = client.post(reverse("migrants:departure_create"), {**form, "full_name": "", "person_id": other.pk})
    assert hidden.status_code == 400 and hidden.context["form"].errors["person_id"]


def test_a_departure_becomes_a_case_and_keeps_the_link(client, mig, trafficking_case):
    departure = actions.record_departure(actor=mig.officer, **departure_kwargs(
        agency_name="PT Contoh Jaya", agency_licence="12/SIP3MI/2021",
        process=["recruitment"], means=["deception"], purpose=["forced_labour"]))
    sign_in(client, mig.officer)
    response = client.post(reverse("migrants:departure_open_case", args=[departure.pk]),
                           {"kind": CaseKind.TRAFFICKING})
    assert response.status_code == 302
    departure.refresh_from_db()
    case = departure.case
    assert case.kind == CaseKind.TRAFFICKING and case.other_reference == departure.reference
    assert case.scope_code == "35.78"
    roles = {(p.role, p.person_id == departure.person_id) for p in case.participants.all()}
    assert roles == {("victim", True), ("perpetrator", False)}
    assert case.identifications.get().answers == departure.answers
    assert case.events.get().event_type == "Transit" and case.organisations.get().licence_number
    # The new suspect carries the recruiter's phone: the registry now links the two cases for Polda Jatim.
    suspect = case.participants.get(role="perpetrator").person
    assert suspect.identifiers.get(kind="phone").index == departure.contacts.get().index
    links = selectors.recruiter_links(mig.jatim_supervisor, departure)
    assert {link.case.pk for link in links.cases} == {trafficking_case.pk, case.pk}
    assert AuditEvent.objects.filter(action="migrants.departure.case_open", object_id=str(departure.pk)).exists()
    page = client.get(reverse("migrants:case", args=[case.pk])).content.decode()
    assert departure.reference in page
    with pytest.raises(GugusError) as exc:
        actions.open_case_from_departure(actor=mig.officer, departure=departure, kind=CaseKind.TROUBLED_WORKER)
    assert exc.value.field == "kind"


def test_other_departures_of_the_same_recruiter_and_scope_of_actions(mig):
    first = actions.record_departure(actor=mig.officer, **departure_kwargs())
    second = actions.record_departure(actor=mig.officer, **departure_kwargs(
        recruiter_phones="0812-7000-3141", new_person={"full_name": "Rudi Hartono", "sex": "M"}))
    assert [d.pk for d, _kinds in selectors.recruiter_links(mig.officer, second).departures] == [first.pk]
    assert selectors.list_departures(mig.lotim_investigator).count() == 0
    with pytest.raises(Exception) as exc:
        actions.screen_departure(actor=mig.lotim_investigator, departure=first)
    assert exc.value.__class__.__name__ == "NotFound"
    with pytest.raises(Exception) as exc:
        actions.record_departure(actor=mig.analyst, **departure_kwargs())
    assert exc.value.__class__.__name__ == "PermissionDenied"
