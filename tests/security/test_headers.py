"""ASVS V14.4 / V3.4: security headers and cookie flags on every kind of page."""

from __future__ import annotations

import pytest
from django.test import override_settings

from gugus.ops.middleware import build_policy
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/masuk/", "/portal/", "/health/", "/api/schema/", "/"])
def test_every_answer_has_a_strict_policy(client, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no third party
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_carry_no_inline_script(client, org):
    """The policy forbids inline script; the pages must not need any (they would break silently)."""
    sign_in(client, org.malang_investigator)
    for path in ["/", "/orang/", "/kasus/", "/kasus/baru/"]:
        body = client.get(path).content.decode()
        for tag in body.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head, f"inline <script> on {path}"
        assert " onclick=" not in body and " onload=" not in body and "javascript:" not in body


def test_the_api_docs_page_runs_no_inline_script_either(client, org):
    sign_in(client, org.malang_investigator)
    response = client.get("/api/docs/")
    assert "'unsafe-inline'" not in _csp(response)["script-src"]
    assert _csp(response)["frame-ancestors"] == ["'none'"]
    body = response.content.decode()
    assert "<script>" not in body and "script src=" in body.replace('"', "").replace("'", "")


def test_policy_is_built_from_data():
    assert build_policy({"default-src": ["'self'"], "img-src": ["'self'", "data:"]}) == \
        "default-src 'self'; img-src 'self' data:"


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, org):
    from tests.factories import PASSWORD

    page = client.get("/masuk/")
    csrf = page.cookies.get("csrftoken")
    assert csrf is not None and csrf["samesite"] == "Lax" and csrf["httponly"]
    response = client.post("/masuk/", {"username": org.malang_investigator.username, "password": PASSWORD})
    assert response.status_code == 302
    session = client.cookies.get("sessionid")
    assert session is not None and session["httponly"] and session["samesite"] == "Lax"


def test_https_mode_sets_secure_cookies_and_hsts(monkeypatch):
    """GUGUS_HTTPS=1 (behind the TLS proxy): Secure + __Host- cookies, HSTS a year with subdomains."""
    import importlib

    import gugus.settings as base

    monkeypatch.setenv("GUGUS_HTTPS", "1")
    try:
        fresh = importlib.reload(base)
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
        assert fresh.SECURE_HSTS_SECONDS >= 31536000 and fresh.SECURE_HSTS_INCLUDE_SUBDOMAINS
        assert fresh.SECURE_SSL_REDIRECT and fresh.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        assert fresh.SESSION_COOKIE_NAME.startswith("__Host-")
    finally:
        monkeypatch.delenv("GUGUS_HTTPS")
        importlib.reload(base)


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_header_is_sent_over_tls(client):
    response = client.get("/health/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
