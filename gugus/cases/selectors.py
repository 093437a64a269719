"""Scoped reads of persons and cases. Every list, search, export and statistic starts here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from gugus.accounts.scope import access_basis, scoped
from gugus.audit.actions import record_event
from gugus.cases import name_index
from gugus.cases.fields import has_code
from gugus.cases.identifiers import normalise_identifier
from gugus.cases.models import Case, Participant, Person, PersonIdentifier
from gugus.core import crypto
from gugus.core.errors import NotFound
from gugus.linkage.prepare import normalise_name
from gugus.regions.selectors import descendants_q


def cases_visible_to(user) -> QuerySet[Case]:
    return scoped(Case.objects.select_related("owner_agency"), user, object_type=Case.OBJECT_TYPE,
                  capability="person.view")


def persons_visible_to(user) -> QuerySet[Person]:
    """Persons in the user's scope, and anyone taking part in a case the user may see."""
    base = Person.objects.select_related("origin_region", "owner_agency", "nationality")
    own = scoped(base, user, object_type=Person.OBJECT_TYPE, capability="person.view")
    if not user.can("person.view") or user.jurisdiction == "":
        return own
    via_cases = Participant.objects.filter(case__in=cases_visible_to(user).values("pk")).values("person_id")
    return base.filter(Q(pk__in=own.values("pk")) | Q(pk__in=via_cases))


def _search_by_name(qs: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Spelling-tolerant, best match first: word by word through the name index (gugus.cases.name_index),
    else the whole name (a name typed as one word but recorded as two, part of a word)."""
    normalised = normalise_name(query) or query.strip().lower()
    found = name_index.search(qs, normalised)
    return found if found is not None else whole_name_search(qs, normalised)


def whole_name_search(qs: QuerySet[Person], normalised: str) -> QuerySet[Person]:
    """The whole normalised name compared: PostgreSQL trigram word similarity (GIN index), best first;
    elsewhere a substring. (The name search before the word index; now its fallback.)"""
    if connection.vendor == "postgresql":
        return (qs.filter(name_normalised__trigram_word_similar=normalised)
                .annotate(similarity=TrigramWordSimilarity(normalised, "name_normalised"))
                .order_by("-similarity", "-id"))
    return qs.filter(name_normalised__contains=normalised).order_by("-id")


def search_persons(user, *, query: str = "", nik: str = "", identifier: str = "") -> QuerySet[Person]:
    qs = persons_visible_to(user)
    if query:
        qs = _search_by_name(qs, query)
    if nik:
        qs = qs.filter(pk__in=_identifier_matches("nik", nik))
    if identifier:
        qs = qs.filter(pk__in=_any_identifier_matches(identifier))
    return qs


def _identifier_matches(kind: str, raw: str):
    value = normalise_identifier(kind, raw)
    index = crypto.blind_index(kind, value) if value else "-"
    return PersonIdentifier.objects.filter(kind=kind, index=index).values("person_id")


def _any_identifier_matches(raw: str):
    indexes = [crypto.blind_index(kind, value) for kind in ("nik", "phone", "passport", "bank_account",
                                                             "social_handle")
               if (value := normalise_identifier(kind, raw))]
    return PersonIdentifier.objects.filter(index__in=indexes).values("person_id")


def get_person(user, pk, *, purpose: str = "view") -> Person:
    """One person for ``user``, with the read recorded. Missing and out-of-scope look the same."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    person = persons_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    _record_read(user, "person", Person.OBJECT_TYPE, person, purpose)
    return person


def _record_read(user, noun: str, object_type: str, obj, purpose: str, **data) -> None:
    grant = access_basis(user, object_type=object_type, object_id=obj.pk, region_code=obj.scope_code,
                         owner_agency_id=obj.owner_agency_id)
    emergency = grant is not None and grant.kind == grant.Kind.BREAK_GLASS
    if grant:
        data["via"] = grant.kind
    record_event(actor=user, action=f"{noun}.{purpose}", object_type=object_type, object_id=obj.pk,
                 break_glass=emergency, reason=grant.reason if emergency else "", data=data)


def record_list_read(user, persons) -> None:
    """A list page shows names: which records were shown, and to whom, is logged as one event."""
    ids = [p.pk for p in persons]
    if ids:
        record_event(actor=user, action="person.list", object_type=Person.OBJECT_TYPE, data={"ids": ids})


def get_case(user, pk, *, purpose: str = "view") -> Case:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    # The participants come with their persons in one query: the case page lists them, the audit names them.
    case = (cases_visible_to(user).filter(pk=pk)
            .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related("person")))
            .first())
    if case is None:
        raise NotFound()
    # The case page shows its participants' names: the read names them too.
    persons = sorted(p.person_id for p in case.participants.all())
    _record_read(user, "case", Case.OBJECT_TYPE, case, purpose, persons=persons)
    return case


@dataclass
class CaseFilters:
    region: str = ""
    status: str = ""
    stage: str = ""
    exploitation_type: str = ""
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    child: bool | None = None
    q: str = ""


def filter_cases(user, filters: CaseFilters) -> QuerySet[Case]:
    qs = cases_visible_to(user)
    if filters.region:
        qs = qs.filter(descendants_q(filters.region, "scope_code"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.stage:
        qs = qs.filter(current_stage=filters.stage)
    if filters.exploitation_type:
        qs = qs.filter(has_code("exploitation_types", filters.exploitation_type))
    if filters.reported_from:
        qs = qs.filter(reported_on__gte=filters.reported_from)
    if filters.reported_to:
        qs = qs.filter(reported_on__lte=filters.reported_to)
    if filters.child is not None:
        qs = qs.filter(has_child_victim=filters.child)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(reference__icontains=q) | Q(police_report_number__icontains=q))
    return qs


def cases_of_person(user, person: Person) -> QuerySet[Participant]:
    """The person's roles in cases the user may see (the rest stay hidden)."""
    return (Participant.objects.filter(person=person, case__in=cases_visible_to(user).values("pk"))
            .select_related("case").order_by("-case__reported_on"))


def case_timeline(case: Case) -> list[dict]:
    """Events, process stages and identifications of a case in date order, for the case page."""
    items = []
    for e in case.events.select_related("region", "country").all():
        items.append({"date": e.date, "kind": "event", "obj": e})
    for s in case.stages.all():
        items.append({"date": s.date, "kind": "stage", "obj": s})
    for i in case.identifications.all():
        items.append({"date": i.assessed_at.date(), "kind": "identification", "obj": i})
    for v in case.verdicts.all():
        items.append({"date": v.date, "kind": "verdict", "obj": v})
    items.append({"date": case.reported_on, "kind": "reported", "obj": case})
    return sorted(items, key=lambda item: (item["date"] or dt.date.min, item["kind"] != "reported"))
