"""Every write of the portal: validate, write and audit in one transaction.

Public writes (a report, an offer check) have no acting user; the audit event of a new report is written
without the reporter's address, so the log cannot be used to find who reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.audit.actions import record_event
from gugus.audit.context import current_ip
from gugus.core.crypto import blind_index
from gugus.core.errors import Conflict, GugusError, PermissionDenied
from gugus.portal.models import Attachment, ContactWay, InfoPage, OfferCheck, Report, ReportStatus
from gugus.portal.selectors import route_for_region
from gugus.regions.models import Region

MAX_TEXT = 5000
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Magic bytes decide the type; the file name and the browser's content type are ignored.
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
# Unambiguous letters and digits (no 0/O, 1/I/L) for codes people copy by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _require(actor, capability: str) -> None:
    if actor is None or not actor.can(capability):
        raise PermissionDenied()


def _random_code(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _group(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def normalise_code(value: str) -> str:
    """What a person types ("7k3m q9xd", "7K3M-Q9XD") → the stored form "7K3M-Q9XD"."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return _group(raw)


def secret_for(form_token: str) -> str:
    """The status secret of the report made with ``form_token``: derived with a server key, so a double
    submit of the same form shows the same secret, while the database holds only hashes of both."""
    digest = hmac.new(blind_index("portal-secret-key", "v1").encode(), form_token.encode(), hashlib.sha256).digest()
    letters = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:12])
    return _group(letters)


def secret_hash(tracking_code: str, secret: str) -> str:
    return blind_index("portal-secret", f"{tracking_code}:{normalise_code(secret)}")


def detect_type(head: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


@dataclass
class Submitted:
    report: Report
    tracking_code: str
    secret: str
    duplicate: bool = False


def _check_attachments(files) -> list[tuple[object, str, str]]:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise GugusError(_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}, field="attachments")
    checked = []
    for f in files:
        if f.size > MAX_ATTACHMENT_BYTES:
            raise GugusError(_("%(name)s is larger than 5 MB.") % {"name": f.name}, field="attachments")
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        content_type = detect_type(head)
        if content_type is None:
            raise GugusError(_("%(name)s is not a JPEG or PNG photo or a PDF document.") % {"name": f.name},
                             field="attachments")
        sha = hashlib.sha256()
        for chunk in f.chunks():
            sha.update(chunk)
        f.seek(0)
        checked.append((f, content_type, sha.hexdigest()))
    return checked


