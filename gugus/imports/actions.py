"""Every write of an import: upload, mapping, dry run, commit. Rows land through the case actions
(``create_person``, ``create_case``, ``add_participant``, ``add_event``), so an imported record is validated,
scoped and audited exactly like one typed into a form.

A row is one transaction (a savepoint when called inside one): its person, case, participants, events, audit
events and its :class:`ImportedRow` ledger entry land together or not at all. A dry run runs the same code
and rolls each row back, so it writes no record and no audit event. Upload, mapping and commit are audited
with counts only, never row contents.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gugus.audit.actions import record_event
from gugus.cases import actions as cases
from gugus.cases.models import Case, ParticipantRole
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.imports import report, selectors
from gugus.imports.convert import convert_row, fingerprint
from gugus.imports.models import BatchStatus, ImportBatch, ImportedRow, ImportFile, ImportMapping
from gugus.imports.reading import ReadError, Sheet, cell_text, read_sheet
from gugus.imports.selectors import PlaceResolver
from gugus.imports.targets import suggest_mapping, target, target_names, targets
from gugus.linkage.prepare import normalise_name

# Tests set this to a function called after each committed row (to simulate a crash halfway).
after_row: Callable[[int], None] | None = None

MAX_ISSUES = 5000

# Which import target a case action's field belongs to, per step of a row.
_VICTIM_FIELDS = {"full_name": "victim_name", "sex": "sex", "birth_date": "birth_date",
                  "estimated_age": "estimated_age", "origin_region": "region", "nik": "nik", "phone": "phone"}
_CASE_FIELDS = {"reported_on": "reported_on", "police_report_number": "police_report_number",
                "scope_code": None}
_EVENT_FIELDS = {"country": "destination_country", "exploitation_types": "exploitation_type"}
_PERPETRATOR_FIELDS = {"full_name": "perpetrator_name", "phone": "perpetrator_phone"}


def _require(actor, batch: ImportBatch | None = None) -> None:
    """The actor may import, and ``batch`` (if given) is their agency's: another's looks missing."""
    if not actor.can(selectors.IMPORT_CAPABILITY) or not actor.agency_id:
        raise PermissionDenied()
    if batch is not None and batch.agency_id != actor.agency_id:
        raise NotFound()


# --- upload and mapping --------------------------------------------------------------------------------------

def upload(*, actor, file_name: str, content: bytes, header_line: int | None = None) -> ImportBatch:
    """Reads the file (refusing what cannot be read), keeps it encrypted, and proposes a column mapping:
    the agency's saved mapping whose columns are all in the file, else one suggested from the headers.
    The header row is found automatically unless ``header_line`` names it."""
    _require(actor)
    try:
        sheet = read_sheet(file_name, content, header_line=header_line)
    except ReadError as exc:
        raise GugusError(str(exc), field="file") from None
    saved = selectors.mapping_for_headers(actor, sheet.headers)
    mapping = dict(saved.columns) if saved else suggest_mapping([h for h in sheet.headers if h])
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            agency=actor.agency, created_by=actor, file_name=(file_name or "upload")[-200:],
            file_format=sheet.file_format, file_sha256=hashlib.sha256(content).hexdigest(),
            headers=sheet.headers, header_line=sheet.header_line, row_count=len(sheet.rows), mapping=mapping,
            mapping_name=saved.name if saved else "")
        ImportFile.objects.create(batch=batch, content=base64.b64encode(content).decode())
        record_event(actor=actor, action="import.upload", object_type=ImportBatch.OBJECT_TYPE, object_id=batch.pk,
                     data={"format": batch.file_format, "rows": batch.row_count, "columns": len(sheet.headers)})
    return batch


def set_header_line(*, actor, batch: ImportBatch, header_line: int) -> ImportBatch:
    """When the header row was guessed wrong: reads the file again with ``header_line`` as the header and
    suggests the mapping afresh."""
    _require(actor, batch)
    stored = ImportFile.objects.filter(batch=batch).first()
    if stored is None:
        raise GugusError(_("The uploaded file was deleted; upload it again."), field="file")
    try:
        sheet = read_sheet(batch.file_name, base64.b64decode(stored.content), header_line=header_line)
    except ReadError as exc:
        raise GugusError(str(exc), field="header_line") from None
    saved = selectors.mapping_for_headers(actor, sheet.headers)
    with transaction.atomic():
        batch.headers, batch.header_line, batch.row_count = sheet.headers, sheet.header_line, len(sheet.rows)
        batch.mapping = dict(saved.columns) if saved else suggest_mapping([h for h in sheet.headers if h])
        batch.mapping_name = saved.name if saved else ""
        batch.status, batch.counts, batch.issues, batch.failed_lines = BatchStatus.UPLOADED, {}, [], []
        batch.save()
        record_event(actor=actor, action="import.header_row", object_type=ImportBatch.OBJECT_TYPE,
                     object_id=batch.pk, data={"header_line": header_line, "rows": batch.row_count})
    return batch


def set_mapping(*, actor, batch: ImportBatch, columns: dict[str, str], save_as: str = "") -> ImportBatch:
    """Sets which column feeds which target (``{target: header}``; empty headers are left out). A name in
    ``save_as`` keeps the mapping for the agency's next files."""
    _require(actor, batch)
    columns = {t: h for t, h in columns.items() if h}
    unknown = set(columns) - set(target_names())
    if unknown:
        raise GugusError(f"Unknown targets: {sorted(unknown)}")
    for name, header in columns.items():
        if header not in batch.headers:
            raise GugusError(_("The file has no column %(column)s.") % {"column": header}, field=name)
    seen: dict[str, str] = {}
    for name, header in columns.items():
        if header in seen:
            raise GugusError(_("Column %(column)s is chosen twice.") % {"column": header}, field=name)
        seen[header] = name
    for t in targets():
        if t.required and t.name not in columns:
            raise GugusError(_("Choose the column of this field."), field=t.name)
    if "police_report_number" not in columns and "reported_on" not in columns:
        raise GugusError(_("Choose the column of the report date or of the police report number."),
                         field="reported_on")
    with transaction.atomic():
        batch.mapping = columns
        fields = ["mapping", "updated_at"]
        if save_as.strip():
            ImportMapping.objects.update_or_create(agency=actor.agency, name=save_as.strip()[:100],
                                                   defaults={"columns": columns, "created_by": actor})
            batch.mapping_name = save_as.strip()[:100]
            fields.append("mapping_name")
        batch.save(update_fields=fields)
        record_event(actor=actor, action="import.mapping", object_type=ImportBatch.OBJECT_TYPE, object_id=batch.pk,
                     data={"targets": sorted(columns), "saved": bool(save_as.strip())})
    return batch


