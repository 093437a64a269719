"""Every write to persons and cases: validate, write, audit, in one transaction.

The audit entry names what changed, never the values of identities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gugus.accounts.scope import region_in_scope
from gugus.audit.actions import record_event
from gugus.cases import identification as idn
from gugus.cases import name_index
from gugus.cases import stages as stage_rules
from gugus.cases.identifiers import check_nik, normalise_identifier
from gugus.cases.models import (
    REFERENCE_PREFIX,
    Case,
    CaseKind,
    CaseOrganisation,
    ChargedArticle,
    DatePrecision,
    Identification,
    IdentifierKind,
    Participant,
    ParticipantRole,
    Person,
    PersonIdentifier,
    Sex,
    StageEntry,
    TraffickingEvent,
    Verdict,
)
from gugus.cases.vocabularies import UnknownCodeError, vocabulary
from gugus.core import crypto
from gugus.core.errors import Conflict, GugusError, NotFound, PermissionDenied
from gugus.linkage.incremental import match_after_commit
from gugus.linkage.prepare import normalise_name, phonetic_key
from gugus.regions.models import Country, Region
from gugus.regions.selectors import country_or_error, region_or_error

PERSON_FIELDS = ("full_name", "sex", "birth_date", "nationality", "origin_region", "estimated_age")
IDENTIFIER_FIELDS = tuple(IdentifierKind.values)
CASE_FIELDS = ("summary", "reported_on", "police_report_number", "other_reference", "status")
CHILD_AGE = 18


def _figures_changed(*cases: Case) -> None:
    """The statistics summary is refreshed for these cases after the commit (gugus.stats)."""
    from gugus.stats.actions import refresh_after_commit

    refresh_after_commit(*cases)


def _require(actor, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied()


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


# --- value checks -------------------------------------------------------------------------------------------

def _date(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise GugusError(_("Write the date as YYYY-MM-DD."), field=field) from None
    if value > timezone.localdate():
        raise GugusError(_("This date is in the future."), field=field)
    return value


def _region(code, field: str) -> Region | None:
    return region_or_error(code, field=field)


def _country(code, field: str) -> Country | None:
    return country_or_error(code, field=field)


def _codes(name: str, values, field: str, *, multiple: bool = False):
    """Validates vocabulary codes; returns a list (multiple) or one code or ""."""
    codes = [v for v in ([values] if isinstance(values, str) else list(values or [])) if v]
    try:
        vocabulary(name).validate(codes)
    except UnknownCodeError as exc:
        raise GugusError(_("Unknown value: %(codes)s.") % {"codes": ", ".join(exc.codes)}, field=field) from None
    if multiple:
        return codes
    if len(codes) > 1:
        raise GugusError(_("Choose one value."), field=field)
    return codes[0] if codes else ""


def _person_values(changes: dict) -> dict:
    out = dict(changes)
    if "full_name" in out:
        out["full_name"] = " ".join(str(out["full_name"] or "").split())
        if not out["full_name"]:
            raise GugusError(_("Write the person's name (as written in the source)."), field="full_name")
    if "sex" in out:
        out["sex"] = out["sex"] or Sex.UNKNOWN
        if out["sex"] not in Sex.values:
            raise GugusError(_("Unknown sex code."), field="sex")
    if "birth_date" in out:
        out["birth_date"] = _date(out["birth_date"], "birth_date")
    if "origin_region" in out:
        out["origin_region"] = _region(out["origin_region"], "origin_region")
    if "nationality" in out:
        out["nationality"] = _country(out["nationality"], "nationality")
    if "estimated_age" in out:
        age = out["estimated_age"]
        if age in ("", None):
            out["estimated_age"] = None
        elif not (0 <= int(age) <= 120):
            raise GugusError(_("An age between 0 and 120."), field="estimated_age")
        else:
            out["estimated_age"] = int(age)
    return out


def _set_name(person: Person) -> None:
    person.name_normalised = normalise_name(person.full_name) or person.full_name.lower()
    keys = (phonetic_key(person.name_normalised) or "").lower().replace(".", "").split()
    person.name_phonetic = f" {' '.join(keys)} " if keys else ""


def _identifier_rows(person: Person, identifiers: dict[str, Iterable[str] | str]) -> tuple[list, list[str]]:
    """Checked, encrypted identifier rows for ``person``, and the NIK warnings."""
    rows, warnings = [], []
    for kind, values in identifiers.items():
        if kind not in IDENTIFIER_FIELDS:
            raise GugusError(f"Unknown identifier kind {kind!r}")
        for raw in [values] if isinstance(values, str) else list(values or []):
            if not (raw or "").strip():
                continue
            if kind == IdentifierKind.NIK:
                check = check_nik(raw, birth_date=person.birth_date, sex=person.sex)
                if check.errors:
                    raise GugusError(check.errors[0], field="nik")
                warnings += check.warnings
            value = normalise_identifier(kind, raw)
            if value is None:
                raise GugusError(_("This is not a valid %(kind)s.") % {"kind": IdentifierKind(kind).label},
                                 field=kind)
            rows.append(PersonIdentifier(person=person, kind=kind, value=value,
                                         index=crypto.blind_index(kind, value)))
    return rows, warnings


# --- persons ------------------------------------------------------------------------------------------------

def create_person(*, actor, full_name: str, scope_code: str | None = None, **fields) -> tuple[Person, list[str]]:
    """Creates a person record owned by the actor's agency. Returns it with any NIK warnings.

    Identifiers are passed by kind: ``nik="…"``, ``phone=["…", "…"]``, ``passport=…``.
    """
    _require(actor, "person.create")
    identifiers = {k: fields.pop(k) for k in list(fields) if k in IDENTIFIER_FIELDS}
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _person_values({"full_name": full_name, **fields})
    if values.get("estimated_age") is not None:
        values["estimated_age_on"] = timezone.localdate()
    scope_code = _scope_for(actor, scope_code)
    person = Person(**values, scope_code=scope_code, owner_agency=actor.agency, created_by=actor)
    _set_name(person)
    rows, warnings = _identifier_rows(person, identifiers)
    with transaction.atomic():
        person.save()
        name_index.index_names([person], new=True)
        PersonIdentifier.objects.bulk_create(_dedupe(rows))
        record_event(actor=actor, action="person.create", object_type=Person.OBJECT_TYPE, object_id=person.pk,
                     data={"fields": sorted(k for k, v in values.items() if v) + sorted({r.kind for r in rows})})
        # Other agencies' records of the same person are looked for after the commit (gugus.linkage); a
        # failure there is logged and never fails the recording.
        match_after_commit(person)
    return person, warnings


def _dedupe(rows: list[PersonIdentifier]) -> list[PersonIdentifier]:
    seen, out = set(), []
    for row in rows:
        if (row.kind, row.index) not in seen:
            seen.add((row.kind, row.index))
            out.append(row)
    return out


def _scope_for(actor, scope_code: str | None) -> str:
    scope_code = scope_code or (actor.agency.region_id if actor.agency_id else "") or ""
    if scope_code and not Region.objects.filter(code=scope_code).exists():
        raise GugusError(_("Unknown region code: %(code)s.") % {"code": scope_code}, field="scope_code")
    if not region_in_scope(actor, scope_code):
        raise GugusError(_("You can only file records inside your own region."), field="scope_code")
    return scope_code


def update_person(*, actor, person: Person, expected_version: int, **changes) -> tuple[Person, list[str]]:
    """Applies ``changes`` if nobody changed the person since ``expected_version`` was read.

    An identifier kind given here replaces that kind's identifiers (an empty value removes them).
    """
    _require(actor, "person.edit")
    identifiers = {k: changes.pop(k) for k in list(changes) if k in IDENTIFIER_FIELDS}
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _person_values(changes)
    changed = [f for f, v in values.items() if getattr(person, f) != v]
    for field in changed:
        setattr(person, field, values[field])
    if "estimated_age" in changed:
        person.estimated_age_on = timezone.localdate() if person.estimated_age is not None else None
        changed.append("estimated_age_on")
    rows, warnings = _identifier_rows(person, identifiers)
    current = {(i.kind, i.index) for i in person.identifiers.all()}
    replace = [k for k in identifiers if {(r.kind, r.index) for r in rows if r.kind == k}
               != {c for c in current if c[0] == k}]
    if "full_name" in changed:
        _set_name(person)
        changed += ["name_normalised", "name_phonetic"]
    if not changed and not replace:
        return person, warnings
    with transaction.atomic():
        # The version check and the write are one UPDATE, so two concurrent editors cannot both win.
        won = Person.objects.filter(pk=person.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **{f: getattr(person, f) for f in changed}
        )
        if not won:
            raise Conflict()
        if "full_name" in changed:
            name_index.index_names([person])
        if replace:
            PersonIdentifier.objects.filter(person=person, kind__in=replace).delete()
            PersonIdentifier.objects.bulk_create(_dedupe([r for r in rows if r.kind in replace]))
        person.version = expected_version + 1
        from gugus.stats.actions import refresh_person_after_commit

        refresh_person_after_commit(person)
        record_event(actor=actor, action="person.update", object_type=Person.OBJECT_TYPE, object_id=person.pk,
                     data={"changed": sorted(set(changed) - {"name_normalised", "name_phonetic", "estimated_age_on"})
                           + sorted(replace), "version": person.version})
    return person, warnings


def open_person_in_emergency(*, actor, person_id: int, reason: str):
    """Break the glass on one person record: it must exist; the grant expires; the audit marks it."""
    from gugus.accounts.actions import break_glass

    _require(actor, "break_glass")
    if not Person.objects.filter(pk=person_id).exists():
        raise NotFound()
    return break_glass(actor=actor, object_type=Person.OBJECT_TYPE, object_id=person_id, reason=reason)


# --- cases --------------------------------------------------------------------------------------------------

def _next_reference(scope_code: str, year: int, kind: str = CaseKind.TRAFFICKING) -> str:
    prefix = f"{REFERENCE_PREFIX[kind]}/{scope_code or 'NAS'}/{year}/"
    count = Case.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


def create_case(*, actor, reported_on, summary: str = "", police_report_number: str = "",
                other_reference: str = "", status: str = "Active", scope_code: str | None = None,
                intake_key: str | None = None, kind: str = CaseKind.TRAFFICKING) -> Case:
    """Opens a case owned by the actor's agency. A repeated ``intake_key`` returns the first case."""
    _require(actor, "person.create")
    if kind not in CaseKind.values:
        raise GugusError(_("Unknown case type."), field="kind")
    if intake_key:
        existing = Case.objects.filter(intake_key=intake_key, owner_agency=actor.agency).first()
        if existing:
            return existing
    reported = _date(reported_on, "reported_on")
    if reported is None:
        raise GugusError(_("When was the case reported?"), field="reported_on")
    status = _codes("case_status", status, "status") or "Active"
    scope_code = _scope_for(actor, scope_code)
    with transaction.atomic():
        for _attempt in range(5):  # the reference counter can race; the unique constraint decides
            case = Case(reference=_next_reference(scope_code, reported.year, kind), kind=kind,
                        summary=summary.strip(),
                        reported_on=reported, police_report_number=police_report_number.strip(),
                        other_reference=other_reference.strip(), status=status, scope_code=scope_code,
                        owner_agency=actor.agency, created_by=actor, intake_key=intake_key or None)
            try:
                with transaction.atomic():
                    case.save()
                break
            except IntegrityError:
                if intake_key and Case.objects.filter(intake_key=intake_key).exists():
                    return Case.objects.get(intake_key=intake_key)
        else:
            raise GugusError(_("Could not number the case; try again."))
        record_event(actor=actor, action="case.create", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"reference": case.reference, "scope": scope_code, "kind": kind})
        _figures_changed(case)
    return case