def _text(value: str, field: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise GugusError(_("Please fill in this field."), field=field)
    if len(value) > limit:
        raise GugusError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return value


def submit_report(*, form_token: str, what: str, region_code: str, anonymous: bool = True,
                  reporter_name: str = "", contact_way: str = ContactWay.NONE, contact: str = "",
                  who: str = "", place: str = "", when: str = "", happened_on: dt.date | None = None,
                  offer_link: str = "", from_offer_check: bool = False, attachments=()) -> Submitted:
    """Files a report from the public and routes it to the task force of its region.

    ``form_token`` is the one-time value of the form: submitting the same form again returns the first
    report (with the same tracking code and secret) instead of making a second one.
    """
    if not form_token or len(form_token) > 100:
        raise GugusError(_("This form has expired. Please send it again."))
    token_hash = blind_index("portal-form", form_token)
    existing = Report.objects.filter(form_token_hash=token_hash).first()
    if existing is not None:
        return Submitted(existing, existing.tracking_code, secret_for(form_token), duplicate=True)

    what = _text(what, "what", required=True)
    who = _text(who, "who")
    place = _text(place, "place", limit=500)
    when = _text(when, "when", limit=100)
    offer_link = _text(offer_link, "offer_link", limit=500)
    if contact_way not in ContactWay.values:
        raise GugusError(_("Choose how we may contact you."), field="contact_way")
    contact = _text(contact, "contact", limit=200)
    if contact_way != ContactWay.NONE and not contact:
        raise GugusError(_("Write the number or address where we may contact you."), field="contact")
    if contact_way == ContactWay.NONE:
        contact = ""
    reporter_name = "" if anonymous else _text(reporter_name, "reporter_name", limit=200)
    if happened_on and happened_on > timezone.localdate():
        raise GugusError(_("The date cannot be in the future."), field="happened_on")
    region = Region.objects.filter(code=region_code or "", level__lte=Region.Level.REGENCY).first()
    if region is None:
        raise GugusError(_("Choose the province (and the regency or city if you know it)."), field="region")
    checked = _check_attachments(attachments)
    task_force = route_for_region(region.code)

    secret = secret_for(form_token)
    ip_token = current_ip.set(None)  # the reporter's address stays out of the audit log
    try:
        with transaction.atomic():
            for _attempt in range(8):
                code = _group(_random_code(8))
                report = Report(
                    tracking_code=code, secret_hash=secret_hash(code, secret), form_token_hash=token_hash,
                    anonymous=anonymous, reporter_name=reporter_name, contact_way=contact_way, contact=contact,
                    what=what, who=who, place=place, when=when, happened_on=happened_on, region=region,
                    offer_link=offer_link, from_offer_check=from_offer_check, task_force=task_force,
                    scope_code=(task_force.region_id or "") if task_force else "",
                    owner_agency_id=task_force.secretariat_id if task_force else None,
                )
                try:
                    with transaction.atomic():
                        report.save(force_insert=True)
                    break
                except IntegrityError:
                    first = Report.objects.filter(form_token_hash=token_hash).first()
                    if first is not None:  # the same form, sent twice at once
                        return Submitted(first, first.tracking_code, secret, duplicate=True)
            else:
                raise GugusError(_("The report could not be numbered; please send it again."))
            for f, content_type, sha in checked:
                Attachment.objects.create(report=report, file=f, content_type=content_type, size=f.size,
                                          sha256=sha, original_name=f.name[:200])
            record_event(actor=None, action="portal.report.create", object_type=Report.OBJECT_TYPE,
                         object_id=report.pk,
                         data={"region": region.code, "task_force": task_force.pk if task_force else None,
                               "scope": report.scope_code, "attachments": len(checked),
                               "anonymous": anonymous, "from_offer_check": from_offer_check})
    finally:
        current_ip.reset(ip_token)
    return Submitted(report, code, secret)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


_TRANSITIONS = {
    ReportStatus.REVIEWED: {ReportStatus.RECEIVED},
    ReportStatus.CLOSED: {ReportStatus.RECEIVED, ReportStatus.REVIEWED},
}


def set_report_status(*, actor, report: Report, status: str, note: str = "") -> Report:
    """Marks a report reviewed or closed (a case is opened with :func:`open_case_from_report`)."""
    _require(actor, "intake.manage")
    if status not in _TRANSITIONS:
        raise GugusError(_("Unknown status."), field="status")
    with transaction.atomic():
        current = _locked(report)
        if current.status not in _TRANSITIONS[status]:
            raise Conflict(_("This report was already handled: it is now “%(status)s”.")
                           % {"status": current.get_status_display()})
        previous = current.status
        current.status = status
        current.handled_by = actor
        current.updated_at = timezone.now()
        current.save(update_fields=["status", "handled_by", "updated_at"])
        record_event(actor=actor, action=f"portal.report.{status}", object_type=Report.OBJECT_TYPE,
                     object_id=current.pk, reason=_text(note, "note", limit=500),
                     data={"from": previous, "to": status})
    return current


def open_case_from_report(*, actor, report: Report) -> Report:
    """Opens a case for the report (through ``cases.actions.create_case``) and links it; the reporter's
    status page then says the report is being followed up. Twice is harmless: the same case is kept."""
    from gugus.cases.actions import create_case

    _require(actor, "intake.manage")
    with transaction.atomic():
        current = _locked(report)
        if current.case_id:
            return current
        if current.status == ReportStatus.CLOSED:
            raise Conflict(_("This report was closed; it cannot become a case."))
        case = create_case(actor=actor, reported_on=timezone.localdate(current.created_at),
                           summary=_("From public report %(code)s.") % {"code": current.tracking_code},
                           scope_code=current.scope_code or None, intake_key=f"portal:{current.tracking_code}")
        current.case = case
        current.status = ReportStatus.CASE
        current.handled_by = actor
        current.updated_at = timezone.now()
        current.save(update_fields=["case", "status", "handled_by", "updated_at"])
        record_event(actor=actor, action="portal.report.case", object_type=Report.OBJECT_TYPE,
                     object_id=current.pk, data={"case": case.pk, "reference": case.reference})
    return current


def record_offer_check(*, text: str, link: str, result) -> OfferCheck:
    """Keeps the checked offer (public text) and its score for the watch team; nothing about who checked."""
    return OfferCheck.objects.create(text=text[:MAX_TEXT], link=link[:500], risk=result.risk, level=result.level,
                                     reason_codes=result.codes, rules_version=result.rules_version[:40],
                                     model_version=result.model_version[:80])


INFO_FIELDS = ("title_id", "title_en", "body_id", "body_en")


def update_info_page(*, actor, page: InfoPage, expected_version: int, **changes) -> InfoPage:
    _require(actor, "intake.manage")
    unknown = set(changes) - set(INFO_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = {}
    for name, value in changes.items():
        limit = 200 if name.startswith("title") else 20000
        values[name] = _text(value, name, required=True, limit=limit)
    changed = {f: v for f, v in values.items() if getattr(page, f) != v}
    if not changed:
        return page
    with transaction.atomic():
        won = InfoPage.objects.filter(pk=page.pk, version=expected_version).update(
            version=expected_version + 1, updated_at=timezone.now(), updated_by=actor, **changed)
        if not won:
            raise Conflict()
        page.refresh_from_db()
        record_event(actor=actor, action="portal.info.update", object_type=InfoPage.OBJECT_TYPE,
                     object_id=page.pk, data={"slug": page.slug, "changed": sorted(changed)})
    return page


def seed_info_pages() -> int:
    """Creates the information pages of data/info.toml that do not exist yet (install, tests)."""
    import tomllib
    from pathlib import Path

    data = tomllib.loads((Path(__file__).parent / "data" / "info.toml").read_text(encoding="utf-8"))
    made = 0
    for page in data["page"]:
        _obj, created = InfoPage.objects.get_or_create(slug=page["slug"], defaults={
            "order": page["order"], "title_id": page["title_id"], "title_en": page["title_en"],
            "body_id": page["body_id"].strip(), "body_en": page["body_en"].strip(),
        })
        made += created
    return made
