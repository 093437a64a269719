"""Security headers Django does not set by itself: Content-Security-Policy and friends.

The policy is data (``settings.GUGUS_CSP``, directive → sources). No inline script is allowed anywhere:
every script is a static file served from this origin. ``GUGUS_CSP_RELAXED`` lists path prefixes that get
their own policy (the Swagger UI page of drf-spectacular renders an inline bootstrap script).
See docs/decisions/0007-csp-and-celery.md.
"""

from __future__ import annotations

from django.conf import settings


def build_policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy(settings.GUGUS_CSP)
        self.relaxed = [(prefix, build_policy(policy)) for prefix, policy in settings.GUGUS_CSP_RELAXED.items()]
        self.extra = dict(settings.GUGUS_SECURITY_HEADERS)

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.policy
        for prefix, relaxed in self.relaxed:
            if request.path.startswith(prefix):
                policy = relaxed
                break
        response.headers.setdefault("Content-Security-Policy", policy)
        for name, value in self.extra.items():
            response.headers.setdefault(name, value)
        return response


class ReadinessMiddleware:
    """Answers ``/ready/`` before the session and sign-in middleware: a load balancer's probe carries no
    session, and a probe should not create one. The URL is also in ``gugus/ops/urls.py`` for ``reverse``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/ready/" and request.method in ("GET", "HEAD"):
            from gugus.ops.views import ready

            return ready(request)
        return self.get_response(request)
