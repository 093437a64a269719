"""Texts of notifications and reminder e-mails, rendered in the reader's language.

A notification stores a ``kind`` and ``params`` (case reference, service kind, dates), never a victim's
name: e-mail travels outside Gugus, and the bell is seen over shoulders.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gugus.care.rules import rules


def _kind_label(code: str) -> str:
    kind = rules().kinds.get(code)
    return kind.label() if kind else code


def render(kind: str, params: dict) -> str:
    p = dict(params)
    if "service" in p:
        p["service"] = _kind_label(p["service"])
    if "services" in p:
        p["services"] = ", ".join(_kind_label(c) for c in p["services"]) or "—"
    if "action" in p:
        p["action"] = _("close") if p["action"] == "close" else _("reopen")
    if "state" in p:
        p["state"] = _("approved") if p["state"] == "approved" else _("rejected")
    texts = {
        "referral_received": _("New referral from %(agency)s for case %(case)s: %(services)s."),
        "referral_accepted": _("%(agency)s accepted your referral for case %(case)s."),
        "referral_declined": _("%(agency)s declined your referral for case %(case)s."),
        "referral_revoked": _("%(agency)s revoked its referral for case %(case)s."),
        "referral_completed": _("The referral for case %(case)s was completed."),
        "consent_withdrawn": _("Consent was withdrawn for a victim of case %(case)s: access through the "
                               "referral has ended."),
        "service_due_soon": _("%(service)s for a victim of case %(case)s is due on %(deadline)s."),
        "service_overdue": _("OVERDUE: %(service)s for a victim of case %(case)s was due on %(deadline)s."),
        "closure_requested": _("Approval needed: a request to %(action)s case %(case)s."),
        "closure_decided": _("Your request for case %(case)s was %(state)s."),
    }
    text = texts.get(kind)
    if text is None:
        return kind
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return text
