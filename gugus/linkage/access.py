"""Who may review linkage candidates: capabilities as data (``data/review.toml``), checked here.

``linkage.review`` opens the queue, confirms or rejects pairs and unmerges. It never widens what a user
sees: a pair is shown only when both persons are in ``persons_visible_to(user)``, so the role also needs
``person.view``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from gugus.linkage.prepare import DATA_DIR

REVIEW = "linkage.review"


@cache
def review_config() -> dict[str, Any]:
    with (DATA_DIR / "review.toml").open("rb") as fh:
        return tomllib.load(fh)


def thresholds() -> dict[str, float]:
    return dict(review_config()["thresholds"])


def roles_with(capability: str) -> frozenset[str]:
    return frozenset(review_config()["capabilities"].get(capability, ()))


def can_review(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active or getattr(user, "is_service", False):
        return False
    if not user.can("person.view"):
        return False
    return user.role in roles_with(REVIEW) or user.can(REVIEW)
