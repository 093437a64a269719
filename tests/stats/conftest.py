"""A small registry for the statistics tests, built through the case actions.

Kab. Malang (35.07): 12 cases, Kab. Blitar (35.05): 3 cases (a small count: suppressed for outsiders),
Lombok Timur (52.03): 4 cases. Every case has one victim; most have a perpetrator and events."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from gugus.accounts.roles import Role
from gugus.cases import actions
from gugus.stats import actions as stats_actions
from tests.factories import make_user

METHODS = ["ThroughOnlineSocialNetworks", "ThroughLocalBrokerOrSponsor", "ThroughFriendsOrSocialEvents"]


def build_case(user, n: int, *, year: int = 2024, month: int = 3, child: bool = False, sex: str = "F",
               country: str = "MY", p21: bool = False, verdict: bool = False, origin: str | None = None):
    reported = dt.date(year, month, 1 + n % 27)
    case = actions.create_case(actor=user, reported_on=reported, status="Active")
    birth = dt.date(year - (15 if child else 25), 1, 1)
    person, _ = actions.create_person(actor=user, full_name=f"Korban Rahasia {n}", sex=sex, birth_date=birth,
                                      origin_region=origin or user.agency.region_id, nationality="ID")
    victim = actions.add_participant(actor=user, case=case, person=person, role="victim",
                                     trafficking_status="ActualVictimOfTrafficking", status_decided_by="Police")
    actions.add_event(actor=user, case=case, event_type="Recruitment", date=f"{year - 1}-{month:02d}",
                      region=user.agency.region_id, victim=victim, recruitment_method=METHODS[n % 3],
                      recruitment_platform="Facebook")
    actions.add_event(actor=user, case=case, event_type="Exploitation", date=f"{year - 1}", country=country,
                      city="Kota Rahasia", exploitation_types=["ForcedLabour"] if n % 2 else ["SexualExploitation"],
                      methods_of_control=["DebtBondage"])
    perp = None
    if n % 2 == 0:
        suspect, _ = actions.create_person(actor=user, full_name=f"Pelaku Rahasia {n}", sex="M",
                                           phone=f"0812345678{n:02d}")
        perp = actions.add_participant(actor=user, case=case, person=suspect, role="perpetrator",
                                       perpetrator_roles=["RecruiterOrIntermediary"])
    if p21:
        for stage, days in [("lp", 0), ("penyidikan", 10), ("berkas_dikirim", 30), ("p21", 40 + n)]:
            actions.record_stage(actor=user, case=case, stage=stage, date=reported + dt.timedelta(days=days))
    if verdict and perp:
        for stage, days in [("tahap_2", 60), ("penuntutan", 70), ("putusan", 100 + n)]:
            actions.record_stage(actor=user, case=case, stage=stage, date=reported + dt.timedelta(days=days))
        actions.record_verdict(actor=user, case=case, defendant=perp, date=reported + dt.timedelta(days=100 + n),
                               prison_months=48, restitution_ordered_rupiah=10_000_000,
                               restitution_paid_rupiah=4_000_000 if n % 4 == 0 else None)
    return case


@pytest.fixture
def registry(org):
    malang = [build_case(org.malang_investigator, n, child=n < 5, sex="M" if n in (3, 7) else "F",
                         p21=n < 8, verdict=n < 8, year=2024 if n < 10 else 2023) for n in range(12)]
    blitar = [build_case(org.blitar_investigator, 100 + n, child=n == 0, country="KH") for n in range(3)]
    lotim = [build_case(org.lotim_investigator, 200 + n, country="SA", origin="52.03") for n in range(4)]
    stats_actions.rebuild()
    return SimpleNamespace(malang=malang, blitar=blitar, lotim=lotim)


@pytest.fixture
def analysts(org):
    """Analysts (aggregates only) at national, Jawa Timur and Kab. Malang level."""
    return SimpleNamespace(
        national=org.analyst,
        jatim=make_user(org.jatim, Role.ANALYST, "analis.jatim"),
        malang=make_user(org.malang, Role.ANALYST, "analis.malang"),
        lotim=make_user(org.lotim, Role.ANALYST, "analis.lotim"),
    )
