"""Template helpers for linking to the watch from other pages (e.g. the main navigation):

    {% load gugus_watch %}{% if user|can_watch %}<a href="{% url 'watch:queue' %}">…</a>{% endif %}
"""

from __future__ import annotations

from django import template

from gugus.watch import access, selectors

register = template.Library()


@register.filter
def can_watch(user) -> bool:
    return access.can_view(user)


@register.filter
def can_review_posts(user) -> bool:
    return access.can_review(user)


@register.simple_tag
def open_watch_alerts(user) -> int:
    """Open re-appearance alerts (0 for users without watch rights)."""
    return selectors.open_alert_count(user)
