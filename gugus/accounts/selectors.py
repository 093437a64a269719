"""Scoped reads of agencies, users and tokens (for administrators of a region)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gugus.accounts.models import Agency, ApiToken, TaskForce, User
from gugus.accounts.scope import agency_filter
from gugus.core.errors import NotFound
from gugus.regions.models import ancestor_codes
from gugus.regions.selectors import descendants_q


def agencies_visible_to(user) -> QuerySet[Agency]:
    """Every signed-in user may see the agencies of their region (to refer, share and address letters)."""
    return Agency.objects.filter(agency_filter(user)).select_related("region", "country")


def all_agencies() -> QuerySet[Agency]:
    """Agency names are not sensitive: any agency may be the receiver of a referral."""
    return Agency.objects.filter(active=True).select_related("region", "country")


def users_manageable_by(user) -> QuerySet[User]:
    if not user.can("user.manage"):
        return User.objects.none()
    return (User.objects.filter(is_service=False).filter(agency_filter(user, "agency"))
            .select_related("agency", "agency__region"))


def get_manageable_user(actor, pk) -> User:
    found = users_manageable_by(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def tokens_manageable_by(user) -> QuerySet[ApiToken]:
    if not user.can("token.manage"):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(agency_filter(user, "agency")).select_related("agency", "service_user")


def task_forces_visible_to(user) -> QuerySet[TaskForce]:
    """The national task force, those above the user's region, and those inside it."""
    jurisdiction = user.jurisdiction
    qs = TaskForce.objects.select_related("region", "secretariat").prefetch_related("sub_task_forces")
    if jurisdiction == "":
        return qs
    if jurisdiction is None:
        return qs.filter(level="national")
    above = [jurisdiction, *ancestor_codes(jurisdiction)]
    return qs.filter(Q(level="national") | Q(region_id__in=above) | descendants_q(jurisdiction, "region__code"))
