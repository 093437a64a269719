"""Exchange in the Human Trafficking Case Data Standard (HTCDS v2.0, IOM, CC BY 4.0).

**Shape.** HTCDS is relational (case, person with victim or perpetrator context, historic trafficking
events), so a file has three tables, linked by pseudonymous keys: ``Case``, ``Person`` and
``HistoricTraffickingEvents`` — three sheets of one XLSX, or three CSV files in a ZIP. Column names are the
HTCDS field names with their prefix (``cas_Status``, ``prs_Gender``, ``vic_TypeOfExploitation``,
``per_RoleInProcess``, ``hte_Date`` …); multi-select values are separated by spaces, as in the HTCDS
xlsform. Values are HTCDS value names (``htcds_value`` of the Gugus vocabularies). Columns that HTCDS does
not have start with ``gugus_`` (the keys, the role, the reported month, the region, the age band, and the
exact Gugus code where HTCDS only has "Other").

**De-identified by default**: no names, identifiers, case references, LP numbers, notes, links or cities;
dates as year-month; ages as age bands; the case region and the region of origin generalised to the
province where fewer than k records of the file share the kab/kota; places of events in Indonesia as
province only. ``identified=True`` adds names, exact dates, exact ages and exact regions; it is for a
partner entitled to identities and the export names every person in the audit log.

**Import** maps a file into Gugus records through :mod:`gugus.cases.actions` (create_case, create_person,
add_participant, add_event), one case per transaction; a case whose key was imported before by the same
agency from the same file is skipped, so importing a file twice does not duplicate it. A single flat CSV or
sheet (like the HTCDS xlsform's one row per person) is read as the ``Person`` table, one case per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from gugus.audit.actions import record_event
from gugus.cases import actions as case_actions
from gugus.cases.models import Case, Participant, TraffickingEvent
from gugus.cases.selectors import cases_visible_to
from gugus.cases.vocabularies import vocabulary
from gugus.core.errors import GugusError, PermissionDenied
from gugus.regions.models import Region
from gugus.regions.selectors import descendants_q
from gugus.stats import config
from gugus.stats.facts import bucket_of

CASE, PERSON, EVENTS = "Case", "Person", "HistoricTraffickingEvents"
CSV_NAMES = {CASE: "case.csv", PERSON: "person.csv", EVENTS: "historic_trafficking_events.csv"}

EVENT_CONTEXT = [  # (HTCDS column, event attribute, vocabulary, multiple)
    ("vic_MethodOfRecruitment", "recruitment_method", "recruitment_methods", False),
    ("vic_RecruitmentWebsitesAndApps", "recruitment_platform", "recruitment_platforms", False),
    ("vic_MethodsOfControl", "methods_of_control", "methods_of_control", True),
    ("vic_TypeOfExploitation", "exploitation_types", "exploitation_types", True),
    ("vic_ForcedLabourIndustry", "industry", "forced_labour_industry", False),
]
COLUMNS = {
    CASE: ["gugus_CaseKey", "cas_Status", "gugus_ReportedDate", "gugus_Region", "gugus_Stage"],
    PERSON: ["gugus_CaseKey", "gugus_PersonKey", "gugus_Role", "prs_FirstName", "prs_Birthdate", "prs_Gender",
             "prs_Citizenship", "prs_MailingCountry", "prs_MailingState", "vic_TraffickingStatus",
             "vic_TraffickingStatusDecisionMakingOrg", "vic_RelationshipToTrafficker", "vic_AgeWhenTrafficked",
             "gugus_AgeBand", "gugus_Child"] + [c[0] for c in EVENT_CONTEXT] + ["per_RoleInProcess"],
    EVENTS: ["gugus_CaseKey", "gugus_PersonKey", "hte_Type", "hte_Date", "hte_Country", "hte_State",
             "hte_City"] + [c[0] for c in EVENT_CONTEXT] + ["gugus_MethodOfRecruitment"],
}
IDENTIFYING = {"prs_FirstName", "prs_Birthdate", "vic_AgeWhenTrafficked", "hte_City"}
GENDER = {"F": "Feminine", "M": "Masculine", "U": "NonSpecifiedUnknown"}
SEX = {v: k for k, v in GENDER.items()}
ROLES = {"victim": "Victim", "perpetrator": "Perpetrator"}


# --- export -------------------------------------------------------------------------------------------------

def _htcds(vocab: str, codes) -> str:
    v = vocabulary(vocab)
    values = []
    for code in [codes] if isinstance(codes, str) else list(codes or []):
        if code and code in v:
            values.append(v.term(code).htcds_value)
    return " ".join(dict.fromkeys(values))


def _month(day: dt.date | None, identified: bool) -> str:
    if day is None:
        return ""
    return day.isoformat() if identified else f"{day:%Y-%m}"


def _generaliser(codes: list[str], identified: bool):
    """kab/kota kept where at least k records of the file share it, else its province."""
    counts = Counter(bucket_of(c) for c in codes if c)
    k = config.threshold()

    def general(code: str | None) -> str:
        if not code:
            return ""
        if identified:
            return code
        bucket = bucket_of(code)
        return bucket if "." in bucket and counts[bucket] >= k else code.split(".")[0]
    return general


def export_tables(user, *, region: str = "", period=None, identified: bool = False) -> dict[str, list[list]]:
    """The three HTCDS tables of the cases ``user`` may see (optionally within ``region`` and ``period``)."""
    if not (user.can("stats.view") and user.can("person.view")):
        raise PermissionDenied()
    cases = cases_visible_to(user).filter(descendants_q(region, "scope_code")) if region else cases_visible_to(user)
    if period is not None and period.bounds:
        start, last = period.bounds
        end = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        cases = cases.filter(reported_on__gte=start, reported_on__lt=end)
    cases = list(cases.order_by("pk").values_list("pk", "status", "reported_on", "scope_code", "current_stage"))
    ids = [c[0] for c in cases]
    people = list(Participant.objects.filter(case_id__in=ids, role__in=list(ROLES)).order_by("case_id", "pk")
                  .values_list("pk", "case_id", "role", "person_id", "person__full_name", "person__birth_date",
                               "person__sex", "person__nationality_id", "person__origin_region_id",
                               "trafficking_status", "status_decided_by", "relationship_to_trafficker",
                               "age_at_events", "is_child", "perpetrator_roles"))
    events = list(TraffickingEvent.objects.filter(case_id__in=ids).order_by("case_id", "date", "pk").values_list(
        "case_id", "victim_id", "event_type", "date", "date_precision", "country_id", "region_id", "city",
        "recruitment_method", "recruitment_platform", "methods_of_control", "exploitation_types", "industry"))
    case_region = _generaliser([c[3] for c in cases], identified)
    origin_region = _generaliser([p[8] for p in people if p[2] == "victim"], identified)
    case_keys = {pk: f"C{n}" for n, (pk, *_rest) in enumerate(cases, start=1)}
    person_keys = {p[0]: f"{case_keys[p[1]]}-P{n}" for n, p in enumerate(people, start=1)}

    case_rows = [[case_keys[pk], _htcds("case_status", status), _month(reported, identified), case_region(scope),
                  stage] for pk, status, reported, scope, stage in cases]
    by_victim = defaultdict(list)
    for e in events:
        by_victim[(e[0], e[1])].append(e)
    person_rows = []
    for (pk, case_id, role, _person, name, birth, sex, nationality, origin, tstatus, decided, relation, age, child,
         roles) in people:
        row = {"gugus_CaseKey": case_keys[case_id], "gugus_PersonKey": person_keys[pk], "gugus_Role": ROLES[role],
               "prs_Gender": GENDER.get(sex, "NonSpecifiedUnknown"), "prs_Citizenship": nationality or ""}
        if identified:
            row.update(prs_FirstName=name, prs_Birthdate=birth.isoformat() if birth else "")
        if role == "victim":
            own = by_victim[(case_id, pk)] + by_victim[(case_id, None)]
            row.update({
                "prs_MailingCountry": "ID" if origin else "", "prs_MailingState": origin_region(origin),
                "vic_TraffickingStatus": _htcds("trafficking_status", tstatus),
                "vic_TraffickingStatusDecisionMakingOrg": _htcds("trafficking_status_decision_org", decided),
                "vic_RelationshipToTrafficker": _htcds("relationship_to_trafficker", relation),
                "gugus_AgeBand": config.age_band(age), "gugus_Child": "TRUE" if child else "FALSE",
            })
            if identified and age is not None:
                row["vic_AgeWhenTrafficked"] = age
            for column, attr, vocab, _multiple in EVENT_CONTEXT:
                index = {"recruitment_method": 8, "recruitment_platform": 9, "methods_of_control": 10,
                         "exploitation_types": 11, "industry": 12}[attr]
                codes = []
                for e in own:
                    codes += e[index] if isinstance(e[index], list) else [e[index]]
                row[column] = _htcds(vocab, sorted({c for c in codes if c}))
        else:
            row["per_RoleInProcess"] = _htcds("perpetrator_roles", roles)
        person_rows.append([row.get(c, "") for c in COLUMNS[PERSON]])
    victim_keys = {p[0]: person_keys[p[0]] for p in people}
    recruitment = vocabulary("recruitment_methods")
    event_rows = []
    for (case_id, victim, etype, date, precision, country, region_code, city, method, platform, controls,
         exploitation, industry) in events:
        exact = identified and precision == "day"
        when = "" if date is None else (date.isoformat() if exact else
                                        (str(date.year) if precision == "year" else f"{date:%Y-%m}"))
        row = {"gugus_CaseKey": case_keys[case_id], "gugus_PersonKey": victim_keys.get(victim, ""),
               "hte_Type": etype, "hte_Date": when, "hte_Country": country or ("ID" if region_code else ""),
               "hte_State": (region_code if identified else region_code.split(".")[0]) if region_code else "",
               "vic_MethodOfRecruitment": _htcds("recruitment_methods", method),
               "vic_RecruitmentWebsitesAndApps": _htcds("recruitment_platforms", platform),
               "vic_MethodsOfControl": _htcds("methods_of_control", controls),
               "vic_TypeOfExploitation": _htcds("exploitation_types", exploitation),
               "vic_ForcedLabourIndustry": _htcds("forced_labour_industry", industry),
               "gugus_MethodOfRecruitment": method if method and method in recruitment and
               recruitment.term(method).get("extension") else ""}
        if identified:
            row["hte_City"] = city
        event_rows.append([row.get(c, "") for c in COLUMNS[EVENTS]])
    if identified:
        record_event(actor=user, action="htcds.export_identified", object_type="cases.person",
                     data={"ids": sorted({p[3] for p in people}), "cases": len(cases)})
    else:
        record_event(actor=user, action="htcds.export", data={"cases": len(cases), "persons": len(people)})
    return {CASE: case_rows, PERSON: person_rows, EVENTS: event_rows}


def _columns(identified: bool) -> dict[str, list[str]]:
    return {t: [c for c in cols if identified or c not in IDENTIFYING] for t, cols in COLUMNS.items()}


def export(user, *, region: str = "", period=None, fmt: str = "xlsx", identified: bool = False) -> tuple[bytes, str]:
    """The HTCDS file: (content, extension) — "xlsx", or "zip" of three CSV files."""
    tables = export_tables(user, region=region, period=period, identified=identified)
    columns = _columns(identified)
    keep = {t: [COLUMNS[t].index(c) for c in columns[t]] for t in tables}
    if fmt == "xlsx":
        wb = Workbook()
        wb.remove(wb.active)
        for name, rows in tables.items():
            ws = wb.create_sheet(name)
            ws.append(columns[name])
            for row in rows:
                ws.append([_safe(row[i]) for i in keep[name]])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue(), "xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns[name])
            writer.writerows([[_safe(row[i]) for i in keep[name]] for row in rows])
            zf.writestr(CSV_NAMES[name], text.getvalue())
    return out.getvalue(), "zip"


def _safe(value):
    """No spreadsheet formulas from data ("=cmd…" is written as text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --- import -------------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    cases: int = 0
    persons: int = 0
    events: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def _norm(column: str) -> str:
    return column.replace("_", "").replace(" ", "").lower()


def read_tables(content: bytes, filename: str = "") -> dict[str, list[dict]]:
    """The tables of an HTCDS file (XLSX, ZIP of CSVs, or one CSV) as lists of {HTCDS column: text}."""
    known = {_norm(c): c for cols in COLUMNS.values() for c in cols}
    known.update({_norm("prs_First_Name"): "prs_FirstName"})
    raw: dict[str, list[list]] = {}
    name = filename.lower()
    if content[:2] == b"PK" and not name.endswith(".zip"):
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - not a workbook: try it as a ZIP of CSVs
            wb = None
        if wb is not None:
            for ws in wb.worksheets:
                raw[ws.title] = [list(r) for r in ws.iter_rows(values_only=True)]
    if not raw and content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                for table, csv_name in CSV_NAMES.items():
                    if csv_name in zf.namelist():
                        raw[table] = list(csv.reader(io.StringIO(zf.read(csv_name).decode("utf-8-sig"))))
        except zipfile.BadZipFile:
            raise GugusError(_("This file is neither XLSX, nor ZIP, nor CSV."), field="file") from None
    if not raw:
        if b"\x00" in content:
            raise GugusError(_("This file is neither XLSX, nor ZIP, nor CSV."), field="file")
        try:
            raw[PERSON] = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        except UnicodeDecodeError:
            raise GugusError(_("This file is neither XLSX, nor ZIP, nor CSV."), field="file") from None
    if PERSON not in raw and len(raw) == 1:
        raw[PERSON] = raw.pop(next(iter(raw)))
    tables = {}
    for table, rows in raw.items():
        if not rows:
            continue
        header = [known.get(_norm(str(h or "")), str(h or "")) for h in rows[0]]
        tables[table] = [{h: ("" if v is None else str(v).strip()) for h, v in zip(header, row, strict=False)}
                         for row in rows[1:] if any(v not in (None, "") for v in row)]
    if not tables.get(PERSON) and not tables.get(CASE):
        raise GugusError(_("No HTCDS Person or Case table found in the file."), field="file")
    return tables


def _codes(vocab: str, text: str) -> list[str]:
    """HTCDS values → Gugus codes (a code is kept; an HTCDS value maps to the first term writing it)."""
    v = vocabulary(vocab)
    out = []
    for value in (text or "").replace(",", " ").split():
        if value in v:
            out.append(value)
            continue
        match = next((t.code for t in v if t.htcds_value == value), None)
        if match:
            out.append(match)
    return out


def _one(vocab: str, text: str) -> str:
    codes = _codes(vocab, text)
    return codes[0] if codes else ""


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()[:10]
    try:
        if len(text) == 7:
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        if len(text) == 4:
            return dt.date(int(text), 1, 1)
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _region(code: str) -> str | None:
    code = (code or "").strip()
    return code if code and Region.objects.filter(code=code).exists() else None


def import_file(*, actor, content: bytes, filename: str = "") -> ImportResult:
    """Imports an HTCDS file as records of the actor's agency. Returns what was created and any errors."""
    if not actor.can("person.create"):
        raise PermissionDenied()
    tables = read_tables(content, filename)
    digest = hashlib.sha256(content).hexdigest()[:16]
    persons_of, events_of = defaultdict(list), defaultdict(list)
    for n, row in enumerate(tables.get(PERSON, []), start=1):
        persons_of[row.get("gugus_CaseKey") or f"row{n}"].append(row)
    for row in tables.get(EVENTS, []):
        events_of[row.get("gugus_CaseKey", "")].append(row)
    cases = {row.get("gugus_CaseKey") or f"case{n}": row for n, row in enumerate(tables.get(CASE, []), start=1)}
    for key in persons_of:
        cases.setdefault(key, {})
    result = ImportResult()
    for key, case_row in cases.items():
        intake = f"htcds:{digest}:{key}"[:64]
        if Case.objects.filter(intake_key=intake, owner_agency=actor.agency).exists():
            result.skipped += 1
            continue
        try:
            with transaction.atomic():
                _import_case(actor, key, intake, case_row, persons_of[key],
                                 events_of.get(key, [] if EVENTS in tables else None), result)
        except GugusError as exc:
            result.errors.append(f"{key}: {exc.message}")
    record_event(actor=actor, action="htcds.import", data={"file": digest, "cases": result.cases,
                                                           "persons": result.persons, "errors": len(result.errors)})
    from gugus.stats.actions import refresh_after_commit
    refresh_after_commit(*Case.objects.filter(intake_key__startswith=f"htcds:{digest}:",
                                              owner_agency=actor.agency).values_list("pk", flat=True))
    return result


def _import_case(actor, key, intake, case_row, person_rows, event_rows, result: ImportResult) -> None:
    dates = [_date(case_row.get("gugus_ReportedDate", ""))] + [_date(r.get("hte_Date", "")) for r in event_rows or []]
    reported = next((d for d in dates if d), None) or dt.date.today()
    region = _region(case_row.get("gugus_Region", ""))
    from gugus.accounts.scope import region_in_scope
    scope = region if region and region_in_scope(actor, region) else None
    case = case_actions.create_case(actor=actor, reported_on=reported, scope_code=scope, intake_key=intake,
                                    status=_one("case_status", case_row.get("cas_Status", "")) or "Active")
    result.cases += 1
    victims = {}
    for n, row in enumerate(person_rows, start=1):
        role = "perpetrator" if row.get("gugus_Role", "").lower().startswith("perp") or (
            row.get("per_RoleInProcess") and not row.get("vic_TraffickingStatus")) else "victim"
        nationality = (row.get("prs_Citizenship", "").split() or [""])[0].upper()
        person, _w = case_actions.create_person(
            actor=actor, scope_code=case.scope_code,
            full_name=row.get("prs_FirstName") or f"Tanpa nama (HTCDS {row.get('gugus_PersonKey') or f'{key}-{n}'})",
            sex=SEX.get(row.get("prs_Gender", ""), "U"), birth_date=_date(row.get("prs_Birthdate", "")),
            nationality=nationality if len(nationality) == 2 else None,
            origin_region=_region(row.get("prs_MailingState", "")))
        result.persons += 1
        age = row.get("vic_AgeWhenTrafficked", "")
        age = int(float(age)) if age.replace(".", "").isdigit() else config.band_lower(row.get("gugus_AgeBand", ""))
        participant = case_actions.add_participant(
            actor=actor, case=case, person=person, role=role,
            trafficking_status=_one("trafficking_status", row.get("vic_TraffickingStatus", "")),
            status_decided_by=_one("trafficking_status_decision_org",
                                   row.get("vic_TraffickingStatusDecisionMakingOrg", "")),
            relationship_to_trafficker=_one("relationship_to_trafficker", row.get("vic_RelationshipToTrafficker", "")),
            perpetrator_roles=_codes("perpetrator_roles", row.get("per_RoleInProcess", "")),
            age_at_events=age if role == "victim" else None)
        if role == "victim":
            victims[row.get("gugus_PersonKey", "")] = participant
            if event_rows is None:
                event_rows_for_victim = _events_from_context(row)
                for event in event_rows_for_victim:
                    _add_event(actor, case, event, participant, result)
    for row in event_rows or []:
        _add_event(actor, case, row, victims.get(row.get("gugus_PersonKey", "")), result)


def _events_from_context(row: dict) -> list[dict]:
    """A flat file (no events table): the victim context becomes a recruitment and an exploitation event."""
    events = []
    methods = row.get("vic_MethodOfRecruitment", "").split() or [""]
    platforms = row.get("vic_RecruitmentWebsitesAndApps", "")
    if row.get("vic_MethodOfRecruitment") or platforms:
        for method in methods:
            events.append({"hte_Type": "Recruitment", "vic_MethodOfRecruitment": method,
                           "vic_RecruitmentWebsitesAndApps": platforms.split()[0] if platforms else ""})
    if any(row.get(c) for c in ("vic_TypeOfExploitation", "vic_MethodsOfControl", "vic_ForcedLabourIndustry")):
        events.append({"hte_Type": "Exploitation", **{c: row.get(c, "") for c in (
            "vic_TypeOfExploitation", "vic_MethodsOfControl", "vic_ForcedLabourIndustry")}})
    return events


def _add_event(actor, case, row: dict, victim, result: ImportResult) -> None:
    country = (row.get("hte_Country") or "").upper()
    state = row.get("hte_State", "")
    region = _region(state) if state else None
    if country and country != "ID":
        region = None
    method = row.get("gugus_MethodOfRecruitment") or _one("recruitment_methods", row.get("vic_MethodOfRecruitment"))
    case_actions.add_event(
        actor=actor, case=case, victim=victim, event_type=_one("trafficking_event_types", row.get("hte_Type", "")),
        date=(row.get("hte_Date") or "")[:10] or None, region=region,
        country=country if len(country) == 2 and not (country == "ID" and region) else None,
        city=row.get("hte_City", ""), recruitment_method=method,
        recruitment_platform=_one("recruitment_platforms", row.get("vic_RecruitmentWebsitesAndApps", "")),
        methods_of_control=_codes("methods_of_control", row.get("vic_MethodsOfControl", "")),
        exploitation_types=_codes("exploitation_types", row.get("vic_TypeOfExploitation", "")),
        industry=_one("forced_labour_industry", row.get("vic_ForcedLabourIndustry", "")))
    result.events += 1
