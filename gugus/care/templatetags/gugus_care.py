"""Labels of service kinds and statuses in the active language, and the notification bell."""

from django import template

from gugus.care.rules import rules

register = template.Library()


@register.filter
def kind_label(code):
    """``{{ code|kind_label }}``; a list of codes gives comma-separated labels."""
    if not code:
        return ""
    codes = code if isinstance(code, list | tuple) else [code]
    kinds = rules().kinds
    return ", ".join(kinds[c].label() if c in kinds else c for c in codes)


@register.filter
def status_label(code):
    status = rules().statuses.get(code)
    return status.label() if status else code


@register.inclusion_tag("care/_bell.html", takes_context=True)
def care_bell(context):
    """The bell with the unread count: ``{% load gugus_care %}{% care_bell %}`` (e.g. in the main nav)."""
    from gugus.care.selectors import unread_count

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": unread_count(user) if user is not None else 0}


@register.filter
def get_legal(kinds, code):
    kind = kinds.get(code)
    return kind.legal_basis if kind else ""


@register.filter
def next_statuses(statuses, code):
    """``(code, label)`` of the statuses a service in ``code`` may move to."""
    status = statuses.get(code)
    return [(c, statuses[c].label()) for c in status.next] if status else []
