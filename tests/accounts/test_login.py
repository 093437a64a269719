"""Sign-in: password, then a TOTP code; lockout; idle timeout; demo exemption; forced password change."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse

from gugus.accounts.models import Level, User
from gugus.audit.models import AuditEvent
from tests.factories import PASSWORD, current_code, enrol_totp, make_agency, make_user, sign_in

pytestmark = pytest.mark.django_db


def post_password(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_staff_pages_require_sign_in(client, org):
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_password_then_one_time_code(client, org):
    user = org.malang_investigator
    device = enrol_totp(user)
    response = post_password(client, user.username)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp"))
    # Password alone does not open staff pages or the API.
    assert client.get(reverse("cases:person_list")).url.startswith(reverse("accounts:otp"))
    assert client.get("/api/v1/persons/").status_code in (401, 403)

    wrong = client.post(reverse("accounts:otp"), {"token": "000000" if current_code(device) != "000000"
                                                  else "111111"})
    assert wrong.status_code == 200
    assert "tidak benar" in wrong.content.decode() or "not correct" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="auth.2fa_failed", actor_id=user.pk).exists()

    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("accounts:otp"), {"token": current_code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("cases:person_list")).status_code == 200
    assert client.get("/api/v1/persons/").status_code == 200


def test_first_sign_in_enrols_an_authenticator(client, org):
    user = org.lotim_investigator
    response = post_password(client, user.username)
    assert response.url.startswith(reverse("accounts:otp_setup"))
    page = client.get(reverse("accounts:otp_setup"))
    assert b"<svg" in page.content
    device = user.totpdevice_set.get(confirmed=False)
    assert client.post(reverse("accounts:otp_setup"), {"token": current_code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, org):
    a = post_password(client, org.malang_investigator.username, "wrong-password-1")
    b = post_password(client, "no-such-user", "wrong-password-1")
    assert a.status_code == b.status_code == 200
    msg = "nama pengguna atau kata sandi"
    assert (msg in a.content.decode().lower()) == (msg in b.content.decode().lower())
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 2


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures(client, org):
    username = org.malang_investigator.username
    for _ in range(3):
        post_password(client, username, "wrong-password-1")
    locked = post_password(client, username)  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_idle_session_expires_with_a_message(client, org):
    sign_in(client, org.malang_investigator)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("cases:person_list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "berakhir" in response.content.decode() or "ended" in response.content.decode()


def test_an_htmx_request_of_an_ended_session_sends_the_whole_page_to_sign_in(client, org):
    sign_in(client, org.malang_investigator)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("cases:nik_hint") + "?nik=3507", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.content == b""  # nothing swapped into the form
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_an_active_session_is_renewed_at_most_once_a_minute(client, org, monkeypatch):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gugus.accounts import middleware

    clock = [1_800_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    sign_in(client, org.malang_investigator)
    client.get(reverse("core:home"))
    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    clock[0] += 30
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    clock[0] += 31  # a minute after the last renewal: the expiry moves forward again
    client.get(reverse("core:home"))
    assert Session.objects.get(session_key=key).expire_date > first_expiry


@pytest.mark.parametrize("demo", [True, False])
def test_demo_exemption_only_in_demo_mode(client, org, demo):
    user = make_user(org.malang, username=f"demo{demo}", demo_otp_exempt=True)
    with override_settings(GUGUS_DEMO=demo):
        post_password(client, user.username)
        response = client.get(reverse("core:home"))
        if demo:
            assert response.status_code == 200
            assert "DEMO" in response.content.decode()
        else:
            assert response.status_code == 302


def test_forced_password_change(client, org):
    from gugus.accounts import actions

    user = org.malang_investigator
    temporary = actions.reset_password(actor=org.jatim_admin, user=user)
    sign_in(client, user)
    assert client.get(reverse("core:home")).url == reverse("accounts:password_change")
    mismatch = client.post(reverse("accounts:password_change"), {
        "old_password": temporary, "new_password": "a-new-strong-pass-7", "new_password_again": "other"})
    assert mismatch.status_code == 200
    done = client.post(reverse("accounts:password_change"), {
        "old_password": temporary, "new_password": "a-new-strong-pass-7",
        "new_password_again": "a-new-strong-pass-7"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("a-new-strong-pass-7")
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(regions):
    user = make_user(make_agency(Level.REGENCY, "35.07"), username="argon")
    assert identify_hasher(User.objects.get(pk=user.pk).password).algorithm == "argon2"


def test_service_accounts_cannot_sign_in_interactively(client, org):
    from gugus.accounts import actions

    token, _secret = actions.create_api_token(actor=org.jatim_admin, agency=org.malang, name="SIMFONI")
    response = post_password(client, token.service_user.username, "")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
