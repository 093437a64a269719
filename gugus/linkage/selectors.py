"""Scoped reads of the linkage room.

A candidate pair is visible only when the user may see BOTH persons (`persons_visible_to`); a pair with one
side out of scope is not listed and its page answers 404, like a missing id. A cluster shows only its
members, and their cases, that the user may see.
"""

from __future__ import annotations

from django.db.models import QuerySet

from gugus.audit.actions import record_event
from gugus.cases.models import Participant, Person
from gugus.cases.selectors import cases_visible_to, persons_visible_to
from gugus.core.errors import NotFound
from gugus.linkage import access
from gugus.linkage.models import CandidateStatus, ClusterMember, MatchCandidate


def candidates_visible_to(user) -> QuerySet[MatchCandidate]:
    """Pairs whose two persons the user may both see (none without ``linkage.review``)."""
    if not access.can_review(user):
        return MatchCandidate.objects.none()
    visible = persons_visible_to(user).values("pk")
    return (MatchCandidate.objects.filter(person_a__in=visible, person_b__in=visible)
            .select_related("person_a__owner_agency", "person_a__origin_region",
                            "person_b__owner_agency", "person_b__origin_region", "decided_by"))


def review_queue(user, *, status: str = CandidateStatus.PENDING) -> QuerySet[MatchCandidate]:
    qs = candidates_visible_to(user)
    return qs.filter(status=status) if status else qs


def get_candidate(user, pk) -> MatchCandidate:
    """One pair for ``user``, the read audited. Missing and not allowed look the same."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    candidate = candidates_visible_to(user).filter(pk=pk).first()
    if candidate is None:
        raise NotFound()
    record_event(actor=user, action="linkage.view", object_type=MatchCandidate.OBJECT_TYPE, object_id=pk,
                 data={"persons": [candidate.person_a_id, candidate.person_b_id]})
    return candidate


def cluster_person_ids(person: Person) -> list[int]:
    """Ids of every record in ``person``'s cluster (just the person when unlinked). Not scoped: callers
    filter by what the user may see."""
    cluster_id = ClusterMember.objects.filter(person=person).values_list("cluster_id", flat=True).first()
    if cluster_id is None:
        return [person.pk]
    return list(ClusterMember.objects.filter(cluster_id=cluster_id).values_list("person_id", flat=True))


def cluster_members(user, person: Person) -> QuerySet[Person]:
    """The records of ``person``'s cluster that ``user`` may see (the person included)."""
    return persons_visible_to(user).filter(pk__in=cluster_person_ids(person)).order_by("pk")


def cluster_cases(user, person: Person) -> QuerySet[Participant]:
    """Participant rows of every record in ``person``'s cluster, in cases the user may see."""
    return (Participant.objects.filter(person_id__in=cluster_person_ids(person),
                                       case__in=cases_visible_to(user).values("pk"))
            .select_related("case", "case__owner_agency", "person")
            .order_by("-case__reported_on", "pk"))


_FIELD_LABELS = {"name": "Name", "nik": "NIK", "dob": "Date of birth", "sex": "Sex", "origin": "Region of origin",
                 "phone": "Phone", "passport": "Passport"}


def _shown(person: Person, field: str) -> str:
    if field == "name":
        return person.full_name
    if field == "dob":
        return person.birth_date.isoformat() if person.birth_date else ""
    if field == "sex":
        return str(person.get_sex_display())
    if field == "origin":
        return f"{person.origin_region} ({person.origin_region_id})" if person.origin_region_id else ""
    return ", ".join(i.value for i in person.identifiers.all() if i.kind == field)


def side_by_side(candidate: MatchCandidate) -> list[dict]:
    """The evidence of a pair, one row per compared field: both records' values (for a user already shown to
    see both), the comparison level reached, agreement and its match weight."""
    from django.utils.translation import gettext

    rows = []
    for item in candidate.evidence:
        field = item["field"]
        rows.append({**item, "label": gettext(_FIELD_LABELS.get(field, field)),
                     "a": _shown(candidate.person_a, field), "b": _shown(candidate.person_b, field)})
    return rows
