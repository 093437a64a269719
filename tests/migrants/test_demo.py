"""The demo: records of each kind, and a prevented departure whose recruiter's phone is a suspect's phone in
an existing trafficking case — shown to Polda Jatim, not to the immigration office that cannot see the case."""

from __future__ import annotations

import pytest

from gugus.accounts.models import User
from gugus.cases.models import Case, CaseKind
from gugus.core.demo import setup_demo
from gugus.migrants import selectors
from gugus.migrants.demo import IMMIGRATION_USER, add_migrants_demo
from gugus.migrants.models import DeceasedWorker, PreventedDeparture, RightsClaim, TroubledWorker


@pytest.mark.slow
def test_demo_records_of_each_kind_and_the_recruiter_link(regions, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    setup_demo(persons=0)
    assert add_migrants_demo() is True
    assert add_migrants_demo() is False  # idempotent
    assert PreventedDeparture.objects.count() == 3
    assert TroubledWorker.objects.count() == 4 and DeceasedWorker.objects.count() == 1
    assert Case.objects.filter(kind=CaseKind.TROUBLED_WORKER).count() == 3  # one re-classified as TPPO
    assert Case.objects.filter(kind=CaseKind.DECEASED_WORKER).get().repatriations.get().legs.count() == 2
    assert RightsClaim.objects.filter(status="partly_paid").exists()
    officer = User.objects.get(username=IMMIGRATION_USER)
    assert IMMIGRATION_USER in (tmp_path / "demo-logins.toml").read_text()
    supervisor = User.objects.get(username="supervisor.jatim")
    departure = PreventedDeparture.objects.filter(destination_id="KH", case__isnull=True).order_by("-occurred_on")[0]
    linked = selectors.recruiter_links(supervisor, departure, record=False).cases
    assert any(link.case.kind == CaseKind.TRAFFICKING and link.role == "perpetrator" for link in linked)
    assert not selectors.recruiter_links(officer, departure, record=False).cases
    assert selectors.recruiter_links(officer, departure, record=False).departures
