"""A user sees their region subtree, their agency's records and what was granted to them — never more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gugus.accounts import actions
from gugus.accounts.models import AccessGrant
from gugus.audit.models import AuditEvent
from gugus.cases.models import Person
from gugus.cases.selectors import get_person, persons_visible_to
from gugus.core.errors import GugusError, NotFound
from tests.factories import make_person, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    return {
        "malang": make_person(org.malang_investigator, "Siti Aminah"),
        "blitar": make_person(org.blitar_investigator, "Sri Wahyuni"),
        "lotim": make_person(org.lotim_investigator, "Baiq Nurul"),
        "kbri": make_person(org.kbri_staff, "Ni Made Ayu", scope_code="52.03"),
    }


def visible_ids(user):
    return set(persons_visible_to(user).values_list("pk", flat=True))


def test_regency_user_sees_only_own_regency(org, people):
    assert visible_ids(org.malang_investigator) == {people["malang"].pk}
    assert visible_ids(org.lotim_investigator) == {people["lotim"].pk, people["kbri"].pk}


def test_province_user_sees_its_regencies_not_other_provinces(org, people):
    assert visible_ids(org.jatim_supervisor) == {people["malang"].pk, people["blitar"].pk}


def test_national_user_sees_everything(org, people):
    assert visible_ids(org.secretariat) == {p.pk for p in people.values()}


def test_mission_abroad_sees_only_what_it_recorded(org, people):
    assert visible_ids(org.kbri_staff) == {people["kbri"].pk}


@pytest.mark.parametrize("role_user", ["analyst", "auditor", "national_admin"])
def test_roles_without_person_access_see_no_identities(org, people, role_user):
    assert visible_ids(getattr(org, role_user)) == set()


def test_out_of_scope_and_missing_look_the_same(org, people):
    with pytest.raises(NotFound) as out_of_scope:
        get_person(org.malang_investigator, people["lotim"].pk)
    with pytest.raises(NotFound) as missing:
        get_person(org.malang_investigator, 999_999)
    assert out_of_scope.value.message == missing.value.message


def test_ui_refuses_other_regency_even_by_guessing_ids(client, org, people):
    sign_in(client, org.malang_investigator)
    own = client.get(reverse("cases:person_detail", args=[people["malang"].pk]))
    assert own.status_code == 200
    for pk in [people["lotim"].pk, people["blitar"].pk, people["kbri"].pk, 10**9]:
        response = client.get(reverse("cases:person_detail", args=[pk]))
        assert response.status_code == 404
        assert b"Baiq" not in response.content
        assert client.get(reverse("cases:person_edit", args=[pk])).status_code == 404
    listing = client.get(reverse("cases:person_list"))
    assert b"Siti Aminah" in listing.content and b"Baiq Nurul" not in listing.content


def test_api_refuses_other_regency_even_by_guessing_ids(client, org, people):
    sign_in(client, org.malang_investigator)
    assert client.get(f"/api/v1/persons/{people['malang'].pk}/").status_code == 200
    for pk in [people["lotim"].pk, people["blitar"].pk, 10**9]:
        assert client.get(f"/api/v1/persons/{pk}/").status_code == 404
        stale = client.patch(f"/api/v1/persons/{pk}/", {"full_name": "X", "version": 1},
                             content_type="application/json")
        assert stale.status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/persons/").json()["results"]}
    assert listed == {people["malang"].pk}


def test_referral_grant_opens_one_record_and_revocation_closes_it(org, people):
    lotim_person = people["lotim"]
    grant = actions.grant_access(actor=org.lotim_investigator, object_type=Person.OBJECT_TYPE,
                                 object_id=lotim_person.pk, agency=org.malang, kind=AccessGrant.Kind.REFERRAL)
    assert visible_ids(org.malang_investigator) == {people["malang"].pk, lotim_person.pk}
    actions.revoke_access(actor=org.lotim_investigator, grant=grant)
    assert visible_ids(org.malang_investigator) == {people["malang"].pk}
    assert AuditEvent.objects.filter(action="access.revoke", object_id=str(lotim_person.pk)).exists()


def test_break_the_glass_is_reasoned_expires_and_stands_out(client, org, people):
    supervisor, target = org.jatim_supervisor, people["lotim"]
    with pytest.raises(GugusError) as short_reason:
        actions.break_glass(actor=supervisor, object_type=Person.OBJECT_TYPE, object_id=target.pk, reason="x")
    assert short_reason.value.field == "reason"
    sign_in(client, supervisor)
    response = client.post(reverse("cases:break_glass"),
                           {"person_id": target.pk, "reason": "Korban dalam bahaya, keluarga melapor hilang"})
    assert response.status_code == 302
    assert client.get(reverse("cases:person_detail", args=[target.pk])).status_code == 200
    read = AuditEvent.objects.filter(action="person.view", object_id=str(target.pk)).latest("seq")
    assert read.break_glass and "bahaya" in read.reason
    assert AuditEvent.objects.filter(action="access.break_glass", break_glass=True).count() == 1

    grant = AccessGrant.objects.get(kind=AccessGrant.Kind.BREAK_GLASS)
    assert grant.expires_at - timezone.now() <= timedelta(hours=4, seconds=5)
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("cases:person_detail", args=[target.pk])).status_code == 404


def test_only_supervisors_may_break_the_glass(client, org, people):
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("cases:break_glass")).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the action
        actions.break_glass(actor=org.malang_investigator, object_type=Person.OBJECT_TYPE,
                            object_id=people["lotim"].pk, reason="Alasan yang cukup panjang untuk ini")


def test_cannot_file_a_record_outside_own_region(org):
    with pytest.raises(GugusError) as outside:
        make_person(org.malang_investigator, scope_code="52.03")
    assert outside.value.field == "scope_code"


def test_person_list_query_count_does_not_grow_with_rows(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, org.malang_investigator)
    client.get(reverse("core:home"))  # the first request after sign-in also renews the session

    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:person_list")).status_code == 200
        return len(ctx.captured_queries)

    make_person(org.malang_investigator, "Korban awal")
    few = queries_for_list()
    for i in range(25):
        make_person(org.malang_investigator, f"Korban {i}")
    assert queries_for_list() == few <= 20
