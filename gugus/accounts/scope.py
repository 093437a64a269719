"""Scope: which records a user may see. The one place where region, agency and grants are combined.

A user sees a record when it lies in their agency's region subtree, or their agency owns it, or an active
grant (referral, shared case, break-the-glass) gives it to their agency or to them. Every selector of a
scoped model (persons, cases, exports, statistics) starts from :func:`scoped`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from gugus.accounts.models import AccessGrant
from gugus.regions.models import is_inside
from gugus.regions.selectors import descendants_q


def active_grants(user, object_type: str) -> QuerySet[AccessGrant]:
    now = timezone.now()
    holder = Q(grantee_user_id=user.pk)
    if user.agency_id:
        holder |= Q(grantee_agency_id=user.agency_id)
    return AccessGrant.objects.filter(holder, object_type=object_type, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def scoped(
    queryset: QuerySet,
    user,
    *,
    object_type: str,
    capability: str,
    region_field: str = "scope_code",
    agency_field: str = "owner_agency_id",
) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see; empty when the role lacks ``capability``."""
    if user is None or not user.is_authenticated or not user.can(capability):
        return queryset.none()
    jurisdiction = user.jurisdiction
    if jurisdiction == "":
        return queryset
    visible = Q(pk__in=active_grants(user, object_type).values("object_id"))
    if jurisdiction is not None:
        visible |= descendants_q(jurisdiction, region_field)
    if user.agency_id:
        visible |= Q(**{agency_field: user.agency_id})
    return queryset.filter(visible)


def region_in_scope(user, code: str | None) -> bool:
    """May ``user`` file records under region ``code``? (Missions abroad may file under any region.)"""
    jurisdiction = user.jurisdiction
    if not jurisdiction:
        return True
    return bool(code) and is_inside(code, jurisdiction)


def agency_filter(user, field: str = "") -> Q:
    """Agencies inside the user's jurisdiction (for administrators managing users and agencies)."""
    prefix = f"{field}__" if field else ""
    jurisdiction = user.jurisdiction
    if jurisdiction == "":
        return Q()
    if jurisdiction is None:
        return Q(**{f"{prefix}pk": user.agency_id})
    return descendants_q(jurisdiction, f"{prefix}region__code")


def access_basis(user, *, object_type: str, object_id: int, region_code: str,
                 owner_agency_id: int | None) -> AccessGrant | None:
    """None when ``user`` sees the record by region or ownership; otherwise the grant that opens it
    (so a read through break-the-glass can be marked as such in the audit log)."""
    jurisdiction = user.jurisdiction
    if jurisdiction == "" or (jurisdiction and is_inside(region_code, jurisdiction)):
        return None
    if user.agency_id and owner_agency_id == user.agency_id:
        return None
    return active_grants(user, object_type).filter(object_id=object_id).order_by("-created_at").first()
