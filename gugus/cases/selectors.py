"""Scoped reads of persons. Every list, search, export and statistic starts here."""

from __future__ import annotations

from django.db.models import QuerySet

from gugus.accounts.scope import access_basis, scoped
from gugus.audit.actions import record_event
from gugus.cases.models import Person
from gugus.core import crypto
from gugus.core.errors import NotFound
from gugus.linkage.prepare import normalise_name


def persons_visible_to(user) -> QuerySet[Person]:
    return scoped(Person.objects.select_related("origin_region", "owner_agency", "nationality"), user,
                  object_type=Person.OBJECT_TYPE, capability="person.view")


def search_persons(user, *, query: str = "", nik: str = "") -> QuerySet[Person]:
    qs = persons_visible_to(user)
    if query:
        qs = qs.filter(name_normalised__contains=normalise_name(query) or query.strip().lower())
    if nik:
        digits = "".join(ch for ch in nik if ch.isdigit())
        qs = qs.filter(nik_index=crypto.blind_index("nik", digits))
    return qs


def get_person(user, pk, *, purpose: str = "view") -> Person:
    """One person for ``user``, with the read recorded. Missing and out-of-scope look the same."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    person = persons_visible_to(user).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    grant = access_basis(user, object_type=Person.OBJECT_TYPE, object_id=pk, region_code=person.scope_code,
                         owner_agency_id=person.owner_agency_id)
    emergency = grant is not None and grant.kind == grant.Kind.BREAK_GLASS
    record_event(actor=user, action=f"person.{purpose}", object_type=Person.OBJECT_TYPE, object_id=pk,
                 break_glass=emergency, reason=grant.reason if emergency else "",
                 data={"via": grant.kind} if grant else {})
    return person


def record_list_read(user, persons) -> None:
    """A list page shows names: which records were shown, and to whom, is logged as one event."""
    ids = [p.pk for p in persons]
    if ids:
        record_event(actor=user, action="person.list", object_type=Person.OBJECT_TYPE, data={"ids": ids})
