"""Figures per region, destination, checkpoint and recruiter for the three migrant kinds beside trafficking:
scoped, and suppressed below 11 outside the viewer's jurisdiction by gugus.stats.privacy.protect."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.cases import actions as cases
from gugus.migrants import actions, selectors
from tests.factories import sign_in
from tests.migrants.conftest import departure_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(mig, trafficking_case):
    cases.add_event(actor=mig.malang_investigator, case=trafficking_case, event_type="Exploitation",
                    date="2024-02", country="KH", city="Sihanoukville")
    actions.open_troubled_worker_case(actor=mig.jatim_supervisor, reported_on="2025-05-01", country="KH",
                                      problem_types=["stranded"], scope_code="35.07", new_person={"full_name": "A"})
    actions.open_troubled_worker_case(actor=mig.lotim_investigator, reported_on="2025-05-01", country="MY",
                                      problem_types=["deported"], new_person={"full_name": "B"})
    actions.open_deceased_case(actor=mig.kbri_staff, reported_on="2025-04-10", country="KH", home_region="35.07.05",
                               new_person={"full_name": "C"})
    actions.record_departure(actor=mig.officer, **departure_kwargs())
    actions.record_departure(actor=mig.officer, **departure_kwargs(
        destination="SA", visa_type="umrah", recruiter_phones="0822-3001-4455", agency_name="PT Contoh Jaya",
        new_person={"full_name": "D"}))


def _cells(table) -> dict:
    kinds = [k for k, _label in table.columns]
    return {label: dict(zip(kinds, [c.display for c in cells], strict=True)) for label, cells in table.rows}


def test_national_analyst_sees_every_region_exactly(mig, records):
    data = selectors.figures(mig.analyst)
    rows = _cells(data["regions"])
    jatim = next(v for k, v in rows.items() if "(35)" in k)
    ntb = next(v for k, v in rows.items() if "(52)" in k)
    assert jatim == {"trafficking": "1", "troubled_worker": "1", "deceased_worker": "1", "departure": "2"}
    assert ntb["troubled_worker"] == "1" and ntb["trafficking"] == "0"
    countries = _cells(data["countries"])
    assert countries["Kamboja"] == {"trafficking": "1", "troubled_worker": "1", "deceased_worker": "1",
                                    "departure": "1"}
    assert _cells(data["ports"]) == {"Bandara Internasional Juanda": {"departure": "2"}}
    # An analyst never sees a recruiter's name: agencies, or a number.
    labels = set(_cells(data["recruiters"]))
    assert "PT Contoh Jaya" in labels and not any("Hendra" in label for label in labels)
    assert any("Hendra" in label for label in _cells(selectors.figures(mig.officer)["recruiters"]))


def test_province_analyst_sees_its_region_only(mig, records):
    data = selectors.figures(mig.jatim_analyst)
    assert data["area"] == "35"
    rows = _cells(data["regions"])
    malang = next(v for k, v in rows.items() if "(35.07)" in k)
    assert malang == {"trafficking": "1", "troubled_worker": "1", "deceased_worker": "1", "departure": "0"}
    assert not any("52" in k for k in rows)
    # Asking for another province does not open its records.
    assert selectors.figures(mig.jatim_analyst, region="52")["regions"].rows == []


def test_small_counts_outside_the_jurisdiction_are_suppressed(client, mig, records):
    # KBRI Phnom Penh (a mission: no Indonesian region of its own) sees its own deceased-worker case, filed
    # under Kabupaten Malang: a count of 1 about Jawa Timur is shown as "<11".
    data = selectors.figures(mig.kbri_staff)
    rows = _cells(data["regions"])
    assert list(rows.values()) == [{"trafficking": "<11", "troubled_worker": "<11", "deceased_worker": "<11",
                                    "departure": "<11"}]
    assert all(c.display == "<11" for c in data["regions"].totals)
    sign_in(client, mig.kbri_staff)
    page = client.get(reverse("migrants:figures"))
    assert page.status_code == 200 and "&lt;11" in page.content.decode()
    client.logout()
    sign_in(client, mig.auditor)
    assert client.get(reverse("migrants:figures")).status_code == 404
    client.logout()
    sign_in(client, mig.analyst)
    assert client.get(reverse("migrants:figures"), {"region": "35"}).status_code == 200
