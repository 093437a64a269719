"""Writes of the linkage room: storing candidates, confirming, rejecting, unmerging. Each audited.

A confirmed match puts both person records in one `PersonCluster`; no agency's `Person` row is edited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.audit.actions import record_event
from gugus.cases.models import Person
from gugus.core.errors import GugusError, PermissionDenied
from gugus.linkage import access
from gugus.linkage.models import CandidateStatus, ClusterMember, MatchCandidate, PersonCluster

MIN_REASON = 5


def _require_reviewer(actor) -> None:
    if not access.can_review(actor):
        raise PermissionDenied()


def store_candidates(*, pairs: Iterable, model_version: str, trigger: Person | None = None,
                     actor=None, chunk: int = 1000) -> list[MatchCandidate]:
    """Store scored pairs (`incremental.ScoredPair`) as candidates. A pending pair gets the new score; a
    decided pair, and a pair already in one cluster, is left as it is. Written in bulk, ``chunk`` pairs at a
    time; one audit event for the run."""
    pairs = list(pairs)
    if not pairs:
        return []
    stored: list[MatchCandidate] = []
    fields = ["match_probability", "match_weight", "evidence", "model_version", "updated_at"]
    with transaction.atomic():
        for start in range(0, len(pairs), chunk):
            part = {tuple(sorted((p.id_a, p.id_b))): p for p in pairs[start:start + chunk]}
            ids = {i for key in part for i in key}
            cluster_of = dict(ClusterMember.objects.filter(person_id__in=ids).values_list("person_id", "cluster_id"))
            existing = {(c.person_a_id, c.person_b_id): c for c in MatchCandidate.objects.select_for_update()
                        .filter(person_a_id__in={a for a, _ in part}, person_b_id__in={b for _, b in part})}
            new, changed = [], []
            now = timezone.now()
            for (a, b), p in part.items():
                if cluster_of.get(a) is not None and cluster_of.get(a) == cluster_of.get(b):
                    continue
                values = {"match_probability": p.match_probability, "match_weight": p.match_weight,
                          "evidence": p.evidence, "model_version": model_version}
                row = existing.get((a, b))
                if row is None:
                    new.append(MatchCandidate(person_a_id=a, person_b_id=b, **values))
                elif row.status == CandidateStatus.PENDING:
                    for k, v in values.items():
                        setattr(row, k, v)
                    row.updated_at = now
                    changed.append(row)
            MatchCandidate.objects.bulk_update(changed, fields)
            created = MatchCandidate.objects.bulk_create(new)
            if created and created[0].pk is None:  # a backend that does not return ids
                created = list(MatchCandidate.objects.filter(
                    person_a_id__in={c.person_a_id for c in new}, person_b_id__in={c.person_b_id for c in new},
                    status=CandidateStatus.PENDING).exclude(pk__in=[c.pk for c in changed]))
            stored += changed + created
        record_event(actor=actor, action="linkage.match",
                     object_type=Person.OBJECT_TYPE if trigger else MatchCandidate.OBJECT_TYPE,
                     object_id=trigger.pk if trigger else "",
                     # A registry run may store millions: the ids are listed up to 1,000, the count always.
                     data={"candidates": sorted(c.pk for c in stored)[:1000], "count": len(stored),
                           "model": model_version})
    return stored


def _decide(actor, candidate: MatchCandidate, status: str, reason: str) -> None:
    if candidate.status != CandidateStatus.PENDING:
        raise GugusError(_("This pair has already been decided."), code="decided")
    candidate.status = status
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.reason = reason.strip()
    candidate.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])


def confirm_match(*, actor, candidate: MatchCandidate, reason: str = "") -> PersonCluster:
    """The two records are one person: put them in one cluster (joining existing clusters)."""
    _require_reviewer(actor)
    with transaction.atomic():
        candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        _decide(actor, candidate, CandidateStatus.CONFIRMED, reason)
        members = {m.person_id: m for m in ClusterMember.objects.select_for_update()
                   .filter(person_id__in=[candidate.person_a_id, candidate.person_b_id])}
        clusters = sorted({m.cluster_id for m in members.values()})
        if clusters:
            cluster = PersonCluster.objects.get(pk=clusters[0])
            # Two clusters meet: the later one's members move into the earlier one.
            for other in clusters[1:]:
                ClusterMember.objects.filter(cluster_id=other).update(cluster=cluster)
                PersonCluster.objects.filter(pk=other).delete()
        else:
            cluster = PersonCluster.objects.create(created_by=actor)
        for person_id in (candidate.person_a_id, candidate.person_b_id):
            if person_id not in members:
                ClusterMember.objects.create(cluster=cluster, person_id=person_id, added_by=actor, via=candidate)
        record_event(actor=actor, action="linkage.confirm", object_type=MatchCandidate.OBJECT_TYPE,
                     object_id=candidate.pk, reason=candidate.reason,
                     data={"persons": [candidate.person_a_id, candidate.person_b_id], "cluster": cluster.pk,
                           "merged_clusters": clusters[1:], "match_probability": candidate.match_probability})
    return cluster


def reject_match(*, actor, candidate: MatchCandidate, reason: str = "") -> MatchCandidate:
    """The two records are different persons; the pair leaves the queue and is not proposed again."""
    _require_reviewer(actor)
    with transaction.atomic():
        candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        _decide(actor, candidate, CandidateStatus.REJECTED, reason)
        record_event(actor=actor, action="linkage.reject", object_type=MatchCandidate.OBJECT_TYPE,
                     object_id=candidate.pk, reason=candidate.reason,
                     data={"persons": [candidate.person_a_id, candidate.person_b_id]})
    return candidate


def unmerge_person(*, actor, person: Person, reason: str) -> None:
    """Take ``person`` out of its cluster. Confirmed pairs that joined it are marked unmerged (they are not
    proposed again); a cluster left with one record is dissolved. The reason is required and audited."""
    _require_reviewer(actor)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise GugusError(_("Say why these records are not the same person."), field="reason")
    with transaction.atomic():
        member = ClusterMember.objects.select_for_update().filter(person=person).first()
        if member is None:
            raise GugusError(_("This record is not linked to any other."), code="not_linked")
        cluster_id = member.cluster_id
        member.delete()
        pairs = MatchCandidate.objects.filter(status=CandidateStatus.CONFIRMED).filter(
            person_a=person) | MatchCandidate.objects.filter(status=CandidateStatus.CONFIRMED, person_b=person)
        unmerged = list(pairs.values_list("pk", flat=True))
        MatchCandidate.objects.filter(pk__in=unmerged).update(status=CandidateStatus.UNMERGED,
                                                              updated_at=timezone.now())
        left = list(ClusterMember.objects.filter(cluster_id=cluster_id).values_list("person_id", flat=True))
        dissolved = len(left) < 2
        if dissolved:
            PersonCluster.objects.filter(pk=cluster_id).delete()
        record_event(actor=actor, action="linkage.unmerge", object_type=Person.OBJECT_TYPE, object_id=person.pk,
                     reason=reason, data={"cluster": cluster_id, "remaining": [] if dissolved else left,
                                          "dissolved": dissolved, "pairs": unmerged})
