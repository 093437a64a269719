"""Who may use the job-post watch: capabilities as data (``data/access.toml``), checked here.

``watch.view`` reads posts, groups, takedown requests and alerts; ``watch.review`` also ingests, decides,
requests takedowns and closes alerts. Links from posts to cases never come from these capabilities: they
follow the case scope (``cases.selectors.cases_visible_to``).
"""

from __future__ import annotations

from gugus.watch.resources import load_toml

VIEW = "watch.view"
REVIEW = "watch.review"


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(load_toml("access.toml")["capabilities"].get(capability, ()))


def can(user, capability: str) -> bool:
    """The role holds ``capability`` in ``data/access.toml`` (or in the project's roles.toml, should the
    watch capabilities move there)."""
    if user is None or not user.is_authenticated or not user.is_active or getattr(user, "is_service", False):
        return False
    return user.role in roles_with(capability) or user.can(capability)


def can_view(user) -> bool:
    return can(user, VIEW) or can(user, REVIEW)


def can_review(user) -> bool:
    return can(user, REVIEW)
