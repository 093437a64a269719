"""Every page of the room renders for the roles that use it, with a capped number of queries on lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gugus.migrants import actions
from tests.factories import sign_in
from tests.migrants.conftest import departure_kwargs

pytestmark = pytest.mark.django_db


def test_pages_render(client, mig, trafficking_case):
    departure = actions.record_departure(actor=mig.officer, **departure_kwargs())
    troubled = actions.open_troubled_worker_case(actor=mig.jatim_supervisor, reported_on="2025-05-01",
                                                 country="KH", problem_types=["stranded"], scope_code="35.07",
                                                 new_person={"full_name": "A"})
    sign_in(client, mig.jatim_supervisor)
    for name, args in [("migrants:index", []), ("migrants:departure_list", []), ("migrants:departure_create", []),
                       ("migrants:departure_detail", [departure.pk]), ("migrants:case_list", ["bermasalah"]),
                       ("migrants:case_list", ["meninggal"]), ("migrants:case_create", ["bermasalah"]),
                       ("migrants:case_create", ["meninggal"]), ("migrants:case", [troubled.case_id]),
                       ("migrants:figures", [])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.status_code)
    for n in range(15):
        actions.record_departure(actor=mig.officer, **departure_kwargs(new_person={"full_name": f"P{n}"}))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("migrants:departure_list")).status_code == 200
    assert len(queries) <= 25
    client.logout()
    sign_in(client, mig.analyst)  # aggregates only
    assert client.get(reverse("migrants:departure_list")).status_code == 404
    assert client.get(reverse("migrants:figures")).status_code == 200
