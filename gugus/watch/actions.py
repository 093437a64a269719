"""Every write of the job-post watch: ingest, review, takedown requests and their status, alerts.

Each function checks the actor's right (``access.py``; ``actor=None`` is the system, e.g. a scheduled
``gugus watch-ingest``), validates, writes and appends its audit event in one transaction. Views,
commands and the demo call these and never save models themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.audit.actions import record_event
from gugus.core.errors import GugusError, PermissionDenied
from gugus.watch import access
from gugus.watch.connect import RECENT_WINDOW, StoredGrouper, contacts_of, similarity
from gugus.watch.ingest import Item
from gugus.watch.models import (
    Alert,
    AlertKind,
    JobPost,
    PostContact,
    ReviewStatus,
    TakedownRequest,
    TakedownStatus,
)
from gugus.watch.normalize import normalize
from gugus.watch.resources import load_toml
from gugus.watch.screening import Screener

TEXT_ALERT_SIMILARITY = 0.6  # the engine's grouping threshold
MIN_REASON = 10
BATCH = 500


def _require_review(actor) -> None:
    if actor is not None and not access.can_review(actor):
        raise PermissionDenied()


def content_hash(post: dict) -> str:
    """Identity of a post for idempotent ingest: its link, author and text (whitespace collapsed)."""
    text = " ".join(post["text"].split())
    url = (post.get("url") or "").strip()
    author = (post.get("author") or "").strip().lower()
    return hashlib.sha256(f"{url}\x1f{author}\x1f{text}".encode()).hexdigest()


def default_screener() -> Screener:
    from gugus.watch import model as watch_model

    return Screener(model=watch_model.get_model(), group=False)


# --- ingest ---------------------------------------------------------------------------------------------

@dataclass
class IngestResult:
    created: int = 0
    seen_again: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    levels: dict = field(default_factory=lambda: {"high": 0, "medium": 0, "low": 0})
    reposts: int = 0
    alerts: int = 0
    post_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.seen_again


class _Context:
    """What one ingest run keeps between batches: the screener, the seeded grouper, removed posts."""

    def __init__(self, screener: Screener | None):
        self.screener = screener or default_screener()
        self.grouper = StoredGrouper(window=RECENT_WINDOW)
        recent = (JobPost.objects.exclude(sketch=None).order_by("-id")
                  .values_list("group_key", "sketch", "exact_key")[:RECENT_WINDOW])
        for group_key, sketch, exact in reversed(list(recent)):
            self.grouper.preload(group_key, sketch, exact)
        self.refresh_removed()

    def refresh_removed(self) -> None:
        removed = (TakedownRequest.objects.filter(status=TakedownStatus.REMOVED)
                   .select_related("post").order_by("id"))
        self.removed_sketches = [(t, bytes(t.post.sketch)) for t in removed if t.post.sketch]
        by_post: dict[int, TakedownRequest] = {}
        for t in removed:
            by_post.setdefault(t.post_id, t)
        self.removed_contacts: dict[tuple[str, str], TakedownRequest] = {}
        for contact in PostContact.objects.filter(post_id__in=list(by_post)).order_by("id"):
            self.removed_contacts.setdefault((contact.kind, contact.index), by_post[contact.post_id])


def ingest_posts(*, actor, items: Iterable[Item], source: str, screener: Screener | None = None,
                 progress=None, batch_size: int = BATCH) -> IngestResult:
    """Store, score and connect posts. The same post again (same link, author and text) only updates its
    ``seen_at``. Bad items are collected in ``errors`` with where they were; good ones land.

    Each batch is one transaction with one audit event naming the posts created and the alerts raised.
    """
    _require_review(actor)
    source = (source or "").strip()[:80]
    if not source:
        raise GugusError(_("Name the source of the posts."), field="source")
    result = IngestResult()
    ctx = None
    batch: list[tuple[str, dict]] = []
    for item in items:
        if item.error:
            result.errors.append((item.where, item.error))
            continue
        batch.append((item.where, item.post))
        if len(batch) >= batch_size:
            ctx = ctx or _Context(screener)
            _ingest_batch(actor, batch, source, ctx, result)
            batch = []
            if progress:
                progress(result)
    if batch:
        ctx = ctx or _Context(screener)
        _ingest_batch(actor, batch, source, ctx, result)
        if progress:
            progress(result)
    return result


def _ingest_batch(actor, batch: list[tuple[str, dict]], source: str, ctx: _Context, result: IngestResult) -> None:
    now = timezone.now()
    keyed: dict[str, dict] = {}
    for _where, post in batch:
        keyed.setdefault(content_hash(post), post)  # a repeat inside the batch counts as seen again
    repeats_in_batch = len(batch) - len(keyed)
    with transaction.atomic():
        existing = set(JobPost.objects.filter(content_hash__in=list(keyed)).values_list("content_hash", flat=True))
        if existing:
            JobPost.objects.filter(content_hash__in=existing).update(seen_at=now, times_seen=F("times_seen") + 1)
        result.seen_again += len(existing) + repeats_in_batch
        still_online = _still_online(existing)
        result.alerts += len(still_online)
        new = [(h, p) for h, p in keyed.items() if h not in existing]
        if not new:
            if still_online:
                record_event(actor=actor, action="watch.ingest", object_type=JobPost.OBJECT_TYPE,
                             data={"source": source, "created": [], "seen_again": len(existing) + repeats_in_batch,
                                   "alerts": len(still_online)})
            return
        scored = ctx.screener.screen_batch([{"id": h, "text": p["text"]} for h, p in new])
        posts, contacts = [], []
        for (chash, post), res in zip(new, scored, strict=True):
            root, sketch, exact = ctx.grouper.add_stored(chash, normalize(post["text"]).text)
            result.reposts += root is not None
            result.levels[res.level] += 1
            row = JobPost(
                source=source, platform=post.get("platform", ""), external_id=post.get("external_id", ""),
                url=post.get("url", ""), author=post.get("author", ""), text=post["text"],
                posted_at=post.get("posted_at"), first_seen_at=now, seen_at=now, content_hash=chash,
                risk=round(res.risk, 4), level=res.level,
                reasons=[{"code": r.code, "text": r.text, "weight": r.weight} for r in res.reasons],
                entities=res.entities.as_dict(), rules_version=res.rules_version, model_version=res.model_version,
                scored_at=now, group_key=root or chash, sketch=sketch, exact_key=exact,
            )
            posts.append(row)
            contacts.append(contacts_of(res.entities))
        # A concurrent ingest of the same post wins quietly: the row it stored is used below.
        JobPost.objects.bulk_create(posts, ignore_conflicts=True)
        saved = {p.content_hash: p for p in JobPost.objects.filter(content_hash__in=[p.content_hash for p in posts])}
        rows, alerts = [], []
        for row, found in zip(posts, contacts, strict=True):
            post = saved[row.content_hash]
            result.post_ids.append(post.pk)
            for kind, value, index, bank in found:
                rows.append(PostContact(post=post, kind=kind, index=index, value=value, bank=bank))
            alerts += _reappearances(post, found, ctx)
        PostContact.objects.bulk_create(rows, ignore_conflicts=True)
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)
        result.created += len(posts)
        result.alerts += len(alerts)
        record_event(actor=actor, action="watch.ingest", object_type=JobPost.OBJECT_TYPE,
                     data={"source": source, "created": [p.pk for p in saved.values()],
                           "seen_again": len(existing) + repeats_in_batch,
                           "alerts": len(alerts) + len(still_online)})


def _still_online(content_hashes) -> list[Alert]:
    """A removed post seen again under the same link and text is still (or again) online: one alert per
    request (later sightings find the open alert)."""
    if not content_hashes:
        return []
    removed = TakedownRequest.objects.filter(status=TakedownStatus.REMOVED, post__content_hash__in=content_hashes)
    alerts = [Alert(post_id=t.post_id, takedown=t, kind=AlertKind.TEXT, similarity=1.0)
              for t in removed if not Alert.objects.filter(post_id=t.post_id, takedown=t, kind=AlertKind.TEXT).exists()]
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    return alerts


def _reappearances(post: JobPost, contacts, ctx: _Context) -> list[Alert]:
    """Alerts for a new post that brings back a removed post's text or contact."""
    alerts, seen = [], set()
    if post.sketch:
        for takedown, sketch in ctx.removed_sketches:
            if takedown.post_id == post.pk or takedown.pk in seen:
                continue
            sim = similarity(post.sketch, sketch)
            if sim >= TEXT_ALERT_SIMILARITY:
                seen.add(takedown.pk)
                alerts.append(Alert(post=post, takedown=takedown, kind=AlertKind.TEXT, similarity=round(sim, 3)))
    for kind, _value, index, _bank in contacts:
        takedown = ctx.removed_contacts.get((kind, index))
        if takedown is not None and takedown.post_id != post.pk:
            alerts.append(Alert(post=post, takedown=takedown, kind=kind))
    return alerts


