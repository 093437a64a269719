"""Reads of the portal. Staff reads start from :func:`reports_visible_to` (scope enforced once) and are
audited; public reads (status look-up, information pages) reveal nothing but a status."""

from __future__ import annotations

import hmac

from django.core.cache import cache
from django.db.models import Count, QuerySet

from gugus.accounts.models import Level, TaskForce
from gugus.accounts.scope import access_basis, scoped
from gugus.audit.actions import record_event
from gugus.core.errors import NotFound
from gugus.portal.models import Attachment, InfoPage, Report
from gugus.regions.models import Region, ancestor_codes


def route_for_region(code: str) -> TaskForce | None:
    """The task force of the region (kab/kota), else of its province, else the national one."""
    chain = [code, *reversed(ancestor_codes(code))]  # nearest first
    by_region = {tf.region_id: tf for tf in TaskForce.objects.filter(region_id__in=chain)}
    for c in chain:
        if c in by_region:
            return by_region[c]
    return TaskForce.objects.filter(level=Level.NATIONAL).first()


def region_choices() -> tuple[list[tuple[str, str]], list[tuple[str, list[tuple[str, str]]]]]:
    """Provinces, and kab/kota grouped by province (for two plain selects that work without JavaScript).
    Cached for ten minutes: every form shows them and regions change once a year."""
    return cache.get_or_set("portal:region-choices:v1", _region_choices, 600)


def _region_choices():
    rows = list(Region.objects.filter(level__lte=Region.Level.REGENCY, active=True)
                .order_by("code").values_list("code", "name", "level", "parent_id"))
    provinces = [(code, name) for code, name, level, _p in rows if level == Region.Level.PROVINCE]
    names = dict(provinces)
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, level, parent in rows:
        if level == Region.Level.REGENCY:
            groups.setdefault(parent, []).append((code, name))
    return provinces, [(names.get(p, p), groups[p]) for p, _n in provinces if p in groups]


# --- public --------------------------------------------------------------------------------------------


def report_status(tracking_code: str, secret: str) -> Report | None:
    """The report when both the code and the secret match; None otherwise (the same answer for both)."""
    from gugus.portal.actions import normalise_code, secret_hash

    code = normalise_code(tracking_code)
    report = Report.objects.filter(tracking_code=code).only("tracking_code", "secret_hash", "status",
                                                              "created_at", "updated_at").first()
    expected = secret_hash(code, secret)
    stored = report.secret_hash if report is not None else "0" * 64
    if not hmac.compare_digest(stored, expected) or report is None:
        return None
    return report


def info_pages() -> QuerySet[InfoPage]:
    return InfoPage.objects.all()


def info_page(slug: str) -> InfoPage | None:
    return InfoPage.objects.filter(slug=slug).first()


# --- staff ---------------------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports routed to task forces inside the user's jurisdiction (or to their agency as secretariat)."""
    return scoped(Report.objects.select_related("region", "task_force", "case"), user,
                  object_type=Report.OBJECT_TYPE, capability="intake.manage")


def intake_queue(user, *, status: str = "open") -> QuerySet[Report]:
    qs = reports_visible_to(user).annotate(n_attachments=Count("attachments"))
    if status == "open":
        return qs.filter(status__in=["received", "reviewed"])
    if status:
        return qs.filter(status=status)
    return qs


def record_list_read(user, reports) -> None:
    """The queue shows the reports' summaries: which were shown, and to whom, is one audit event."""
    ids = [r.pk for r in reports]
    if ids:
        record_event(actor=user, action="portal.report.list", object_type=Report.OBJECT_TYPE, data={"ids": ids})


def get_report(user, pk, *, purpose: str = "view") -> Report:
    """One report the user may see, its read audited; missing and out of scope are the same NotFound."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    _record_read(user, report, f"portal.report.{purpose}")
    return report


def get_attachment(user, report_pk, pk) -> Attachment:
    report = get_report(user, report_pk, purpose="attachment")
    attachment = report.attachments.filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    return attachment


def _record_read(user, report: Report, action: str) -> None:
    grant = access_basis(user, object_type=Report.OBJECT_TYPE, object_id=report.pk, region_code=report.scope_code,
                         owner_agency_id=report.owner_agency_id)
    emergency = grant is not None and grant.kind == grant.Kind.BREAK_GLASS
    data = {"via": grant.kind} if grant else {}
    record_event(actor=user, action=action, object_type=Report.OBJECT_TYPE, object_id=report.pk,
                 break_glass=emergency, reason=grant.reason if emergency else "", data=data)