def reclassify_case(*, actor, case: Case, kind: str, reason: str, identification: Identification | None = None,
                    expected_version: int | None = None) -> Case:
    """Changes a case's type (e.g. a troubled migrant worker's case becomes TPPO once identification says
    so). Everything recorded on the case — people, events, services, stages — stays; the reference stays too."""
    _require(actor, "person.edit")
    if kind not in CaseKind.values:
        raise GugusError(_("Unknown case type."), field="kind")
    if kind == case.kind:
        return case
    if not (reason or "").strip():
        raise GugusError(_("Say why the case type changes."), field="reason")
    if identification is not None and identification.case_id != case.pk:
        raise GugusError(_("Choose an identification of this case."), field="identification")
    version = case.version if expected_version is None else expected_version
    with transaction.atomic():
        won = Case.objects.filter(pk=case.pk, version=version).update(
            kind=kind, version=F("version") + 1, updated_at=timezone.now())
        if not won:
            raise Conflict()
        previous, case.kind, case.version = case.kind, kind, version + 1
        _figures_changed(case)
        record_event(actor=actor, action="case.reclassify", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     reason=reason.strip(), data={"from": previous, "to": kind,
                                                  "identification": identification.pk if identification else None})
    return case


CLOSED_STATUSES = frozenset({"Closed", "ClosedReferred"})


