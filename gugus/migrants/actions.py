"""Every write of the migrants room: validate, write, audit, in one transaction. Persons, cases,
participants, events and identifications are written through ``gugus.cases.actions``; services, referrals
and repatriation through ``gugus.care.actions`` — this room adds only its own records.

The audit entries name what changed, never identities or identifier values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.accounts.models import Agency, Level
from gugus.accounts.scope import region_in_scope
from gugus.audit.actions import record_event
from gugus.cases import actions as cases
from gugus.cases import identification as idn
from gugus.cases.identifiers import normalise_identifier
from gugus.cases.models import Case, CaseKind, Person
from gugus.cases.selectors import cases_visible_to, persons_visible_to
from gugus.cases.vocabularies import UnknownCodeError
from gugus.core import crypto
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.migrants import vocab
from gugus.migrants.models import (
    ContactKind,
    DeceasedWorker,
    PlacementRoute,
    PreventedDeparture,
    RecruiterContact,
    Remains,
    RightsClaim,
    TroubledWorker,
)
from gugus.regions.models import Country, Region
from gugus.regions.selectors import country_or_error, region_or_error

MIGRANT_KINDS = (CaseKind.TROUBLED_WORKER, CaseKind.DECEASED_WORKER)
REFERENCE_PREFIX = "PKB"  # penundaan keberangkatan
TROUBLED_FIELDS = ("country", "city", "mission", "employer", "job", "placement_agency", "placement_licence",
                   "route", "problem_types", "note")
DECEASED_FIELDS = ("died_on", "country", "place_of_death", "mission", "cause", "cause_detail", "autopsy_requested",
                   "second_opinion_requested", "documents", "payer", "employer", "placement_agency",
                   "placement_licence", "remains", "family_contact", "home_region", "note")


# --- checks ---------------------------------------------------------------------------------------------------

def _require(actor, capability: str) -> None:
    if actor is None or not actor.can(capability):
        raise PermissionDenied()


def _day(value, field: str, *, required: bool = False) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise GugusError(_("Give the date."), field=field)
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


def _code(name: str, value, field: str, *, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        if required:
            raise GugusError(_("Choose a value."), field=field)
        return ""
    if value not in vocab.vocabulary(name):
        raise GugusError(_("Unknown value: %(codes)s.") % {"codes": value}, field=field)
    return value


def _codes(name: str, values, field: str) -> list[str]:
    codes = [c for c in ([values] if isinstance(values, str) else list(values or [])) if c]
    try:
        vocab.vocabulary(name).validate(codes) if codes else None
    except UnknownCodeError as exc:
        raise GugusError(_("Unknown value: %(codes)s.") % {"codes": ", ".join(exc.codes)}, field=field) from None
    return sorted(set(codes))


def _country(code, field: str, *, required: bool = True) -> Country | None:
    country = country_or_error(code.code if isinstance(code, Country) else code, field=field)
    if country is None and required:
        raise GugusError(_("Choose the country."), field=field)
    if country is not None and country.code == "ID":
        raise GugusError(_("Choose a country abroad."), field=field)
    return country


def _region(code, field: str) -> Region | None:
    return region_or_error(code, field=field)


def _mission(agency, field: str = "mission") -> Agency | None:
    if agency in (None, ""):
        return None
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(pk=agency).first()
    if agency is None or agency.level != Level.ABROAD:
        raise GugusError(_("Choose an Indonesian mission abroad (KBRI/KJRI)."), field=field)
    return agency


def _rupiah(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        amount = int(value)
    except (TypeError, ValueError):
        raise GugusError(_("Write the amount in whole rupiah."), field=field) from None
    if amount < 0:
        raise GugusError(_("An amount cannot be negative."), field=field)
    return amount


def _require_case(actor, case: Case) -> None:
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound()


def _require_departure(actor, departure: PreventedDeparture) -> None:
    from gugus.migrants.selectors import departures_visible_to

    if not departures_visible_to(actor).filter(pk=departure.pk).exists():
        raise NotFound()


def _person(actor, person: Person | None, new_person: dict | None, scope_code: str | None) -> Person:
    """An existing person the actor may see, or a new one through ``cases.actions.create_person``."""
    if person is not None:
        if not persons_visible_to(actor).filter(pk=person.pk).exists():
            raise NotFound()
        return person
    fields = {k: v for k, v in (new_person or {}).items() if v not in (None, "", [])}
    if not (fields.get("full_name") or "").strip():
        raise GugusError(_("Pick a person or write the new person's name."), field="full_name")
    created, _warnings = cases.create_person(actor=actor, scope_code=scope_code, **fields)
    return created


def _split(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.replace(";", ",").replace("\n", ",").split(",")
    return [v.strip() for v in values if v and v.strip()]


def _contact_rows(phones, accounts) -> list[RecruiterContact]:
    rows, seen = [], set()
    for kind, values, field in ((ContactKind.PHONE, phones, "recruiter_phones"),
                                (ContactKind.BANK_ACCOUNT, accounts, "recruiter_accounts")):
        for raw in _split(values):
            value = normalise_identifier(kind, raw)
            if value is None:
                raise GugusError(_("This is not a valid %(kind)s.") % {"kind": ContactKind(kind).label}, field=field)
            index = crypto.blind_index(kind, value)
            if (kind, index) not in seen:
                seen.add((kind, index))
                rows.append(RecruiterContact(kind=kind, value=value, index=index))
    return rows


# --- screening ------------------------------------------------------------------------------------------------

def departure_answers(*, person: Person, occurred_on: dt.date, visa_type: str = "", documents: Iterable[str] = (),
                      process: Iterable[str] = (), means: Iterable[str] = (), purpose: Iterable[str] = (),
                      non_procedural_signs: Iterable[str] = (), ilo_indicators: Iterable[str] = (),
                      organised_group: bool = False) -> idn.IdentificationAnswers:
    """What immigration observed, as the identification engine's answers. The person is leaving Indonesia
    outside the procedure (``non_procedural=True``); the visa adds its sign (data/visa_types.toml); a forged
    document adds "documents falsified"; exploitation was at most intended, since the person was stopped."""
    signs = set(non_procedural_signs or ())
    if sign := vocab.visa_sign(visa_type):
        signs.add(sign)
    if "forged_document" in set(documents or ()):
        signs.add("falsified_documents")
    purpose = set(purpose or ())
    nationality = person.nationality_id
    return idn.IdentificationAnswers(
        process=set(process or ()), means=set(means or ()), purpose=purpose,
        exploitation_occurred=False if purpose else None, ilo_indicators=set(ilo_indicators or ()),
        age_at_events=person.age_on(occurred_on), movement=vocab.rules()["movement"],
        indonesian_citizen=(nationality == "ID") if nationality else None,
        non_procedural=True, non_procedural_signs=signs, organised_group=bool(organised_group))


def _assess(answers: idn.IdentificationAnswers, child_rule: str | None):
    try:
        return idn.assess(answers, child_rule=child_rule or None)
    except idn.AnswerError as exc:
        raise GugusError("; ".join(exc.problems)) from None


def _store_screening(departure: PreventedDeparture, actor, answers: idn.IdentificationAnswers,
                     child_rule: str | None) -> None:
    assessment = _assess(answers, child_rule)
    departure.answers = answers.to_dict()
    departure.outcome = assessment.outcome
    departure.result = assessment.to_dict()
    departure.rules_version = assessment.rules_version
    departure.child_rule = assessment.child_rule
    departure.screened_by = actor
    departure.screened_at = timezone.now()


# --- prevented departures -------------------------------------------------------------------------------------

def _next_reference(scope_code: str, year: int) -> str:
    prefix = f"{REFERENCE_PREFIX}/{scope_code or 'NAS'}/{year}/"
    return f"{prefix}{PreventedDeparture.objects.filter(reference__startswith=prefix).count() + 1:05d}"


def _scope_for(actor, scope_code: str | None) -> str:
    scope_code = scope_code or (actor.agency.region_id if actor.agency_id else "") or ""
    if scope_code and not Region.objects.filter(code=scope_code).exists():
        raise GugusError(_("Unknown region code: %(code)s.") % {"code": scope_code}, field="scope_code")
    if not region_in_scope(actor, scope_code):
        raise GugusError(_("You can only file records inside your own region."), field="scope_code")
    return scope_code


def record_departure(*, actor, occurred_on, exit_point: str, person: Person | None = None,
                     new_person: dict | None = None, exit_point_other: str = "", destination: str | None = None,
                     transit: str = "", visa_type: str = "", stated_job: str = "", stated_employer: str = "",
                     recruiter_name: str = "", agency_name: str = "", agency_licence: str = "",
                     recruiter_phones=(), recruiter_accounts=(), documents: Iterable[str] = (), note: str = "",
                     process: Iterable[str] = (), means: Iterable[str] = (), purpose: Iterable[str] = (),
                     non_procedural_signs: Iterable[str] = (), ilo_indicators: Iterable[str] = (),
                     organised_group: bool = False, child_rule: str | None = None,
                     scope_code: str | None = None) -> PreventedDeparture:
    """Records a departure prevented at a checkpoint and screens the traveller with the identification
    engine. The traveller is picked (``person``) or created (``new_person``: create_person's fields)."""
    _require(actor, "person.create")
    day = _day(occurred_on, "occurred_on", required=True)
    exit_point = _code("exit_points", exit_point, "exit_point", required=True)
    if exit_point == "OTHER" and not exit_point_other.strip():
        raise GugusError(_("Name the checkpoint."), field="exit_point_other")
    country = _country(destination, "destination", required=False)
    visa_type = _code("visa_types", visa_type, "visa_type")
    documents = _codes("travel_documents", documents, "documents")
    contacts = _contact_rows(recruiter_phones, recruiter_accounts)
    scope = _scope_for(actor, scope_code)
    with transaction.atomic():
        traveller = _person(actor, person, new_person, scope or None)
        departure = PreventedDeparture(
            person=traveller, occurred_on=day, exit_point=exit_point, exit_point_other=exit_point_other.strip(),
            exit_region=vocab.exit_point_region(exit_point), destination=country, transit=transit.strip(),
            visa_type=visa_type, stated_job=stated_job.strip(), stated_employer=stated_employer.strip(),
            recruiter_name=" ".join(recruiter_name.split()), agency_name=" ".join(agency_name.split()),
            agency_licence=agency_licence.strip(), documents=documents, note=note.strip(), scope_code=scope,
            owner_agency=actor.agency, created_by=actor)
        answers = departure_answers(person=traveller, occurred_on=day, visa_type=visa_type, documents=documents,
                                    process=process, means=means, purpose=purpose,
                                    non_procedural_signs=non_procedural_signs, ilo_indicators=ilo_indicators,
                                    organised_group=organised_group)
        _store_screening(departure, actor, answers, child_rule)
        for _attempt in range(5):  # the reference counter can race; the unique constraint decides
            departure.reference = _next_reference(scope, day.year)
            try:
                with transaction.atomic():
                    departure.save()
                break
            except IntegrityError:
                departure.pk = None
        else:
            raise GugusError(_("Could not number the record; try again."))
        for row in contacts:
            row.departure = departure
        RecruiterContact.objects.bulk_create(contacts)
        record_event(actor=actor, action="migrants.departure.create", object_type=PreventedDeparture.OBJECT_TYPE,
                     object_id=departure.pk, data={
                         "reference": departure.reference, "scope": scope, "person": traveller.pk,
                         "exit_point": exit_point, "destination": country.code if country else None,
                         "contacts": sorted({c.kind for c in contacts}), "outcome": departure.outcome,
                         "rules": departure.rules_version})
    return departure


def screen_departure(*, actor, departure: PreventedDeparture, process: Iterable[str] = (),
                     means: Iterable[str] = (), purpose: Iterable[str] = (), non_procedural_signs: Iterable[str] = (),
                     ilo_indicators: Iterable[str] = (), organised_group: bool = False,
                     child_rule: str | None = None) -> PreventedDeparture:
    """Screens the traveller again (e.g. after an interview) with the latest identification rules."""
    _require(actor, "person.edit")
    _require_departure(actor, departure)
    answers = departure_answers(person=departure.person, occurred_on=departure.occurred_on,
                                visa_type=departure.visa_type, documents=departure.documents, process=process,
                                means=means, purpose=purpose, non_procedural_signs=non_procedural_signs,
                                ilo_indicators=ilo_indicators, organised_group=organised_group)
    previous = departure.outcome
    with transaction.atomic():
        _store_screening(departure, actor, answers, child_rule)
        departure.save(update_fields=["answers", "outcome", "result", "rules_version", "child_rule", "screened_by",
                                      "screened_at", "updated_at"])
        record_event(actor=actor, action="migrants.departure.screen", object_type=PreventedDeparture.OBJECT_TYPE,
                     object_id=departure.pk, data={"from": previous, "outcome": departure.outcome,
                                                   "rules": departure.rules_version})
    return departure


def open_case_from_departure(*, actor, departure: PreventedDeparture, kind: str, summary: str = "",
                             reported_on=None) -> Case:
    """Opens a trafficking or troubled-worker case from a prevented departure, and keeps the link both
    ways (``departure.case``; the case's other reference is the departure's). The traveller becomes the
    case's victim, the stop a transit event at the checkpoint, the screening the case's first
    identification; whoever arranged the trip becomes a suspect carrying the recruiter's phones and
    accounts (so the registry links them like any perpetrator's), and the agency a case organisation."""
    _require(actor, "person.create")
    _require(actor, "person.edit")
    _require_departure(actor, departure)
    if kind not in (CaseKind.TRAFFICKING, CaseKind.TROUBLED_WORKER):
        raise GugusError(_("Choose a trafficking case or a migrant-worker case."), field="kind")
    if departure.case_id:
        raise GugusError(_("A case was already opened from this record."), field="kind")
    if kind == CaseKind.TROUBLED_WORKER and departure.destination_id is None:
        raise GugusError(_("Record the destination country first."), field="kind")
    reported = _day(reported_on, "reported_on") or timezone.localdate()
    exit_label = departure.exit_point_other or vocab.label("exit_points", departure.exit_point)
    with transaction.atomic():
        case = cases.create_case(
            actor=actor, reported_on=reported, kind=kind, scope_code=departure.scope_code or None,
            other_reference=departure.reference,
            summary=summary.strip() or _("Departure prevented at %(place)s on %(date)s (%(reference)s).") % {
                "place": exit_label, "date": departure.occurred_on.isoformat(), "reference": departure.reference})
        victim = cases.add_participant(actor=actor, case=case, person=departure.person, role="victim")
        region = departure.exit_region if Region.objects.filter(code=departure.exit_region).exists() else None
        cases.add_event(actor=actor, case=case, event_type="Transit", date=departure.occurred_on, region=region,
                        city=exit_label, victim=victim,
                        note=_("Departure prevented by immigration (%(reference)s).")
                        % {"reference": departure.reference})
        contacts = list(departure.contacts.all())
        if departure.recruiter_name or contacts:
            recruiter, _warnings = cases.create_person(
                actor=actor, full_name=departure.recruiter_name or _("Unknown recruiter"),
                scope_code=departure.scope_code or None,
                phone=[c.value for c in contacts if c.kind == ContactKind.PHONE],
                bank_account=[c.value for c in contacts if c.kind == ContactKind.BANK_ACCOUNT])
            cases.add_participant(actor=actor, case=case, person=recruiter, role="perpetrator",
                                  perpetrator_roles=["RecruiterOrIntermediary"],
                                  note=_("Arranged the trip (%(reference)s).") % {"reference": departure.reference})
        if departure.agency_name:
            cases.add_organisation(actor=actor, case=case, name=departure.agency_name, kind="CorporateBusiness",
                                   licence_number=departure.agency_licence,
                                   involvement=_("Arranged the trip (%(reference)s).")
                                   % {"reference": departure.reference})
        if departure.answers:
            cases.assess_identification(actor=actor, case=case, victim=victim,
                                        answers=idn.IdentificationAnswers.from_dict(departure.answers),
                                        child_rule=departure.child_rule or None)
        if kind == CaseKind.TROUBLED_WORKER:
            TroubledWorker.objects.create(
                case=case, worker=victim, country=departure.destination, employer=departure.stated_employer,
                job=departure.stated_job, placement_agency=departure.agency_name,
                placement_licence=departure.agency_licence, route=PlacementRoute.NON_PROCEDURAL,
                problem_types=["non_procedural_departure"])
        PreventedDeparture.objects.filter(pk=departure.pk).update(case=case, updated_at=timezone.now())
        departure.case = case
        record_event(actor=actor, action="migrants.departure.case_open", object_type=PreventedDeparture.OBJECT_TYPE,
                     object_id=departure.pk, data={"case": case.pk, "kind": kind})
    return case


# --- troubled migrant workers ---------------------------------------------------------------------------------

def _troubled_values(changes: dict) -> dict:
    out = dict(changes)
    if "country" in out:
        out["country"] = _country(out["country"], "country")
    if "mission" in out:
        out["mission"] = _mission(out["mission"])
    if "route" in out:
        out["route"] = out["route"] or PlacementRoute.UNKNOWN
        if out["route"] not in PlacementRoute.values:
            raise GugusError(_("Unknown value: %(codes)s.") % {"codes": out["route"]}, field="route")
    if "problem_types" in out:
        out["problem_types"] = _codes("problem_types", out["problem_types"], "problem_types")
        if not out["problem_types"]:
            raise GugusError(_("Choose at least one problem."), field="problem_types")
    for key in ("city", "employer", "job", "placement_agency", "placement_licence", "note"):
        if key in out:
            out[key] = (out[key] or "").strip()
    return out


def open_troubled_worker_case(*, actor, reported_on, country: str, problem_types: Iterable[str],
                              person: Person | None = None, new_person: dict | None = None, summary: str = "",
                              scope_code: str | None = None, intake_key: str | None = None,
                              **details) -> TroubledWorker:
    """A case of kind ``troubled_worker`` for a migrant worker in trouble who is not (or not yet) a
    trafficking victim: the worker is the case's victim participant, so gugus.care's service plan,
    referrals and repatriation apply unchanged."""
    _require(actor, "person.create")
    unknown = set(details) - set(TROUBLED_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _troubled_values({"country": country, "problem_types": problem_types, **details})
    with transaction.atomic():
        case = cases.create_case(actor=actor, reported_on=reported_on, summary=summary,
                                 kind=CaseKind.TROUBLED_WORKER, scope_code=scope_code, intake_key=intake_key)
        existing = TroubledWorker.objects.filter(case=case).first()
        if existing:  # the same form sent twice
            return existing
        worker = _person(actor, person, new_person, case.scope_code or None)
        participant = cases.add_participant(actor=actor, case=case, person=worker, role="victim")
        row = TroubledWorker.objects.create(case=case, worker=participant, **values)
        record_event(actor=actor, action="migrants.troubled.create", object_type=Case.OBJECT_TYPE,
                     object_id=case.pk, data={"fields": sorted(k for k, v in values.items() if v),
                                              "problems": values["problem_types"]})
    return row


def update_troubled_worker(*, actor, details: TroubledWorker, **changes) -> TroubledWorker:
    _require(actor, "person.edit")
    _require_case(actor, details.case)
    unknown = set(changes) - set(TROUBLED_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _troubled_values(changes)
    changed = [f for f, v in values.items() if getattr(details, f) != v]
    if not changed:
        return details
    with transaction.atomic():
        for field in changed:
            setattr(details, field, values[field])
        details.save(update_fields=[*changed, "updated_at"])
        record_event(actor=actor, action="migrants.troubled.update", object_type=Case.OBJECT_TYPE,
                     object_id=details.case_id, data={"changed": sorted(changed)})
    return details


def reclassify_as_tppo(*, actor, case: Case, reason: str) -> Case:
    """Re-classifies a migrant-worker case as TPPO when its latest identification says so (outcomes in
    data/rules.toml), through ``cases.actions.reclassify_case``: people, events, services, referrals,
    repatriation, stages, the reference and this room's details all stay."""
    _require(actor, "person.edit")
    _require_case(actor, case)
    if case.kind not in MIGRANT_KINDS:
        raise GugusError(_("Only a migrant-worker case can be re-classified here."), field="kind")
    latest = case.identifications.order_by("-assessed_at", "-id").first()
    allowed = vocab.rules()["reclassify_to_tppo_outcomes"]
    if latest is None or latest.outcome not in allowed:
        raise GugusError(_("Record an identification whose outcome indicates TPPO first."), field="identification")
    return cases.reclassify_case(actor=actor, case=case, kind=CaseKind.TRAFFICKING, reason=reason,
                                 identification=latest)


# --- deceased migrant workers ---------------------------------------------------------------------------------

def _deceased_values(changes: dict) -> dict:
    out = dict(changes)
    if "died_on" in out:
        out["died_on"] = _day(out["died_on"], "died_on")
    if "country" in out:
        out["country"] = _country(out["country"], "country")
    if "mission" in out:
        out["mission"] = _mission(out["mission"])
    if "cause" in out:
        out["cause"] = _code("death_causes", out["cause"], "cause")
    if "documents" in out:
        out["documents"] = _codes("death_documents", out["documents"], "documents")
    if "payer" in out:
        out["payer"] = _code("payers", out["payer"], "payer")
    if "remains" in out:
        out["remains"] = out["remains"] or Remains.UNDECIDED
        if out["remains"] not in Remains.values:
            raise GugusError(_("Unknown value: %(codes)s.") % {"codes": out["remains"]}, field="remains")
    if "home_region" in out:
        out["home_region"] = _region(out["home_region"], "home_region")
    for key in ("autopsy_requested", "second_opinion_requested"):
        if key in out:
            out[key] = bool(out[key])
    for key in ("place_of_death", "cause_detail", "employer", "placement_agency", "placement_licence",
                "family_contact", "note"):
        if key in out:
            out[key] = (out[key] or "").strip()
    return out


def open_deceased_case(*, actor, reported_on, country: str, person: Person | None = None,
                       new_person: dict | None = None, summary: str = "", scope_code: str | None = None,
                       intake_key: str | None = None, **details) -> DeceasedWorker:
    """A case of kind ``deceased_worker``: a migrant worker who died abroad. The deceased is the case's
    victim participant so the repatriation of the remains runs on gugus.care's repatriation legs. A mission
    abroad files it under the family's kab/kota when no region is given."""
    _require(actor, "person.create")
    unknown = set(details) - set(DECEASED_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _deceased_values({"country": country, **details})
    if values.get("died_on") and _day(reported_on, "reported_on") and values["died_on"] > _day(reported_on,
                                                                                              "reported_on"):
        raise GugusError(_("The death cannot come after the report."), field="died_on")
    if not scope_code and actor.jurisdiction is None and values.get("home_region"):
        scope_code = ".".join(values["home_region"].code.split(".")[:2])
    with transaction.atomic():
        case = cases.create_case(actor=actor, reported_on=reported_on, summary=summary,
                                 kind=CaseKind.DECEASED_WORKER, scope_code=scope_code, intake_key=intake_key)
        existing = DeceasedWorker.objects.filter(case=case).first()
        if existing:
            return existing
        deceased = _person(actor, person, new_person, case.scope_code or None)
        participant = cases.add_participant(actor=actor, case=case, person=deceased, role="victim")
        row = DeceasedWorker.objects.create(case=case, deceased=participant, **values)
        record_event(actor=actor, action="migrants.deceased.create", object_type=Case.OBJECT_TYPE,
                     object_id=case.pk, data={"fields": sorted(k for k, v in values.items() if v)})
    return row


def update_deceased(*, actor, details: DeceasedWorker, **changes) -> DeceasedWorker:
    _require(actor, "person.edit")
    _require_case(actor, details.case)
    unknown = set(changes) - set(DECEASED_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    values = _deceased_values(changes)
    changed = [f for f, v in values.items() if getattr(details, f) != v]
    if not changed:
        return details
    with transaction.atomic():
        for field in changed:
            setattr(details, field, values[field])
        details.save(update_fields=[*changed, "updated_at"])
        record_event(actor=actor, action="migrants.deceased.update", object_type=Case.OBJECT_TYPE,
                     object_id=details.case_id, data={"changed": sorted(changed)})
    return details


# --- rights (insurance, unpaid wages, compensation) ------------------------------------------------------------

def _claim_values(status: str, claimed, paid, filed_on, decided_on) -> dict:
    status = _code("claim_statuses", status or "to_file", "status")
    claimed, paid = _rupiah(claimed, "amount_claimed_rupiah"), _rupiah(paid, "amount_paid_rupiah")
    if paid and status not in vocab.paid_claim_statuses():
        raise GugusError(_("An amount paid needs the status paid or partly paid."), field="status")
    if status in vocab.paid_claim_statuses() and not paid:
        raise GugusError(_("Write the amount paid."), field="amount_paid_rupiah")
    if claimed is not None and paid is not None and paid > claimed and status == "partly_paid":
        raise GugusError(_("Partly paid, but more than the amount claimed."), field="amount_paid_rupiah")
    filed, decided = _day(filed_on, "filed_on"), _day(decided_on, "decided_on")
    if filed and decided and decided < filed:
        raise GugusError(_("The decision cannot come before the claim was filed."), field="decided_on")
    return {"status": status, "amount_claimed_rupiah": claimed, "amount_paid_rupiah": paid, "filed_on": filed,
            "decided_on": decided}


def add_rights_claim(*, actor, case: Case, kind: str, status: str = "to_file", claimed_from: str = "",
                     amount_claimed_rupiah=None, amount_paid_rupiah=None, filed_on=None, decided_on=None,
                     note: str = "") -> RightsClaim:
    """Follows up a right of the worker or the family (data/rights.toml), with its status and amounts."""
    _require(actor, "person.edit")
    _require_case(actor, case)
    kind = _code("rights", kind, "kind", required=True)
    values = _claim_values(status, amount_claimed_rupiah, amount_paid_rupiah, filed_on, decided_on)
    with transaction.atomic():
        claim = RightsClaim.objects.create(case=case, kind=kind, claimed_from=claimed_from.strip(),
                                           note=note.strip(), recorded_by=actor, **values)
        record_event(actor=actor, action="migrants.claim.create", object_type=Case.OBJECT_TYPE, object_id=case.pk,
                     data={"claim": claim.pk, "kind": kind, "status": values["status"]})
    return claim


def update_rights_claim(*, actor, claim: RightsClaim, status: str, amount_claimed_rupiah=None,
                        amount_paid_rupiah=None, filed_on=None, decided_on=None, note: str = "") -> RightsClaim:
    _require(actor, "person.edit")
    _require_case(actor, claim.case)
    values = _claim_values(status, amount_claimed_rupiah if amount_claimed_rupiah not in (None, "")
                           else claim.amount_claimed_rupiah, amount_paid_rupiah,
                           filed_on or claim.filed_on, decided_on)
    if note.strip():
        values["note"] = note.strip()
    changed = [f for f, v in values.items() if getattr(claim, f) != v]
    if not changed:
        return claim
    previous = claim.status
    with transaction.atomic():
        for field in changed:
            setattr(claim, field, values[field])
        claim.save(update_fields=[*changed, "updated_at"])
        record_event(actor=actor, action="migrants.claim.update", object_type=Case.OBJECT_TYPE,
                     object_id=claim.case_id, data={"claim": claim.pk, "from": previous, "status": claim.status,
                                                    "changed": sorted(changed)})
    return claim
