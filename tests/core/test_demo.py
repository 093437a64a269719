"""The demo organisation (through the actions) and the national registry generator (bulk, at scale)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from gugus.accounts.models import AgencyKind, Level
from gugus.audit.models import AuditEvent
from gugus.cases import selectors
from gugus.cases.actions import _set_name
from gugus.cases.models import (
    Case,
    CaseOrganisation,
    ChargedArticle,
    Identification,
    Participant,
    Person,
    PersonIdentifier,
    StageEntry,
    TraffickingEvent,
    Verdict,
)
from gugus.cases.stages import check_history
from gugus.core import scale
from gugus.core.demo import DEMO_CASES, setup_demo
from tests.factories import make_agency, make_user


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _counts():
    return {m.__name__: m.objects.count() for m in (Person, Case, Participant, TraffickingEvent, StageEntry,
                                                    Verdict, Identification, ChargedArticle, AuditEvent)}


@pytest.mark.django_db
def test_small_demo_has_every_kind_of_record_and_is_idempotent(regions, data_dir):
    first = setup_demo(persons=5)
    assert first.created and first.logins
    counts = _counts()
    again = setup_demo(persons=5)
    assert not again.created
    assert again.logins == first.logins
    assert _counts() == counts  # nothing added, not even an audit event

    cases = Case.objects.filter(intake_key__startswith="demo-case-")
    assert cases.count() == len(DEMO_CASES)
    assert {c.scope_code[:2] for c in cases} >= {"35", "52", ""}
    assert cases.filter(owner_agency__level=Level.ABROAD).exists()  # KBRI Phnom Penh
    roles = set(Participant.objects.values_list("role", flat=True))
    assert roles == {"victim", "perpetrator", "witness"}
    assert Participant.objects.filter(role="perpetrator").exclude(perpetrator_roles=[]).exists()
    victims = Participant.objects.filter(role="victim")
    children = victims.filter(is_child=True).count()
    assert 0.35 <= children / victims.count() <= 0.65  # about half children
    assert victims.filter(person__sex="F").count() > victims.count() / 2  # mostly women and girls
    assert set(TraffickingEvent.objects.values_list("event_type", flat=True)) == {
        "Recruitment", "Transit", "Exploitation"}
    assert TraffickingEvent.objects.filter(country_id="KH").exists()
    assert TraffickingEvent.objects.filter(country_id="MY").exists()
    stages = set(cases.values_list("current_stage", flat=True))
    assert {"p21", "putusan", "inkracht", "restitusi_dibayar", "lp", ""} <= stages
    assert Verdict.objects.filter(restitution_ordered_rupiah__gt=0).exists()
    assert Verdict.objects.filter(restitution_paid_rupiah__gt=0).exists()
    assert ChargedArticle.objects.exists() and CaseOrganisation.objects.exists()
    assert len(set(Identification.objects.values_list("outcome", flat=True))) >= 2
    # The actions kept the denormalised columns.
    for case in cases:
        history = list(case.stages.all())
        assert case.current_stage == (history[-1].stage if history else "")
        assert check_history(history, report_date=case.reported_on) == []
        assert case.has_child_victim == case.participants.filter(role="victim", is_child=True).exists()


@pytest.fixture
def national_user(regions):
    agency = make_agency(Level.NATIONAL, kind=AgencyKind.POLICE, name="Bareskrim (test)")
    return make_user(agency, username="penyidik.nasional")


@pytest.mark.django_db
def test_scale_generator_respects_counts_and_keeps_denormalised_columns(national_user):
    persons_before = Person.objects.count()
    result = scale.generate(persons=2000, cases=600, seed=11, batch=250)
    assert (result.persons, result.cases) == (2000, 600)
    assert Person.objects.count() - persons_before == 2000
    assert Case.objects.count() == 600
    assert AuditEvent.objects.filter(action="demo.generate", data__seed=11).count() == 1
    assert scale.already_generated(11)["cases"] == 600

    cases = {c.pk: c for c in Case.objects.all()}
    events = defaultdict(list)
    for e in TraffickingEvent.objects.all():
        events[e.case_id].append(e)
    stages = defaultdict(list)
    for s in StageEntry.objects.order_by("date", "id"):
        stages[s.case_id].append(s)
    child_cases, forced_labour = set(), set()
    for p in Participant.objects.filter(role="victim").select_related("person"):
        case = cases[p.case_id]
        dated = [e.date for e in events[case.pk] if e.date]
        age = p.person.age_on(min(dated) if dated else case.reported_on)  # as the actions compute it
        assert (p.age_at_events, p.is_child) == (age, age is not None and age < 18)
        if p.is_child:
            child_cases.add(case.pk)
    for case in cases.values():
        types = sorted({t for e in events[case.pk] for t in e.exploitation_types})
        assert case.exploitation_types == types
        if "ForcedLabour" in types:
            forced_labour.add(case.pk)
        history = stages[case.pk]
        assert case.current_stage == (history[-1].stage if history else "")
        assert check_history(history, report_date=case.reported_on) == [], case.reference
        assert re.fullmatch(r"TPPO/(NAS|[\d.]+)/20(1[89]|2[0-5])/\d{5}", case.reference)
        assert 2018 <= case.reported_on.year <= 2025
        assert case.owner_agency.region_id in (None, case.scope_code) or case.scope_code.startswith(
            case.owner_agency.region_id + ".")

    # What the list filters return is what the rows say.
    filtered = selectors.filter_cases(national_user, selectors.CaseFilters(child=True))
    assert set(filtered.values_list("pk", flat=True)) == child_cases
    filtered = selectors.filter_cases(national_user, selectors.CaseFilters(exploitation_type="ForcedLabour"))
    assert set(filtered.values_list("pk", flat=True)) == forced_labour
    assert 0.3 < len(child_cases) / len(cases) < 0.75

    # Victims: about half children, mostly women and girls.
    victims = result.victims
    total = sum(victims.values())
    assert 0.35 < victims["child"] / total < 0.65
    assert victims["woman"] > victims["man"]

    # Names and identifiers as the actions store them: searchable by name and by NIK.
    sample = list(Person.objects.order_by("?")[:40])
    for person in sample:
        stored = (person.name_normalised, person.name_phonetic)
        _set_name(person)
        assert stored == (person.name_normalised, person.name_phonetic)
    person = sample[0]
    assert selectors.search_persons(national_user, query=person.full_name).filter(pk=person.pk).exists()
    nik = PersonIdentifier.objects.filter(kind="nik").select_related("person").first()
    assert len(nik.value) == 16
    assert selectors.search_persons(national_user, nik=nik.value).filter(pk=nik.person_id).exists()
    # ≈10 % of persons take part in no case.
    linked = Participant.objects.values("person_id").distinct().count()
    assert 0.8 * 2000 <= linked < 2000


def test_stage_paths_follow_the_stage_rules():
    import datetime as dt
    import random

    rng = random.Random(3)
    for end, _weight in scale.STAGE_ENDS * 20:
        path = scale.stage_path(rng, end)
        assert (path[-1] if path else None) == end
        history = [(code, dt.date(2024, 1, 1) + dt.timedelta(days=i)) for i, code in enumerate(path)]
        assert check_history(history, report_date=dt.date(2024, 1, 1)) == []


def test_names_are_deterministic():
    import random

    names_a = scale.Names(random.Random(5), 5)
    names_b = scale.Names(random.Random(5), 5)
    assert [names_a.written("F") for _ in range(20)] == [names_b.written("F") for _ in range(20)]


@pytest.mark.django_db
def test_demo_without_cases_for_fast_tests(regions, data_dir):
    setup_demo(persons=0, with_cases=False)
    assert not Case.objects.exists()
    setup_demo(persons=0)  # an older demo database gets its cases on the next run
    assert Case.objects.filter(intake_key__startswith="demo-case-").count() == len(DEMO_CASES)
