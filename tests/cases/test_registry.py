"""The case registry through its pages: record a case, its people and events, identify, move it through
the criminal process, find the victim by a misspelt name — and nothing of it outside the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gugus.audit.models import AuditEvent
from gugus.cases import actions
from gugus.cases.models import Case, Participant
from gugus.core.errors import GugusError
from tests.factories import make_person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org):
    return actions.create_case(actor=org.malang_investigator, reported_on="2024-03-01",
                               police_report_number="LP/B/123/III/2024/SPKT/POLRES MALANG")


def test_open_a_case_once_even_when_the_form_is_sent_twice(client, org):
    sign_in(client, org.malang_investigator)
    form = {"reported_on": "2024-03-01", "police_report_number": "LP/1", "status": "Active",
            "intake_key": "b6f0c1d2e3", "summary": "Korban direkrut lewat Facebook"}
    first = client.post(reverse("cases:case_create"), form)
    second = client.post(reverse("cases:case_create"), form)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.reference == "TPPO/35.07/2024/00001" and case.scope_code == "35.07"
    assert AuditEvent.objects.filter(action="case.create").count() == 1


def test_record_victim_perpetrator_event_and_child_flag(client, org, case):
    sign_in(client, org.malang_investigator)
    url = reverse("cases:case_add_participant", args=[case.pk])
    victim = client.post(url, {"role": "victim", "full_name": "Siti Aminah", "sex": "F",
                               "birth_date": "2007-05-02", "nik": "3507014205070001",
                               "trafficking_status": "PossibleVictimOfTrafficking"})
    assert victim.status_code == 302
    perp = client.post(url, {"role": "perpetrator", "full_name": "Agus Salim", "sex": "M",
                             "phone": "0812-3456-7890", "perpetrator_roles": ["RecruiterOrIntermediary"]})
    assert perp.status_code == 302, perp.content.decode()[:500]
    # The event date (May 2023) makes the victim 16 at the time of the events: a child.
    event = client.post(reverse("cases:case_add_event", args=[case.pk]), {
        "event_type": "Recruitment", "date": "2023-05", "region": "35.07.01",
        "recruitment_method": "ThroughOnlineSocialNetworks", "recruitment_platform": "Facebook"})
    assert event.status_code == 302, event.content.decode()[:800]
    exploitation = client.post(reverse("cases:case_add_event", args=[case.pk]), {
        "event_type": "Exploitation", "date": "2023", "country": "KH", "city": "Sihanoukville",
        "exploitation_types": ["ForcedLabour"]})
    assert exploitation.status_code == 302, exploitation.content.decode()[:800]
    case.refresh_from_db()
    assert case.has_child_victim and case.exploitation_types == ["ForcedLabour"]
    victim_row = Participant.objects.get(case=case, role="victim")
    assert victim_row.age_at_events == 15 and victim_row.is_child
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Sihanoukville" in page and "Siti Aminah" in page and "Agus Salim" in page
    read = AuditEvent.objects.filter(action="case.view", object_id=str(case.pk)).latest("seq")
    assert len(read.data["persons"]) == 2


def test_bad_event_input_is_explained(client, org, case):
    sign_in(client, org.malang_investigator)
    response = client.post(reverse("cases:case_add_event", args=[case.pk]), {
        "event_type": "Transit", "date": "2023-13", "region": "35.07.01"})
    assert response.status_code == 400
    assert response.context["event_form"].errors["date"]


def test_criminal_process_moves_by_the_stage_rules(client, org, case):
    sign_in(client, org.malang_investigator)
    url = reverse("cases:case_record_stage", args=[case.pk])
    for stage, date in [("lp", "2024-03-01"), ("penyidikan", "2024-03-10"), ("berkas_dikirim", "2024-04-01"),
                        ("p21", "2024-04-20")]:
        response = client.post(url, {"stage": stage, "date": date})
        assert response.status_code == 302, (stage, response.content.decode()[:600])
    case.refresh_from_db()
    assert case.current_stage == "p21"
    # A verdict straight after P-21 skips tahap II and prosecution: refused, with the reason.
    skip = client.post(url, {"stage": "putusan", "date": "2024-05-01"})
    assert skip.status_code == 400 and skip.context["stage_form"].errors
    # Dates must not run backwards.
    early = client.post(url, {"stage": "tahap_2", "date": "2024-04-01"})
    assert early.status_code == 400 and early.context["stage_form"].errors["date"]
    case.refresh_from_db()
    assert case.current_stage == "p21" and case.stages.count() == 4


def test_no_stage_before_the_report(org, case):
    with pytest.raises(GugusError) as err:
        actions.record_stage(actor=org.malang_investigator, case=case, stage="lp", date=dt.date(2024, 2, 1))
    assert err.value.field == "date"


def test_prosecutors_record_stages_but_operators_cannot(org, case):
    from gugus.accounts.roles import Role
    from tests.factories import make_user

    operator = make_user(org.malang, Role.OPERATOR)
    with pytest.raises(GugusError):
        actions.record_stage(actor=operator, case=case, stage="lp", date="2024-03-01")


def test_identification_gives_reasons_and_stores_the_rule_version(client, org, case):
    sign_in(client, org.malang_investigator)
    victim = make_person(org.malang_investigator, "Sri Wahyuni", birth_date="1995-01-01", sex="F")
    actions.add_participant(actor=org.malang_investigator, case=case, person=victim, role="victim")
    response = client.post(reverse("cases:case_identify", args=[case.pk]), {
        "process": ["recruitment", "transport"], "means": ["deception"], "purpose": ["forced_labour"],
        "movement": "from_indonesia_abroad", "consent_given": "on",
        "victim": Participant.objects.get(case=case).pk})
    assert response.status_code == 302, response.content.decode()[:800]
    row = case.identifications.get()
    assert row.outcome == "strong_indication" and row.rules_version
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Pasal 4" in page
    assert "Pasal 26" in page  # consent is irrelevant: the reasons say why


def test_verdict_and_restitution(org, case):
    perp = make_person(org.malang_investigator, "Agus Salim", sex="M")
    defendant = actions.add_participant(actor=org.malang_investigator, case=case, person=perp, role="perpetrator")
    with pytest.raises(GugusError):
        actions.record_verdict(actor=org.malang_investigator, case=case, defendant=defendant, date="2024-01-01")
    verdict = actions.record_verdict(actor=org.malang_investigator, case=case, defendant=defendant,
                                     date="2024-10-01", prison_months=60, restitution_ordered_rupiah=50_000_000)
    assert verdict.pk and AuditEvent.objects.filter(action="case.verdict").exists()


def test_cases_are_scoped_like_persons(client, org, case):
    lotim_case = actions.create_case(actor=org.lotim_investigator, reported_on="2024-01-05")
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("cases:case_detail", args=[lotim_case.pk])).status_code == 404
    assert client.post(reverse("cases:case_record_stage", args=[lotim_case.pk]),
                       {"stage": "lp", "date": "2024-01-05"}).status_code == 404
    listing = client.get(reverse("cases:case_list")).content.decode()
    assert case.reference in listing and lotim_case.reference not in listing


def test_person_page_lists_only_cases_in_scope(client, org, case):
    person = make_person(org.jatim_supervisor, "Rina Marlina", scope_code="35")
    actions.add_participant(actor=org.malang_investigator, case=case, person=person, role="victim")
    other = actions.create_case(actor=org.jatim_supervisor, reported_on="2024-02-01", scope_code="35.05")
    actions.add_participant(actor=org.jatim_supervisor, case=other, person=person, role="witness")
    sign_in(client, org.malang_investigator)
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert case.reference in page and other.reference not in page


def test_case_list_filters(client, org, case):
    actions.add_event(actor=org.malang_investigator, case=case, event_type="Exploitation", date="2023",
                      country="MY", exploitation_types=["SexualExploitation"])
    other = actions.create_case(actor=org.malang_investigator, reported_on="2021-06-01")
    sign_in(client, org.malang_investigator)

    def refs(**params):
        return [c.reference for c in client.get(reverse("cases:case_list"), params).context["page"]]

    assert refs(exploitation_type="SexualExploitation") == [case.reference]
    assert refs(reported_to="2022-01-01") == [other.reference]
    assert refs(child="true") == []
    assert set(refs(region="35.07")) == {case.reference, other.reference}


def test_second_editor_gets_a_conflict_not_a_silent_overwrite(client, org, case):
    sign_in(client, org.malang_investigator)
    url = reverse("cases:case_edit", args=[case.pk])
    base = {"reported_on": "2024-03-01", "status": "Active", "version": case.version}
    assert client.post(url, {**base, "summary": "Versi petugas A"}).status_code == 302
    clash = client.post(url, {**base, "summary": "Versi petugas B"})
    assert clash.status_code == 409 and clash.context["conflict"]
    case.refresh_from_db()
    assert case.summary == "Versi petugas A"


@pytest.mark.parametrize("query", ["Siti Aminah", "siti aminnah", "St. Aminah", "SITI AMINA"])
def test_name_search_tolerates_spelling_variants(client, org, query):
    make_person(org.malang_investigator, "Siti Aminah")
    make_person(org.malang_investigator, "Budi Santoso")
    sign_in(client, org.malang_investigator)
    names = [p.full_name for p in client.get(reverse("cases:person_list"), {"q": query}).context["page"]]
    assert names == ["Siti Aminah"]


def test_identifier_lookup_finds_a_phone_in_any_format(org):
    from gugus.cases.selectors import search_persons

    make_person(org.malang_investigator, "Agus Salim", phone=["0812-3456-7890"])
    found = search_persons(org.malang_investigator, identifier="+62 812 3456 7890")
    assert [p.full_name for p in found] == ["Agus Salim"]
    assert not search_persons(org.lotim_investigator, identifier="+62 812 3456 7890").exists()


def test_nik_hint_offers_birth_date_and_sex_and_warns_on_disagreement(client, org):
    sign_in(client, org.malang_investigator)
    ok = client.get(reverse("cases:nik_hint"), {"nik": "3507014205070001"}).content.decode()
    assert "2007-05-02" in ok
    clash = client.get(reverse("cases:nik_hint"), {"nik": "3507014205070001", "birth_date": "2007-05-03",
                                                   "sex": "M"}).content.decode()
    assert clash.count("⚠") == 2
    bad = client.get(reverse("cases:nik_hint"), {"nik": "9999014205070001"})
    assert 'class="error"' in bad.content.decode()


def test_closing_a_case_needs_approval_not_an_edit(org, case):
    with pytest.raises(GugusError) as err:
        actions.update_case(actor=org.malang_investigator, case=case, expected_version=case.version,
                            status="Closed")
    assert err.value.field == "status"
    case.refresh_from_db()
    assert case.status == "Active"
    actions.update_case(actor=org.malang_investigator, case=case, expected_version=case.version,
                        status="FollowUp")
    case.refresh_from_db()
    assert case.status == "FollowUp"


def test_reclassifying_a_troubled_worker_case_keeps_its_history(org):
    case = actions.create_case(actor=org.malang_investigator, reported_on="2024-02-01", kind="troubled_worker")
    assert case.reference.startswith("PMI/35.07/2024/")
    victim = make_person(org.malang_investigator, "Lilis Suryani", sex="F", birth_date="1990-01-01")
    actions.add_participant(actor=org.malang_investigator, case=case, person=victim, role="victim")
    with pytest.raises(GugusError):
        actions.reclassify_case(actor=org.malang_investigator, case=case, kind="trafficking", reason="")
    actions.reclassify_case(actor=org.malang_investigator, case=case, kind="trafficking",
                            reason="Identifikasi: indikasi kuat TPPO")
    case.refresh_from_db()
    assert case.kind == "trafficking" and case.reference.startswith("PMI/")
    assert case.participants.count() == 1
    assert AuditEvent.objects.filter(action="case.reclassify", object_id=str(case.pk)).get().data["from"] == \
        "troubled_worker"