def update_case(*, actor, case: Case, expected_version: int, closure_approved: bool = False, **changes) -> Case:
    """Edits a case's details. Closing or reopening it needs a supervisor's approval, which only
    gugus.care.actions.decide_closure gives (``closure_approved=True``)."""
    _require(actor, "person.edit")
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    if "reported_on" in changes:
        changes["reported_on"] = _date(changes["reported_on"], "reported_on")
        if changes["reported_on"] is None:
            raise GugusError(_("When was the case reported?"), field="reported_on")
        _check_stage_dates(case, list(case.stages.all()), report_date=changes["reported_on"])
    if "status" in changes:
        changes["status"] = _codes("case_status", changes["status"], "status") or "Active"
        closing_or_reopening = (changes["status"] in CLOSED_STATUSES) != (case.status in CLOSED_STATUSES)
        if closing_or_reopening and not closure_approved:
            raise GugusError(_("Closing or reopening a case needs a supervisor's approval: request it on the "
                               "case's services page."), field="status")
    changed = {f: v for f, v in changes.items() if getattr(case, f) != v}
    if not changed:
        return case
    with transaction.atomic():
        won = Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **changed)
        if not won:
            raise Conflict()
        for field, value in changed.items():
            setattr(case, field, value)
        case.version = expected_version + 1
        record_event(actor=actor, action="case.update", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"changed": sorted(changed), "version": case.version})
        _figures_changed(case)
    return case


