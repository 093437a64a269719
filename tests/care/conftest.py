"""Care fixtures: an organisation with service providers, and cases of Polres Malang with victims."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.cases import actions as cases
from tests.factories import make_agency, make_person, make_user


@pytest.fixture
def care_org(org):
    """``org`` plus UPTD PPA Jawa Timur (same province as Malang), a Malang case manager and an approver."""
    uptd = make_agency(Level.PROVINCE, "35", kind=AgencyKind.PPA, name="UPTD PPA Jatim")
    return SimpleNamespace(
        **vars(org), uptd=uptd,
        uptd_worker=make_user(uptd, Role.CASE_MANAGER, "peksos.uptd"),
        malang_case_manager=make_user(org.malang, Role.CASE_MANAGER, "peksos.malang"),
        malang_supervisor=make_user(org.malang, Role.SUPERVISOR, "supervisor.malang"),
    )


def open_case(user, *, victim_name="Sri Wahyuni", birth_date="1995-01-01", reported_on="2024-03-01",
              origin_region="35.07.01"):
    case = cases.create_case(actor=user, reported_on=reported_on, summary="Kerja paksa di Kamboja")
    person = make_person(user, victim_name, sex="F", birth_date=birth_date, origin_region=origin_region,
                         nik="3507014101950001" if birth_date == "1995-01-01" else "")
    victim = cases.add_participant(actor=user, case=case, person=person, role="victim")
    return case, victim


@pytest.fixture
def case_and_victim(care_org):
    return open_case(care_org.malang_investigator)


@pytest.fixture
def other_case(care_org):
    """Another case of the sender, which a receiver must never see."""
    case, _victim = open_case(care_org.malang_investigator, victim_name="Dewi Lestari", birth_date="1990-06-06")
    return case


@pytest.fixture
def child_case(care_org):
    return open_case(care_org.malang_investigator, victim_name="Nur Aini",
                     birth_date=(dt.date.today() - dt.timedelta(days=16 * 365)).isoformat())
