"""Reads of the job-post watch. Posts are public content (``watch.view``); links from a post's contacts
to cases start from ``cases.selectors.cases_visible_to`` so a user learns about a case match only when
their scope covers the case — otherwise nothing, not even that a match exists."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from gugus.audit.actions import record_event
from gugus.cases.models import Case, Participant, PersonIdentifier
from gugus.cases.selectors import cases_visible_to
from gugus.core.errors import NotFound, PermissionDenied
from gugus.watch import access
from gugus.watch.connect import index_of
from gugus.watch.models import (
    Alert,
    ContactKind,
    JobPost,
    PostContact,
    ReviewStatus,
    TakedownRequest,
)

QUEUE_LEVELS = ("high",)


def _require_view(user) -> None:
    if not access.can_view(user):
        raise PermissionDenied()


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


@dataclass
class PostFilters:
    status: str = "new"
    level: str = "high"
    q: str = ""
    contact: str = ""
    source: str = ""


def posts(user, filters: PostFilters | None = None) -> QuerySet[JobPost]:
    """Posts for the list and the review queue (default: high risk, not yet reviewed), riskiest first."""
    _require_view(user)
    f = filters or PostFilters()
    qs = JobPost.objects.defer("sketch")
    if f.status in ReviewStatus.values:
        qs = qs.filter(status=f.status)
    if f.level in ("high", "medium", "low"):
        qs = qs.filter(level=f.level)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(text__icontains=q) | Q(url__icontains=q) | Q(author__icontains=q))
    if f.contact.strip():
        indexes = [i for kind in ContactKind.values if (i := index_of(kind, f.contact))]
        qs = qs.filter(pk__in=PostContact.objects.filter(index__in=indexes).values("post_id"))
    return qs.order_by("-risk", "-id")


def get_post(user, pk) -> JobPost:
    _require_view(user)
    post = JobPost.objects.filter(pk=_pk(pk)).first()
    if post is None:
        raise NotFound()
    return post


def group_of(post: JobPost, *, limit: int = 50) -> list[JobPost]:
    """The other posts of the post's repost group, oldest first."""
    return list(JobPost.objects.filter(group_key=post.group_key).exclude(pk=post.pk).defer("sketch")
                .order_by("first_seen_at", "id")[:limit])


def group_sizes(post_list) -> dict[str, int]:
    keys = {p.group_key for p in post_list}
    rows = JobPost.objects.filter(group_key__in=keys).values("group_key").annotate(n=Count("id"))
    return {r["group_key"]: r["n"] for r in rows}


def contacts_of(post: JobPost) -> list[PostContact]:
    return list(post.contacts.order_by("kind", "id"))


def linked_posts(post: JobPost, *, limit: int = 50) -> list[tuple[JobPost, list[str]]]:
    """Other posts sharing a phone number or bank account with ``post``, with the shared kinds."""
    mine = list(post.contacts.values_list("kind", "index"))
    if not mine:
        return []
    shared: dict[int, set[str]] = {}
    rows = (PostContact.objects.filter(index__in=[i for _k, i in mine]).exclude(post_id=post.pk)
            .values_list("post_id", "kind")[: limit * 4])
    for post_id, kind in rows:
        shared.setdefault(post_id, set()).add(kind)
    others = JobPost.objects.filter(pk__in=list(shared)[:limit]).defer("sketch").order_by("-risk", "-id")
    return [(p, sorted(shared[p.pk])) for p in others]


@dataclass
class CaseMatch:
    case: Case
    kind: str  # phone / bank_account
    role: str  # participant role
    role_label: str
    perpetrator_roles: list[str]


def case_matches(user, post: JobPost, *, record: bool = True) -> list[CaseMatch]:
    """Cases the user may see in which a person carries one of the post's phones or bank accounts.

    Starts from ``cases_visible_to(user)``: a case outside the user's scope is never mentioned. Showing
    matches names cases and roles, so the read is recorded in the audit log.
    """
    visible = cases_visible_to(user)
    contacts = list(post.contacts.values_list("kind", "index"))
    if not contacts:
        return []
    q = Q()
    for kind, index in contacts:
        q |= Q(kind=kind, index=index)
    matched = {(pid, kind) for pid, kind in PersonIdentifier.objects.filter(q).values_list("person_id", "kind")}
    if not matched:
        return []
    kinds: dict[int, set[str]] = {}
    for pid, kind in matched:
        kinds.setdefault(pid, set()).add(kind)
    participants = (Participant.objects.filter(person_id__in=list(kinds), case__in=visible.values("pk"))
                    .select_related("case").order_by("case__reference", "role"))
    out = []
    for p in participants:
        for kind in sorted(kinds[p.person_id]):
            out.append(CaseMatch(case=p.case, kind=kind, role=p.role, role_label=p.get_role_display(),
                                 perpetrator_roles=list(p.perpetrator_roles or [])))
    if out and record:
        record_event(actor=user, action="watch.case_match_view", object_type=JobPost.OBJECT_TYPE,
                     object_id=post.pk, data={"cases": sorted({m.case.pk for m in out})})
    return out