def _touch(case: Case, **denormalised) -> None:
    """Bumps the case's version (and refreshes denormalised columns and the figures) after a change to its
    parts."""
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1, updated_at=timezone.now(), **denormalised)
    _figures_changed(case)
    case.version += 1
    for field, value in denormalised.items():
        setattr(case, field, value)


def _first_event_date(case: Case) -> dt.date | None:
    return case.events.exclude(date=None).order_by("date").values_list("date", flat=True).first()


def _age_at_events(person: Person, case: Case) -> int | None:
    return person.age_on(_first_event_date(case) or case.reported_on)


def add_participant(*, actor, case: Case, person: Person, role: str, trafficking_status: str = "",
                    status_decided_by: str = "", relationship_to_trafficker: str = "",
                    perpetrator_roles: Iterable[str] = (), age_at_events: int | None = None,
                    note: str = "") -> Participant:
    _require(actor, "person.edit")
    if role not in ParticipantRole.values:
        raise GugusError(_("Unknown role."), field="role")
    participant = Participant(
        case=case, person=person, role=role, note=note.strip(),
        trafficking_status=_codes("trafficking_status", trafficking_status, "trafficking_status"),
        status_decided_by=_codes("trafficking_status_decision_org", status_decided_by, "status_decided_by"),
        relationship_to_trafficker=_codes("relationship_to_trafficker", relationship_to_trafficker,
                                          "relationship_to_trafficker"),
        perpetrator_roles=_codes("perpetrator_roles", perpetrator_roles, "perpetrator_roles", multiple=True),
    )
    if role == ParticipantRole.VICTIM:
        participant.age_at_events = age_at_events if age_at_events is not None else _age_at_events(person, case)
        participant.is_child = participant.age_at_events is not None and participant.age_at_events < CHILD_AGE
        participant.trafficking_status = participant.trafficking_status or "PossibleVictimOfTrafficking"
    with transaction.atomic():
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            raise GugusError(_("This person already has this role in the case."), field="person") from None
        _touch(case, has_child_victim=case.has_child_victim or participant.is_child)
        record_event(actor=actor, action="case.participant_add", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"participant": participant.pk, "person": person.pk, "role": role})
    return participant


