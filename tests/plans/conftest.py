"""Task forces and secretariats on top of the shared ``org``, and a small RAD built through the actions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gugus.accounts import actions as accounts
from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role
from gugus.plans import actions
from tests.factories import make_agency, make_user


@pytest.fixture
def tf(org):
    """National, Jawa Timur, Kab. Malang and NTB task forces; a secretariat user for Jatim and for NTB."""
    setgas_jatim = make_agency(Level.PROVINCE, "35", kind=AgencyKind.SECRETARIAT, name="Setgas Jatim")
    setgas_ntb = make_agency(Level.PROVINCE, "52", kind=AgencyKind.SECRETARIAT, name="Setgas NTB")
    return SimpleNamespace(
        national=accounts.create_task_force(actor=None, name="GT Nasional", level=Level.NATIONAL,
                                            secretariat=org.national),
        jatim=accounts.create_task_force(actor=None, name="GT Jatim", level=Level.PROVINCE, region_code="35",
                                         secretariat=setgas_jatim),
        malang=accounts.create_task_force(actor=None, name="GT Malang", level=Level.REGENCY, region_code="35.07"),
        ntb=accounts.create_task_force(actor=None, name="GT NTB", level=Level.PROVINCE, region_code="52",
                                       secretariat=setgas_ntb),
        jatim_secretariat=make_user(setgas_jatim, Role.SECRETARIAT, "sekretariat.jatim", email="setgas@jatim.test"),
        ntb_secretariat=make_user(setgas_ntb, Role.SECRETARIAT, "sekretariat.ntb"),
        setgas_jatim=setgas_jatim,
    )


@pytest.fixture
def rad(org, tf):
    """RAD Jatim 2025–2027: one programme, one activity of Polda Jatim with a typed indicator (targets 30,
    40, 50) and a computed one (cases recorded, target 2 a year)."""
    actor = tf.jatim_secretariat
    plan = actions.create_plan(actor=actor, task_force=tf.jatim, title="RAD Jatim", start_year=2025, end_year=2027)
    programme = actions.add_programme(actor=actor, plan=plan, code="1", name="Pencegahan", sub_task_force="prevention")
    activity = actions.add_activity(actor=actor, programme=programme, code="1.1", name="Sosialisasi migrasi aman",
                                    responsible_agency=org.jatim, supporting_agencies=[org.malang],
                                    budget_rupiah=100_000_000)
    typed = actions.add_indicator(actor=actor, activity=activity, name="Desa tersosialisasi", unit="desa",
                                  baseline=10, targets={2025: 30, 2026: 40, 2027: 50})
    computed = actions.add_indicator(actor=actor, activity=activity, name="Kasus tercatat", unit="kasus",
                                     metric_code="cases.recorded", targets={2025: 2, 2026: 2, 2027: 2})
    return SimpleNamespace(plan=plan, programme=programme, activity=activity, typed=typed, computed=computed)
