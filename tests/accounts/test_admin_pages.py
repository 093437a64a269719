"""Administrators manage users, agencies and task forces of their own region, with clear errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gugus.accounts.models import Agency, SubTaskForce, TaskForce, User
from gugus.audit.models import AuditEvent
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_duplicate_user_name_is_refused_beside_the_field_and_nothing_is_written(client, org):
    sign_in(client, org.jatim_admin)
    before = (User.objects.count(), AuditEvent.objects.filter(action="user.create").count())
    response = client.post(reverse("accounts:user_create"), {
        "username": "PENYIDIK.MALANG", "agency": org.malang.pk, "role": "operator",
        "password": "sementara-aman-2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.filter(action="user.create").count()) == before


def test_administrator_cannot_reach_users_or_agencies_of_another_region(client, org):
    sign_in(client, org.jatim_admin)
    assert client.get(reverse("accounts:user_edit", args=[org.lotim_investigator.pk])).status_code == 404
    assert client.post(reverse("accounts:user_reset_password", args=[org.lotim_investigator.pk])).status_code == 404
    listing = client.get(reverse("accounts:user_list")).content.decode()
    assert "penyidik.malang" in listing and "penyidik.lotim" not in listing
    # An agency of another province cannot be picked when creating a user.
    response = client.post(reverse("accounts:user_create"), {
        "username": "baru", "agency": org.lotim.pk, "role": "operator", "password": "sementara-aman-2026"})
    assert response.status_code == 200 and response.context["form"].errors["agency"]
    assert not User.objects.filter(username="baru").exists()


def test_non_administrators_do_not_see_user_management(client, org):
    sign_in(client, org.malang_investigator)
    assert client.get(reverse("accounts:user_list")).status_code == 404
    assert client.get(reverse("accounts:agency_list")).status_code == 404


@pytest.mark.parametrize("region, message", [("99.99", "Unknown region code"), ("35.07.01", "that level"),
                                             ("", "Choose the region")])
def test_agency_with_a_bad_region_gets_a_clear_error(client, org, region, message, settings):
    settings.LANGUAGE_CODE = "en"
    sign_in(client, org.national_admin)
    response = client.post(reverse("accounts:agency_list"), {
        "name": "Polres Baru", "kind": "police", "level": "regency", "region_code": region})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["region_code"])
    assert not Agency.objects.filter(name="Polres Baru").exists()


def test_province_administrator_adds_an_agency_inside_and_not_outside(client, org, settings):
    settings.LANGUAGE_CODE = "en"
    sign_in(client, org.jatim_admin)
    ok = client.post(reverse("accounts:agency_list"), {
        "name": "Dinas Sosial Kab. Blitar", "kind": "social", "level": "regency", "region_code": "35.05"})
    assert ok.status_code == 302 and Agency.objects.filter(name="Dinas Sosial Kab. Blitar").exists()
    outside = client.post(reverse("accounts:agency_list"), {
        "name": "Dinas Sosial Lotim", "kind": "social", "level": "regency", "region_code": "52.03"})
    assert outside.status_code == 200 and not Agency.objects.filter(name="Dinas Sosial Lotim").exists()


def test_task_force_is_created_with_its_five_sub_task_forces(client, org):
    sign_in(client, org.jatim_admin)
    response = client.post(reverse("accounts:task_force_list"), {
        "name": "Gugus Tugas PP TPPO Kabupaten Malang", "level": "regency", "region_code": "35.07",
        "secretariat": org.malang.pk, "members": [org.malang.pk, org.jatim.pk]})
    assert response.status_code == 302
    tf = TaskForce.objects.get(region_id="35.07")
    assert set(tf.sub_task_forces.values_list("kind", flat=True)) == set(SubTaskForce.Kind.values)
    assert set(tf.members.all()) == {org.malang, org.jatim}
    again = client.post(reverse("accounts:task_force_list"), {
        "name": "Duplikat", "level": "regency", "region_code": "35.07"})
    assert again.status_code == 200 and not TaskForce.objects.filter(name="Duplikat").exists()


def test_password_reset_and_two_factor_reset_are_audited(client, org):
    from tests.factories import enrol_totp

    target = org.malang_investigator
    enrol_totp(target)
    sign_in(client, org.jatim_admin)
    page = client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    temporary = page.context["temporary"]
    target.refresh_from_db()
    assert target.check_password(temporary) and target.must_change_password
    client.post(reverse("accounts:user_reset_2fa", args=[target.pk]))
    assert not target.totpdevice_set.exists()
    actions = set(AuditEvent.objects.filter(object_id=str(target.pk)).values_list("action", flat=True))
    assert {"user.password_reset", "user.2fa_reset"} <= actions