# --- review ---------------------------------------------------------------------------------------------

def _reason(value: str, field: str = "reason") -> str:
    text = " ".join((value or "").split())
    if len(text) < MIN_REASON:
        raise GugusError(_("Write the reason (at least %(n)s characters).") % {"n": MIN_REASON}, field=field)
    if len(text) > 2000:
        raise GugusError(_("At most %(n)s characters.") % {"n": 2000}, field=field)
    return text


def review_post(*, actor, post: JobPost, decision: str, reason: str) -> JobPost:
    """Confirm (deceptive recruitment) or dismiss a post, with a reason. A later decision replaces an
    earlier one; the audit log keeps both. A post with a takedown request stays confirmed."""
    _require_review(actor)
    if decision not in (ReviewStatus.CONFIRMED, ReviewStatus.DISMISSED):
        raise GugusError(_("Choose confirm or dismiss."), field="decision")
    reason = _reason(reason)
    if decision == ReviewStatus.DISMISSED and post.takedowns.exists():
        raise GugusError(_("A post with a takedown request cannot be dismissed."), field="decision")
    previous = post.status
    with transaction.atomic():
        post.status = decision
        post.review_reason = reason
        post.reviewed_by = actor
        post.reviewed_at = timezone.now()
        post.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
        record_event(actor=actor, action=f"watch.post_{decision}", object_type=JobPost.OBJECT_TYPE,
                     object_id=post.pk, reason=reason, data={"from": previous, "to": decision})
    return post


