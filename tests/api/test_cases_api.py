"""The case API: same actions and scope as the pages; retries with the same intake key create one case."""

from __future__ import annotations

import pytest

from gugus.accounts import actions as accounts
from gugus.cases.models import Case
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(org):
    _token, secret = accounts.create_api_token(actor=org.national_admin, agency=org.malang, name="SIMFONI",
                                               role="investigator")
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


def test_case_lifecycle_over_the_api(client, org, auth):
    body = {"reported_on": "2024-03-01", "police_report_number": "LP/9", "intake_key": "retry-1"}
    first = client.post("/api/v1/cases/", body, content_type="application/json", **auth)
    again = client.post("/api/v1/cases/", body, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Case.objects.count() == 1
    case_id = first.json()["id"]

    person = make_person(org.malang_investigator, "Nur Aini", birth_date="2008-01-01", sex="F")
    added = client.post(f"/api/v1/cases/{case_id}/participant/", {"person": person.pk, "role": "victim"},
                        content_type="application/json", **auth)
    assert added.status_code == 201 and added.json()["is_child"] is True

    for stage, date in [("lp", "2024-03-01"), ("penyidikan", "2024-03-05")]:
        r = client.post(f"/api/v1/cases/{case_id}/stage/", {"stage": stage, "date": date},
                        content_type="application/json", **auth)
        assert r.status_code == 201, r.content
    wrong = client.post(f"/api/v1/cases/{case_id}/stage/", {"stage": "inkracht", "date": "2024-03-06"},
                        content_type="application/json", **auth)
    assert wrong.status_code == 400 and "stage" in wrong.json()

    identified = client.post(f"/api/v1/cases/{case_id}/identify/", {
        "answers": {"process": ["recruitment"], "purpose": ["sexual_exploitation"], "age_at_events": 16,
                    "movement": "within_indonesia"},
        "victim": added.json()["id"]}, content_type="application/json", **auth)
    assert identified.status_code == 201, identified.content
    assert identified.json()["outcome"] == "strong_indication"  # a child: no means needed (Palermo rule)

    detail = client.get(f"/api/v1/cases/{case_id}/", **auth).json()
    assert detail["current_stage"] == "penyidikan" and len(detail["stages"]) == 2
    assert detail["has_child_victim"] is True
    listed = client.get("/api/v1/cases/", {"child": "true", "stage": "penyidikan"}, **auth).json()
    assert [c["id"] for c in listed["results"]] == [case_id]


def test_case_api_is_scoped(client, org, auth):
    from gugus.cases import actions

    other = actions.create_case(actor=org.lotim_investigator, reported_on="2024-01-01")
    assert client.get(f"/api/v1/cases/{other.pk}/", **auth).status_code == 404
    assert client.post(f"/api/v1/cases/{other.pk}/stage/", {"stage": "lp", "date": "2024-01-01"},
                       content_type="application/json", **auth).status_code == 404
    assert client.get("/api/v1/cases/", **auth).json()["count"] == 0