def add_organisation(*, actor, case: Case, name: str, kind: str, licence_number: str = "",
                     country: str | None = None, involvement: str = "") -> CaseOrganisation:
    _require(actor, "person.edit")
    if not name.strip():
        raise GugusError(_("Write the organisation's name."), field="name")
    org = CaseOrganisation(case=case, name=name.strip(), kind=_codes("organisation_types", kind, "kind"),
                           licence_number=licence_number.strip(), country=_country(country, "country"),
                           involvement=involvement.strip())
    with transaction.atomic():
        org.save()
        _touch(case)
        record_event(actor=actor, action="case.organisation_add", object_type=Case.OBJECT_TYPE,
                     object_id=case.pk, data={"organisation": org.pk, "kind": org.kind})
    return org


def parse_partial_date(value) -> tuple[dt.date | None, str]:
    """"2023", "2023-05" or "2023-05-17" → (first day, precision)."""
    if value in (None, ""):
        return None, DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    text = str(value).strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 1, 1), DatePrecision.YEAR
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1), DatePrecision.MONTH
        return dt.date.fromisoformat(text), DatePrecision.DAY
    except ValueError:
        raise GugusError(_("Write the date as YYYY, YYYY-MM or YYYY-MM-DD."), field="date") from None


def add_event(*, actor, case: Case, event_type: str, date=None, region: str | None = None,
              country: str | None = None, city: str = "", victim: Participant | None = None,
              methods_of_control: Iterable[str] = (), exploitation_types: Iterable[str] = (), industry: str = "",
              recruitment_method: str = "", recruitment_platform: str = "", url: str = "",
              note: str = "") -> TraffickingEvent:
    """Recruitment, transit or exploitation, in an Indonesian region or abroad (country and city)."""
    _require(actor, "person.edit")
    day, precision = parse_partial_date(date)
    if day and day > timezone.localdate():
        raise GugusError(_("This date is in the future."), field="date")
    region_row, country_row = _region(region, "region"), _country(country, "country")
    if region_row and country_row and country_row.code != "ID":
        raise GugusError(_("A place is either in Indonesia (region) or abroad (country), not both."),
                         field="country")
    if victim is not None and (victim.case_id != case.pk or victim.role != ParticipantRole.VICTIM):
        raise GugusError(_("Choose a victim of this case."), field="victim")
    event = TraffickingEvent(
        case=case, victim=victim, event_type=_codes("trafficking_event_types", event_type, "event_type"),
        date=day, date_precision=precision, region=region_row, country=country_row, city=city.strip(),
        methods_of_control=_codes("methods_of_control", methods_of_control, "methods_of_control", multiple=True),
        exploitation_types=_codes("exploitation_types", exploitation_types, "exploitation_types", multiple=True),
        industry=_codes("forced_labour_industry", industry, "industry"),
        recruitment_method=_codes("recruitment_methods", recruitment_method, "recruitment_method"),
        recruitment_platform=_codes("recruitment_platforms", recruitment_platform, "recruitment_platform"),
        url=url.strip(), note=note.strip(),
    )
    if not event.event_type:
        raise GugusError(_("Choose the kind of event."), field="event_type")
    with transaction.atomic():
        event.save()
        types = sorted(set(case.exploitation_types) | set(event.exploitation_types))
        _touch(case, exploitation_types=types)
        _refresh_child_flags(case)
        record_event(actor=actor, action="case.event_add", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"event": event.pk, "type": event.event_type})
    return event


def _refresh_child_flags(case: Case) -> None:
    """Ages are "at the time of the events": an earlier event date can make a victim a child."""
    any_child = False
    for victim in case.participants.filter(role=ParticipantRole.VICTIM).select_related("person"):
        age = _age_at_events(victim.person, case)
        is_child = age is not None and age < CHILD_AGE
        if (age, is_child) != (victim.age_at_events, victim.is_child) and age is not None:
            Participant.objects.filter(pk=victim.pk).update(age_at_events=age, is_child=is_child)
        any_child = any_child or (is_child if age is not None else victim.is_child)
    if any_child != case.has_child_victim:
        Case.objects.filter(pk=case.pk).update(has_child_victim=any_child)
        case.has_child_victim = any_child