def load_sheet(batch: ImportBatch) -> Sheet:
    stored = ImportFile.objects.filter(batch=batch).first()
    if stored is None:
        raise GugusError(_("The uploaded file was deleted; upload it again."), field="file")
    try:
        return read_sheet(batch.file_name, base64.b64decode(stored.content), header_line=batch.header_line)
    except ReadError as exc:  # pragma: no cover - it was read once at upload
        raise GugusError(str(exc), field="file") from None


# --- running -------------------------------------------------------------------------------------------------

@dataclass
class RowOutcome:
    line: int
    status: str  # landed | failed | skipped | duplicate
    problems: list[GugusError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_case: bool = False
    new_persons: int = 0
    same_as: int | None = None  # a duplicate: the earlier row of this file with the same values


class _RollBack(Exception):
    """Raised inside a dry-run row's transaction to undo it, carrying what the row would have done."""

    def __init__(self, outcome: RowOutcome):
        super().__init__()
        self.outcome = outcome


@dataclass
class _Run:
    actor: object
    batch: ImportBatch
    dry_run: bool
    places: PlaceResolver
    seen_keys: dict[str, int] = field(default_factory=dict)
    # What a dry run would have created in earlier rows (each row is rolled back, so the database forgets).
    planned_reports: set[str] = field(default_factory=set)
    planned_perpetrators: set[tuple[str, str]] = field(default_factory=set)


def run(*, actor, batch: ImportBatch, dry_run: bool, progress: Callable[[int, int], None] | None = None
        ) -> ImportBatch:
    """Checks (``dry_run``) or imports every row of the batch and stores the counts and per-row problems.

    Rows already in the ledger (this file or an earlier one with the same rows) are skipped, so running a
    commit again after an interruption completes the rest without duplicates.
    """
    _require(actor, batch)
    if not batch.mapping:
        raise GugusError(_("Choose the columns first."), field="mapping")
    sheet = load_sheet(batch)
    if not dry_run:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, dry_run=False,
                                                       updated_at=timezone.now())
    state = _Run(actor=actor, batch=batch, dry_run=dry_run, places=PlaceResolver(actor.jurisdiction))
    index = {header: i for i, header in enumerate(sheet.headers) if header}
    columns = {name: index[header] for name, header in batch.mapping.items() if header in index}
    counts = dict.fromkeys(("rows", "landed", "failed", "skipped", "duplicates", "persons", "cases",
                            "warnings"), 0)
    issues, failed = [], []
    total = len(sheet.rows)
    for done, (line, values) in enumerate(sheet.rows, start=1):
        record = {name: (values[i] if i < len(values) else None) for name, i in columns.items()}
        if not any(cell_text(v) for v in record.values()):
            continue  # e.g. a pre-numbered row with nothing in the mapped columns yet
        outcome = _import_row(state, line, record)
        counts["rows"] += 1
        counts["duplicates" if outcome.status == "duplicate" else outcome.status] += 1
        counts["persons"] += outcome.new_persons
        counts["cases"] += int(outcome.new_case)
        counts["warnings"] += len(outcome.warnings)
        if outcome.status == "failed":
            failed.append(line)
        for problem in outcome.problems:
            issues.append(_issue(batch, line, problem.field, problem.message, "error"))
        for warning in outcome.warnings:
            issues.append(_issue(batch, line, "nik", warning, "warning"))
        if outcome.status == "duplicate":
            issues.append(_issue(batch, line, None, _("Same row as row %(line)d; skipped.")
                                 % {"line": outcome.same_as}, "info"))
        if not dry_run and after_row is not None:
            after_row(done)
        if progress:
            progress(done, total)
    with transaction.atomic():
        batch.counts = counts
        batch.issues = issues[:MAX_ISSUES]
        batch.failed_lines = failed
        batch.dry_run = dry_run
        if not dry_run or batch.status != BatchStatus.DONE:
            batch.status = BatchStatus.CHECKED if dry_run else BatchStatus.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["counts", "issues", "failed_lines", "dry_run", "status", "finished_at",
                                  "updated_at"])
        if not dry_run:  # a dry run changes no record, so it leaves the audit log alone too
            record_event(actor=actor, action="import.commit", object_type=ImportBatch.OBJECT_TYPE,
                         object_id=batch.pk, data=counts)
    return batch


