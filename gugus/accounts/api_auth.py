"""API authentication: agency tokens for integrations, and the browser session once two-factor verified."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from gugus.accounts.actions import hash_token
from gugus.accounts.middleware import needs_otp
from gugus.accounts.models import ApiToken


class AgencyTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <secret>`. The token's service account carries its agency's scope."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed token header.")
        secret = header[1].decode(errors="replace")
        token = (ApiToken.objects.select_related("service_user", "service_user__agency")
                 .filter(key_hash=hash_token(secret), revoked_at__isnull=True).first())
        if token is None or not token.service_user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        # At most one write a minute per token: the timestamp is for administrators, not for auditing.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.service_user, token

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, accepted only after the two-factor step (and with CSRF checks)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if needs_otp(user) or user.must_change_password:
            return None
        return result