# --- takedown requests ----------------------------------------------------------------------------------

def recipients() -> dict:
    return load_toml("takedown.toml")["recipients"]


def _next_number(year: int) -> str:
    prefix = f"{load_toml('takedown.toml').get('number_prefix', 'TD')}/{year}/"
    count = TakedownRequest.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def request_takedown(*, actor, post: JobPost, recipient: str, note: str = "",
                     letter_date: dt.date | None = None) -> TakedownRequest:
    """Prepare a takedown request (and its letter) for a confirmed post. One open request per recipient."""
    _require_review(actor)
    if post.status != ReviewStatus.CONFIRMED:
        raise GugusError(_("Only a confirmed post can be taken down."), field="recipient")
    if recipient not in recipients():
        raise GugusError(_("Choose the recipient."), field="recipient")
    if not post.url:
        raise GugusError(_("This post has no link to take down."), field="recipient")
    open_statuses = [TakedownStatus.DRAFT, TakedownStatus.SENT, TakedownStatus.ACKNOWLEDGED]
    if post.takedowns.filter(recipient=recipient, status__in=open_statuses).exists():
        raise GugusError(_("A request to this recipient is already open."), field="recipient")
    letter_date = letter_date or timezone.localdate()
    with transaction.atomic():
        for _attempt in range(5):
            takedown = TakedownRequest(post=post, number=_next_number(letter_date.year), recipient=recipient,
                                       letter_date=letter_date, note=(note or "").strip()[:2000],
                                       agency=getattr(actor, "agency", None), created_by=actor)
            try:
                with transaction.atomic():
                    takedown.save()
                break
            except IntegrityError:
                continue
        else:
            raise GugusError(_("Could not number the letter; try again."))
        record_event(actor=actor, action="watch.takedown_create", object_type=TakedownRequest.OBJECT_TYPE,
                     object_id=takedown.pk, data={"post": post.pk, "recipient": recipient,
                                                  "number": takedown.number})
    return takedown