def _check_stage_dates(case: Case, history: list, *, report_date: dt.date) -> None:
    problems = stage_rules.check_dates([(s.stage, s.date) for s in history], report_date=report_date,
                                       today=timezone.localdate())
    if problems:
        raise GugusError(problems[0].message(_lang()), field="date")


def record_stage(*, actor, case: Case, stage: str, date, document_number: str = "", note: str = "") -> StageEntry:
    """Moves the case to ``stage``: the move must be allowed from the current stage, and dates must keep
    their order (no verdict before the report)."""
    _require(actor, "process.edit")
    day = _date(date, "date")
    if day is None:
        raise GugusError(_("When did this step happen?"), field="date")
    problems = stage_rules.check_transition(case.current_stage or None, stage)
    if problems:
        raise GugusError(problems[0].message(_lang()), field="stage")
    entry = StageEntry(case=case, stage=stage, date=day, document_number=document_number.strip(),
                       note=note.strip(), recorded_by=actor)
    _check_stage_dates(case, [*case.stages.all(), entry], report_date=case.reported_on)
    with transaction.atomic():
        entry.save()
        _touch(case, current_stage=stage)
        record_event(actor=actor, action="case.stage", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"stage": stage, "date": day.isoformat()})
    return entry


def charge(*, actor, case: Case, article: str, suspect: Participant | None = None) -> ChargedArticle:
    _require(actor, "process.edit")
    if not article.strip():
        raise GugusError(_("Name the article charged."), field="article")
    if suspect is not None and (suspect.case_id != case.pk or suspect.role != ParticipantRole.PERPETRATOR):
        raise GugusError(_("Choose a suspect of this case."), field="suspect")
    with transaction.atomic():
        row = ChargedArticle.objects.create(case=case, suspect=suspect, article=article.strip())
        _touch(case)
        record_event(actor=actor, action="case.charge", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"article": row.article})
    return row


def record_verdict(*, actor, case: Case, defendant: Participant, date, court: str = "",
                   prison_months: int | None = None, fine_rupiah: int | None = None,
                   restitution_ordered_rupiah: int | None = None, restitution_paid_rupiah: int | None = None,
                   final: bool = False) -> Verdict:
    _require(actor, "process.edit")
    if defendant.case_id != case.pk or defendant.role != ParticipantRole.PERPETRATOR:
        raise GugusError(_("Choose a suspect of this case."), field="defendant")
    day = _date(date, "date")
    if day is None or day < case.reported_on:
        raise GugusError(_("A verdict cannot come before the report."), field="date")
    if restitution_paid_rupiah and not restitution_ordered_rupiah:
        raise GugusError(_("Restitution paid without restitution ordered."), field="restitution_paid_rupiah")
    with transaction.atomic():
        verdict = Verdict.objects.create(case=case, defendant=defendant, date=day, court=court.strip(),
                                         prison_months=prison_months, fine_rupiah=fine_rupiah,
                                         restitution_ordered_rupiah=restitution_ordered_rupiah,
                                         restitution_paid_rupiah=restitution_paid_rupiah, final=final)
        _touch(case)
        record_event(actor=actor, action="case.verdict", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"verdict": verdict.pk, "final": final})
    return verdict


def assess_identification(*, actor, case: Case, answers: idn.IdentificationAnswers,
                          victim: Participant | None = None, child_rule: str | None = None) -> Identification:
    """Runs the identification rules on ``answers`` and keeps the result with its rule version."""
    _require(actor, "person.edit")
    if victim is not None and (victim.case_id != case.pk or victim.role != ParticipantRole.VICTIM):
        raise GugusError(_("Choose a victim of this case."), field="victim")
    try:
        assessment = idn.assess(answers, child_rule=child_rule)
    except idn.AnswerError as exc:
        raise GugusError("; ".join(exc.problems)) from None
    with transaction.atomic():
        row = Identification.objects.create(
            case=case, victim=victim, answers=answers.to_dict(), outcome=assessment.outcome,
            result=assessment.to_dict(), rules_version=assessment.rules_version,
            child_rule=assessment.child_rule, assessed_by=actor)
        _touch(case)
        record_event(actor=actor, action="case.identification", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"identification": row.pk, "outcome": row.outcome, "rules": row.rules_version})
    return row