def _issue(batch: ImportBatch, line: int, name: str | None, message: str, level: str) -> dict:
    """One problem of one row. ``column`` is the file's header of the field, or the field's label in
    brackets when no column feeds it (e.g. a new case needs a report date and none was mapped)."""
    column = batch.mapping.get(name or "", "")
    if not column and name in target_names():
        column = f"({target(name).label(get_language() or 'id')})"
    return {"line": line, "field": name or "", "column": column, "message": message, "level": level}


def _import_row(state: _Run, line: int, record: dict) -> RowOutcome:
    values, problems = convert_row(record, state.places)
    if problems:
        return RowOutcome(line, "failed", problems)
    key = fingerprint(state.actor.agency_id, values)
    if key in state.seen_keys:
        return RowOutcome(line, "duplicate", same_as=state.seen_keys[key])
    state.seen_keys[key] = line
    if selectors.imported_row(state.actor.agency_id, key) is not None:
        return RowOutcome(line, "skipped")
    try:
        with transaction.atomic():
            outcome = _land(state, line, values)
            ImportedRow.objects.create(agency_id=state.actor.agency_id, key=key, batch=state.batch, line=line,
                                       person=outcome.person, case=outcome.case)
            if state.dry_run:
                raise _RollBack(outcome.result)
    except _RollBack as done:
        return done.outcome
    except GugusError as exc:
        return RowOutcome(line, "failed", [exc])
    except IntegrityError:  # another run landed the same row a moment ago
        return RowOutcome(line, "skipped")
    return outcome.result


