"""Migrants fixtures: ``org`` plus an immigration office in Surabaya (inside Jawa Timur, outside Malang)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.cases import actions as cases
from tests.factories import make_agency, make_person, make_user

RECRUITER_PHONE = "0812-7000-3141"


@pytest.fixture
def mig(org):
    imigrasi = make_agency(Level.REGENCY, "35.78", kind=AgencyKind.IMMIGRATION,
                           name="Kantor Imigrasi Kelas I Khusus TPI Surabaya")
    return SimpleNamespace(
        **vars(org), imigrasi=imigrasi,
        officer=make_user(imigrasi, Role.OPERATOR, "petugas.imigrasi"),
        jatim_analyst=make_user(org.jatim, Role.ANALYST, "analis.jatim"),
    )


@pytest.fixture
def trafficking_case(mig):
    """A Polres Malang trafficking case whose recruiter carries :data:`RECRUITER_PHONE`."""
    user = mig.malang_investigator
    case = cases.create_case(actor=user, reported_on="2024-05-01", summary="Penipuan daring di Kamboja")
    recruiter = make_person(user, "Hendra Gunawan", sex="M", phone=RECRUITER_PHONE)
    cases.add_participant(actor=user, case=case, person=recruiter, role="perpetrator",
                          perpetrator_roles=["RecruiterOrIntermediary"])
    return case


def departure_kwargs(**overrides):
    values = dict(
        occurred_on="2025-06-10", exit_point="SUB", destination="KH", visa_type="tourist",
        documents=["passport", "ktp"], stated_job="customer service", recruiter_name="Mas Hendra",
        recruiter_phones="+62 812 7000 3141", agency_name="", new_person={
            "full_name": "Dewi Lestari", "sex": "F", "birth_date": "2001-03-14", "origin_region": "35.07.05",
            "nationality": "ID"},
        non_procedural_signs=["no_licensed_agency"])
    values.update(overrides)
    return values
