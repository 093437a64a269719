"""Template helpers of the plans pages: Rupiah and numbers in Indonesian style, and the nav check."""

from __future__ import annotations

from django import template

from gugus.plans import reports
from gugus.plans.access import can_view

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """350000000 → "Rp 350.000.000"."""
    return reports.rupiah(amount)


@register.filter
def num(value) -> str:
    """Decimal("40.00") → "40", Decimal("33.30") → "33,3", None → "—"."""
    return reports.number(value)


@register.filter
def pct(value) -> str:
    return reports.percent(value)


@register.filter
def can_see_plans(user) -> bool:
    """For the main navigation: ``{% if user|can_see_plans %}``."""
    return can_view(user)