@dataclass
class _Landed:
    result: RowOutcome
    person: object = None
    case: Case | None = None


def _step(fields: dict[str, str | None], call, **kwargs):
    """Runs one case action, renaming the field of its error to the import target it came from."""
    try:
        return call(**kwargs)
    except GugusError as exc:
        if exc.field in fields:
            exc.field = fields[exc.field]
        raise


def _land(state: _Run, line: int, values: dict) -> _Landed:
    actor = state.actor
    result = RowOutcome(line, "landed")
    victim_fields = {"full_name": values["victim_name"], "sex": values.get("sex", ""),
                     "birth_date": values.get("birth_date"), "estimated_age": values.get("estimated_age"),
                     "origin_region": values.get("region"), "nik": values.get("nik", ""),
                     "phone": values.get("phone", [])}
    person, warnings = _step(_VICTIM_FIELDS, cases.create_person, actor=actor, **victim_fields)
    result.warnings = list(warnings)
    result.new_persons = 1
    report = values.get("police_report_number", "")
    case = selectors.case_of_report(actor.agency_id, report)
    if case is None:
        case = _step(_CASE_FIELDS, cases.create_case, actor=actor, reported_on=values.get("reported_on"),
                     police_report_number=report)
        # In a dry run each row is rolled back, so the case a report number opens is remembered here.
        result.new_case = not (state.dry_run and report and report in state.planned_reports)
        if state.dry_run and report:
            state.planned_reports.add(report)
    victim = _step({"person": "victim_name"}, cases.add_participant, actor=actor, case=case, person=person,
                   role=ParticipantRole.VICTIM, note=values.get("notes", ""))
    if values.get("destination_country") or values.get("exploitation_type"):
        _step(_EVENT_FIELDS, cases.add_event, actor=actor, case=case, event_type="Exploitation", victim=victim,
              country=values.get("destination_country"), exploitation_types=values.get("exploitation_type", []))
    if values.get("perpetrator_name"):
        if selectors.perpetrator_in_case(case, values["perpetrator_name"]) is None:
            perpetrator, _warnings = _step(_PERPETRATOR_FIELDS, cases.create_person, actor=actor,
                                           full_name=values["perpetrator_name"],
                                           phone=values.get("perpetrator_phone", []))
            _step({"person": "perpetrator_name"}, cases.add_participant, actor=actor, case=case,
                  person=perpetrator, role=ParticipantRole.PERPETRATOR,
                  perpetrator_roles=["RecruiterOrIntermediary"])
            planned = (report, normalise_name(values["perpetrator_name"]) or "")
            result.new_persons += int(not (state.dry_run and report and planned in state.planned_perpetrators))
            if state.dry_run and report:
                state.planned_perpetrators.add(planned)
    elif values.get("perpetrator_phone"):
        raise GugusError(_("A perpetrator's phone without the perpetrator's name."), field="perpetrator_phone")
    return _Landed(result=result, person=person, case=case)


# --- bad rows ------------------------------------------------------------------------------------------------

def export_bad_rows(*, actor, batch: ImportBatch, file_format: str) -> tuple[bytes, str]:
    """The failed rows with an "error" column, for correction and a new import. The download is audited
    (it holds identities): the number of rows, never their contents."""
    _require(actor, batch)
    header, rows = report.bad_rows(batch, load_sheet(batch))
    if file_format == "xlsx":
        body, content_type = report.as_xlsx(header, rows), report.XLSX_TYPE
    else:
        body, content_type = report.as_csv(header, rows), report.CSV_TYPE
    record_event(actor=actor, action="import.bad_rows_download", object_type=ImportBatch.OBJECT_TYPE,
                 object_id=batch.pk, data={"rows": len(rows), "format": file_format})
    return body, content_type


# --- files ---------------------------------------------------------------------------------------------------

def discard_file(*, actor, batch: ImportBatch) -> None:
    """Deletes the uploaded file (the counts and the ledger stay); bad rows can no longer be downloaded."""
    _require(actor, batch)
    with transaction.atomic():
        ImportFile.objects.filter(batch=batch).delete()
        record_event(actor=actor, action="import.discard_file", object_type=ImportBatch.OBJECT_TYPE,
                     object_id=batch.pk)
