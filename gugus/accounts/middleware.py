"""Staff pages require a signed-in, two-factor-verified user with a current password.

Login is required by default (an allow-list names the public paths), so a new page cannot be left open by
forgetting a decorator. The API authenticates on its own (tokens or verified sessions).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from gugus.audit.context import client_ip, current_ip

PUBLIC_PREFIXES = ("/static/", "/i18n/", "/api/", "/health/", "/ready/", "/portal/")


def needs_otp(user) -> bool:
    # is_verified is added by django_otp's middleware; a user just logged in during this request lacks it.
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return not (settings.GUGUS_DEMO and user.demo_otp_exempt)


class StaffAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            redirect_to = self._gate(request)
            if redirect_to and request.headers.get("HX-Request"):
                # An htmx fragment request (a side form, the NIK hint) must not swap the sign-in page into
                # the page: htmx loads the whole page at this address instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect_to
                return response
            return redirect(redirect_to) if redirect_to else self.get_response(request)
        finally:
            current_ip.reset(token)

    def _gate(self, request) -> str | None:
        path = request.path
        login_paths = (reverse("accounts:login"), reverse("accounts:otp"), reverse("accounts:otp_setup"),
                       reverse("accounts:logout"), reverse("accounts:password_change"))
        if path.startswith(PUBLIC_PREFIXES) or path == reverse("accounts:login"):
            return None
        user = request.user
        if not user.is_authenticated:
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                messages.info(request, _("Your session has ended. Please sign in again."))
            return f"{reverse('accounts:login')}?next={path}"
        if user.is_service:
            return reverse("accounts:logout")
        if needs_otp(user):
            if path in login_paths:
                return None
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            return reverse("accounts:otp") if has_device else reverse("accounts:otp_setup")
        if user.must_change_password and path not in login_paths:
            return reverse("accounts:password_change")
        return None


class IdleTimeoutMiddleware:
    """Keeps a signed-in session alive while it is used: its expiry (``SESSION_COOKIE_AGE`` of inactivity) moves
    forward at most once a minute, instead of a session write on every request. A session thus ends between
    ``SESSION_COOKIE_AGE`` − 60 s and ``SESSION_COOKIE_AGE`` after its last request."""

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if "_auth_user_id" in session:
            now = int(time.time())
            if now - session.get("_renewed_at", 0) >= self.RENEW_AFTER_SECONDS:
                session["_renewed_at"] = now  # a modified session is saved with a new expiry
        return self.get_response(request)
