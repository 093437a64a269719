"""Where the acting request comes from, for the duration of one request.

Set by gugus.accounts.middleware.StaffAccessMiddleware; read by record_event().
"""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("gugus_current_ip", default=None)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the reverse proxy and trusted there, see operations.md.
    return request.META.get("REMOTE_ADDR") or None
