"""The API: agency tokens carry their agency's scope; sessions need the second factor; errors are clear."""

from __future__ import annotations

import pytest

from gugus.accounts import actions
from gugus.accounts.roles import Role
from gugus.audit.models import AuditEvent
from tests.factories import make_person, sign_in

pytestmark = pytest.mark.django_db


def token_for(org, agency, role=Role.INVESTIGATOR):
    _token, secret = actions.create_api_token(actor=org.national_admin, agency=agency, name="integration",
                                              role=role)
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


def test_agency_token_sees_exactly_its_agency_scope(client, org):
    own = make_person(org.malang_investigator, "Siti Aminah")
    other = make_person(org.lotim_investigator, "Baiq Nurul")
    auth = token_for(org, org.malang)
    listed = client.get("/api/v1/persons/", **auth).json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert client.get(f"/api/v1/persons/{other.pk}/", **auth).status_code == 404
    detail = client.get(f"/api/v1/persons/{own.pk}/", **auth)
    assert detail.status_code == 200 and detail.json()["full_name"] == "Siti Aminah"
    assert AuditEvent.objects.filter(action="person.view", object_id=str(own.pk)).exists()


def test_revoked_and_wrong_tokens_are_refused(client, org):
    _token, secret = actions.create_api_token(actor=org.national_admin, agency=org.malang, name="x")
    actions.revoke_api_token(actor=org.national_admin, token=_token)
    assert client.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401
    assert client.get("/api/v1/persons/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    assert client.get("/api/v1/persons/").status_code in (401, 403)


def test_token_store_keeps_only_a_hash(org):
    token, secret = actions.create_api_token(actor=org.national_admin, agency=org.malang, name="x")
    assert secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_administrator_cannot_mint_tokens_outside_their_region(org):
    from gugus.core.errors import NotFound

    with pytest.raises(NotFound):
        actions.create_api_token(actor=org.jatim_admin, agency=org.lotim, name="x")


def test_create_update_and_conflict(client, org):
    auth = token_for(org, org.malang)
    created = client.post("/api/v1/persons/", {"full_name": "Dewi Lestari", "sex": "F", "birth_date": "2004-02-05",
                                               "nik": "3507014502040001", "origin_region": "35.07.01"},
                          content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["scope_code"] == "35.07" and body["version"] == 1 and body["warnings"] == []

    first = client.patch(f"/api/v1/persons/{body['id']}/", {"full_name": "Dewi Lestari S.", "version": 1},
                         content_type="application/json", **auth)
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(f"/api/v1/persons/{body['id']}/", {"full_name": "Dewi L.", "version": 1},
                         content_type="application/json", **auth)
    assert stale.status_code == 409
    assert client.get(f"/api/v1/persons/{body['id']}/", **auth).json()["full_name"] == "Dewi Lestari S."


@pytest.mark.parametrize("payload, field", [
    ({"full_name": "A", "nik": "123"}, "nik"),
    ({"full_name": "A", "origin_region": "99.99"}, "origin_region"),
    ({"full_name": "A", "birth_date": "2999-01-01"}, "birth_date"),
    ({"full_name": "   "}, "full_name"),
])
def test_bad_input_gets_a_clear_error_by_field(client, org, payload, field):
    auth = token_for(org, org.malang)
    response = client.post("/api/v1/persons/", payload, content_type="application/json", **auth)
    assert response.status_code == 400
    assert field in response.json()


def test_nik_disagreement_is_a_warning_not_an_error(client, org):
    auth = token_for(org, org.malang)
    response = client.post("/api/v1/persons/", {"full_name": "Rina", "sex": "M", "birth_date": "1990-01-06",
                                                "nik": "3507014501900001"},
                           content_type="application/json", **auth)
    assert response.status_code == 201
    assert len(response.json()["warnings"]) == 2  # the date and the sex both differ from the NIK


def test_users_api_is_for_administrators_in_their_region(client, org):
    sign_in(client, org.jatim_admin)
    names = {u["username"] for u in client.get("/api/v1/users/").json()["results"]}
    assert "penyidik.malang" in names and "penyidik.lotim" not in names
    lotim_id = org.lotim_investigator.pk
    assert client.get(f"/api/v1/users/{lotim_id}/").status_code == 404
    dup = client.post("/api/v1/users/", {"username": "penyidik.malang", "password": "x-strong-pass-19",
                                         "agency": org.malang.pk, "role": "operator"},
                      content_type="application/json")
    assert dup.status_code == 400 and "username" in dup.json()
    sign_in(client, org.malang_investigator)
    assert client.get("/api/v1/users/").status_code == 403


def test_schema_and_docs_are_served_locally(client, org):
    sign_in(client, org.secretariat)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    doc = schema.json() if schema["Content-Type"].endswith("json") else None
    text = schema.content.decode()
    assert "openapi: 3" in text or (doc and doc["openapi"].startswith("3"))
    assert "/api/v1/persons/" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and "cdn" not in html.lower()


def test_regions_api(client, org):
    sign_in(client, org.secretariat)
    kab = client.get("/api/v1/regions/", {"parent": "35", "limit": 100}).json()["results"]
    assert {"code": "35.07", "name": "Kabupaten Malang"}.items() <= next(
        r for r in kab if r["code"] == "35.07").items()
    assert client.get("/api/v1/regions/35.07.01/").json()["parent"] == "35.07"