def matched_posts(user, *, limit: int = 200) -> list[tuple[JobPost, list[Case]]]:
    """Posts whose contacts belong to persons in cases the user may see (for investigators)."""
    visible = cases_visible_to(user)
    person_ids = Participant.objects.filter(case__in=visible.values("pk")).values("person_id")
    idents = PersonIdentifier.objects.filter(person_id__in=person_ids,
                                             kind__in=ContactKind.values).values_list("kind", "index", "person_id")
    by_key: dict[tuple[str, str], set[int]] = {}
    for kind, index, pid in idents:
        by_key.setdefault((kind, index), set()).add(pid)
    if not by_key:
        return []
    contacts = PostContact.objects.filter(index__in={i for _k, i in by_key}).values_list("post_id", "kind", "index")
    post_persons: dict[int, set[int]] = {}
    for post_id, kind, index in contacts:
        if (kind, index) in by_key:
            post_persons.setdefault(post_id, set()).update(by_key[(kind, index)])
    if not post_persons:
        return []
    case_of: dict[int, set[int]] = {}
    for pid, cid in Participant.objects.filter(person_id__in={p for s in post_persons.values() for p in s},
                                               case__in=visible.values("pk")).values_list("person_id", "case_id"):
        case_of.setdefault(pid, set()).add(cid)
    cases = {c.pk: c for c in visible.filter(pk__in={c for s in case_of.values() for c in s})}
    out = []
    for post in JobPost.objects.filter(pk__in=list(post_persons)).defer("sketch").order_by("-risk", "-id")[:limit]:
        ids = sorted({c for pid in post_persons[post.pk] for c in case_of.get(pid, ())})
        if ids:
            out.append((post, [cases[c] for c in ids if c in cases]))
    if out:
        record_event(actor=user, action="watch.case_match_list", object_type=JobPost.OBJECT_TYPE,
                     data={"posts": [p.pk for p, _c in out]})
    return out


# --- takedowns and alerts -------------------------------------------------------------------------------

def takedowns(user, *, status: str = "") -> QuerySet[TakedownRequest]:
    _require_view(user)
    qs = TakedownRequest.objects.select_related("post", "agency", "created_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def get_takedown(user, pk) -> TakedownRequest:
    _require_view(user)
    takedown = TakedownRequest.objects.select_related("post", "agency", "created_by").filter(pk=_pk(pk)).first()
    if takedown is None:
        raise NotFound()
    return takedown


def alerts(user, *, open_only: bool = True) -> QuerySet[Alert]:
    _require_view(user)
    qs = Alert.objects.select_related("post", "takedown", "takedown__post", "closed_by")
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def get_alert(user, pk) -> Alert:
    alert = alerts(user, open_only=False).filter(pk=_pk(pk)).first()
    if alert is None:
        raise NotFound()
    return alert


def open_alert_count(user) -> int:
    return alerts(user).count() if access.can_view(user) else 0


# --- reviewer decisions for retraining ------------------------------------------------------------------

def decisions_jsonl(user) -> Iterator[str]:
    """Reviewed posts as JSONL lines for ``gugus watch-train --reviewed`` (text, decision, reason)."""
    if not access.can_review(user):
        raise PermissionDenied()
    return decision_lines()


def decision_lines() -> Iterator[str]:
    """All reviewer decisions as JSONL lines (for the ``gugus watch-decisions`` command; no user check)."""
    qs = (JobPost.objects.exclude(status=ReviewStatus.NEW).order_by("reviewed_at", "id")
          .values_list("pk", "text", "status", "review_reason", "reviewed_at", "url", "rules_version",
                       "model_version"))
    for pk, text, status, reason, at, url, rules_v, model_v in qs.iterator(chunk_size=1000):
        yield json.dumps({"id": pk, "text": text, "decision": status, "reason": reason,
                          "reviewed_at": at.isoformat() if at else None, "url": url,
                          "rules_version": rules_v, "model_version": model_v}, ensure_ascii=False) + "\n"
