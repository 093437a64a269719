"""Reads of the audit log, for auditors only."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from gugus.accounts.models import Agency
from gugus.accounts.scope import agency_filter
from gugus.audit.models import AuditEvent


def events_visible_to(user) -> QuerySet[AuditEvent]:
    """A national auditor reads the whole log; a regional auditor the events of agencies in their region
    (the log says who opened which record, so it is scoped like the records)."""
    if not user.can("audit.view"):
        return AuditEvent.objects.none()
    if user.jurisdiction == "":
        return AuditEvent.objects.all()
    agencies = Agency.objects.filter(agency_filter(user)).values("pk")
    return AuditEvent.objects.filter(agency_id__in=agencies)


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