# status -> (date field, statuses it may follow)
TRANSITIONS = {
    TakedownStatus.SENT: ("sent_on", {TakedownStatus.DRAFT}),
    TakedownStatus.ACKNOWLEDGED: ("acknowledged_on", {TakedownStatus.SENT}),
    TakedownStatus.REMOVED: ("removed_on", {TakedownStatus.SENT, TakedownStatus.ACKNOWLEDGED}),
    TakedownStatus.REJECTED: ("rejected_on", {TakedownStatus.SENT, TakedownStatus.ACKNOWLEDGED}),
}


def set_takedown_status(*, actor, takedown: TakedownRequest, status: str, date, note: str = "",
                        recipient_reference: str = "") -> TakedownRequest:
    """Move a request on: draft → sent → (acknowledged →) removed or rejected, each with its date.
    Dates may not run backwards, precede the letter, or lie in the future."""
    _require_review(actor)
    if status not in TRANSITIONS:
        raise GugusError(_("Unknown status."), field="status")
    date_field, allowed_from = TRANSITIONS[status]
    when = _date(date)
    if when > timezone.localdate():
        raise GugusError(_("The date cannot be in the future."), field="date")
    with transaction.atomic():
        # The stored row decides (another reviewer may have moved it since the page was read).
        current = TakedownRequest.objects.select_for_update().get(pk=takedown.pk)
        if current.status not in allowed_from:
            raise GugusError(_("A request that is “%(now)s” cannot become “%(next)s”.")
                             % {"now": current.get_status_display(), "next": TakedownStatus(status).label},
                             field="status")
        earlier = [d for d in (current.letter_date, current.sent_on, current.acknowledged_on) if d]
        if earlier and when < max(earlier):
            raise GugusError(_("The date cannot be before %(day)s.") % {"day": max(earlier).isoformat()},
                             field="date")
        previous = current.status
        changed = ["status", date_field, "updated_at"]
        current.status = status
        setattr(current, date_field, when)
        if note.strip():
            current.note = (f"{current.note}\n" if current.note else "") + f"{when.isoformat()}: {note.strip()}"
            changed.append("note")
        if recipient_reference.strip():
            current.recipient_reference = recipient_reference.strip()[:120]
            changed.append("recipient_reference")
        current.save(update_fields=changed)
        record_event(actor=actor, action="watch.takedown_status", object_type=TakedownRequest.OBJECT_TYPE,
                     object_id=current.pk, data={"from": previous, "to": status, "date": when.isoformat()})
    for name in ("status", date_field, "note", "recipient_reference", "updated_at"):
        setattr(takedown, name, getattr(current, name))
    return takedown


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise GugusError(_("Write the date as YYYY-MM-DD."), field="date") from None


# --- alerts ---------------------------------------------------------------------------------------------

def close_alert(*, actor, alert: Alert, note: str) -> Alert:
    """Close an alert once handled (e.g. a new takedown request sent), saying what was done."""
    _require_review(actor)
    if alert.closed_at:
        raise GugusError(_("This alert is already closed."), field="note")
    note = _reason(note, "note")
    with transaction.atomic():
        alert.closed_at = timezone.now()
        alert.closed_by = actor
        alert.note = note
        alert.save(update_fields=["closed_at", "closed_by", "note"])
        record_event(actor=actor, action="watch.alert_close", object_type="watch.alert", object_id=alert.pk,
                     data={"post": alert.post_id, "takedown": alert.takedown_id})
    return alert
