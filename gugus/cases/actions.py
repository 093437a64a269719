"""Every write to persons: validate, write, audit, in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.accounts.scope import region_in_scope
from gugus.audit.actions import record_event
from gugus.cases.identifiers import check_nik
from gugus.cases.models import Person, Sex
from gugus.core import crypto
from gugus.core.errors import Conflict, GugusError, PermissionDenied
from gugus.linkage.prepare import normalise_name
from gugus.regions.models import Country, Region

# Fields a caller may set; the audit entry names changed fields, never their values (they are identities).
PERSON_FIELDS = ("full_name", "sex", "birth_date", "nationality", "origin_region", "nik")


def _resolve(changes: dict) -> dict:
    """Turns codes into rows and checks each value; raises GugusError naming the field."""
    out = dict(changes)
    if "full_name" in out:
        out["full_name"] = " ".join(str(out["full_name"] or "").split())
        if not out["full_name"]:
            raise GugusError(_("Write the person's name (as written in the source)."), field="full_name")
    if "sex" in out and out["sex"] not in Sex.values:
        raise GugusError(_("Unknown sex code."), field="sex")
    if "birth_date" in out and out["birth_date"]:
        value = out["birth_date"]
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise GugusError(_("Write the date as YYYY-MM-DD."), field="birth_date") from None
        if value > dt.date.today():
            raise GugusError(_("The date of birth is in the future."), field="birth_date")
        out["birth_date"] = value
    if "origin_region" in out and isinstance(out["origin_region"], str):
        code = out["origin_region"]
        out["origin_region"] = Region.objects.filter(code=code).first() if code else None
        if code and out["origin_region"] is None:
            raise GugusError(_("Unknown region code: %(code)s.") % {"code": code}, field="origin_region")
    if "nationality" in out and isinstance(out["nationality"], str):
        code = out["nationality"].upper()
        out["nationality"] = Country.objects.filter(code=code).first() if code else None
        if code and out["nationality"] is None:
            raise GugusError(_("Unknown country code: %(code)s.") % {"code": code}, field="nationality")
    return out


def _apply_nik(person: Person, raw: str) -> list[str]:
    if not raw:
        person.nik, person.nik_index = "", ""
        return []
    check = check_nik(raw, birth_date=person.birth_date, sex=person.sex)
    if check.errors:
        raise GugusError(check.errors[0], field="nik")
    person.nik, person.nik_index = check.nik, crypto.blind_index("nik", check.nik)
    return check.warnings


def create_person(*, actor, full_name: str, scope_code: str | None = None, **fields) -> tuple[Person, list[str]]:
    """Creates a person record owned by the actor's agency. Returns it with any NIK warnings."""
    if not actor.can("person.create"):
        raise PermissionDenied()
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _resolve({"full_name": full_name, **fields})
    scope_code = scope_code or actor.agency.region_id or ""
    if scope_code and not Region.objects.filter(code=scope_code).exists():
        raise GugusError(_("Unknown region code: %(code)s.") % {"code": scope_code}, field="scope_code")
    if not region_in_scope(actor, scope_code):
        raise GugusError(_("You can only file records inside your own region."), field="scope_code")
    nik = values.pop("nik", "")
    person = Person(**values, scope_code=scope_code, owner_agency=actor.agency, created_by=actor)
    person.name_normalised = normalise_name(person.full_name) or person.full_name.lower()
    warnings = _apply_nik(person, nik)
    with transaction.atomic():
        person.save()
        record_event(actor=actor, action="person.create", object_type=Person.OBJECT_TYPE, object_id=person.pk,
                     data={"fields": sorted(k for k, v in values.items() if v) + (["nik"] if nik else [])})
    return person, warnings


def update_person(*, actor, person: Person, expected_version: int, **changes) -> tuple[Person, list[str]]:
    """Applies ``changes`` if nobody changed the person since ``expected_version`` was read."""
    if not actor.can("person.edit"):
        raise PermissionDenied()
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _resolve(changes)
    nik = values.pop("nik", None)
    changed = [f for f, v in values.items() if getattr(person, f) != v]
    for field in changed:
        setattr(person, field, values[field])
    warnings: list[str] = []
    if nik is not None and nik != person.nik:
        warnings = _apply_nik(person, nik)
        changed += ["nik", "nik_index"]
    if "full_name" in changed:
        person.name_normalised = normalise_name(person.full_name) or person.full_name.lower()
        changed.append("name_normalised")
    if not changed:
        return person, warnings
    with transaction.atomic():
        # The version check and the write are one UPDATE, so two concurrent editors cannot both win.
        won = Person.objects.filter(pk=person.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **{f: getattr(person, f) for f in changed}
        )
        if not won:
            raise Conflict()
        person.version = expected_version + 1
        record_event(actor=actor, action="person.update", object_type=Person.OBJECT_TYPE, object_id=person.pk,
                     data={"changed": sorted(set(changed) - {"nik_index", "name_normalised"}),
                           "version": person.version})
    return person, warnings


def open_person_in_emergency(*, actor, person_id: int, reason: str):
    """Break the glass on one person record: it must exist; the grant expires; the audit marks it."""
    from gugus.accounts.actions import break_glass
    from gugus.core.errors import NotFound

    if not actor.can("break_glass"):
        raise PermissionDenied()
    if not Person.objects.filter(pk=person_id).exists():
        raise NotFound()
    return break_glass(actor=actor, object_type=Person.OBJECT_TYPE, object_id=person_id, reason=reason)
