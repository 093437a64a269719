"""Reads of the audit log, for auditors only."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from gugus.audit.models import AuditEvent


def events_visible_to(user) -> QuerySet[AuditEvent]:
    if not user.can("audit.view"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def filter_events(qs: QuerySet[AuditEvent], *, username: str = "", object_type: str = "", object_id: str = "",
                  action: str = "", since: dt.date | None = None, until: dt.date | None = None,
                  break_glass: bool = False) -> QuerySet[AuditEvent]:
    if username:
        qs = qs.filter(actor_name__iexact=username)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if break_glass:
        qs = qs.filter(break_glass=True)
    return qs
