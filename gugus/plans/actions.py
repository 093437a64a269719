"""Every write to plans, progress reports, meetings, follow-ups and socialisation events.

Each function checks the actor's right and scope (see access.py), validates, writes and appends its audit
event in one transaction; e-mails go out after commit. Views, commands and the demo call these and never
save models themselves. Errors are GugusError naming the field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gugus.accounts.models import Agency, SubTaskForce, TaskForce, User
from gugus.audit.actions import record_event
from gugus.core.errors import GugusError, NotFound, PermissionDenied
from gugus.plans import config, metrics, uploads
from gugus.plans.access import can_manage, can_report, can_view, task_force_code
from gugus.plans.models import (
    OPEN_STATUSES,
    ActionPlan,
    Activity,
    Direction,
    EventAttendance,
    Evidence,
    FollowUp,
    FollowUpReminder,
    FollowUpStatus,
    Indicator,
    IndicatorTarget,
    Meeting,
    MeetingParticipant,
    PlanKind,
    PlanStatus,
    Programme,
    ProgressReport,
    Realisation,
    SocialisationEvent,
)
from gugus.regions.models import Region, is_inside

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_RUPIAH = 10**15


# --- checks ---------------------------------------------------------------------------------------------

def _require_manage(actor, scope_code: str) -> None:
    """Writing for a task force: the capability, then the scope. Out of scope looks like "not found"."""
    if not can_manage(actor):
        raise PermissionDenied()
    if not can_manage(actor, scope_code):
        raise NotFound()


def _text(value, field: str, *, required: str | None = None, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise GugusError(required, field=field)
    if max_length and len(text) > max_length:
        raise GugusError(_("At most %(n)s characters.") % {"n": max_length}, field=field)
    return text


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise GugusError(_("Enter the date."), field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise GugusError(_("Write the date as YYYY-MM-DD."), field=field) from None


def _year(value, field: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise GugusError(_("Enter a year."), field=field) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise GugusError(_("Enter a year between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}, field=field)
    return year


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise GugusError(_("Enter a number."), field=field) from None
    if not number.is_finite() or number < 0 or number >= Decimal(10**12):
        raise GugusError(_("Enter a number of zero or more."), field=field)
    return number.quantize(Decimal("0.01"))


def _rupiah(value, field: str) -> int:
    try:
        amount = int(value or 0)
    except (TypeError, ValueError):
        raise GugusError(_("Enter an amount in whole rupiah."), field=field) from None
    if not 0 <= amount < MAX_RUPIAH:
        raise GugusError(_("Enter an amount in whole rupiah."), field=field)
    return amount


def _agency(value, field: str) -> Agency:
    pk = value.pk if isinstance(value, Agency) else value
    agency = Agency.objects.filter(pk=pk, active=True).first() if pk not in (None, "") else None
    if agency is None:
        raise GugusError(_("Choose an agency."), field=field)
    return agency


def _code(vocabulary: str, value: str, field: str) -> str:
    term = config.vocabulary(vocabulary).get(value or "")
    if term is None or term.retired:
        raise GugusError(_("Choose from the list."), field=field)
    return term.code


# --- action plans ---------------------------------------------------------------------------------------

def create_plan(*, actor, task_force: TaskForce, title: str, start_year, end_year, kind: str | None = None,
                decree: str = "", status: str = PlanStatus.DRAFT) -> ActionPlan:
    """A RAN (national task force) or RAD (regional) for a period of whole years, e.g. 2025–2029."""
    scope = task_force_code(task_force)
    _require_manage(actor, scope)
    title = _text(title, "title", required=_("Give the plan a title."), max_length=250)
    start, end = _year(start_year, "start_year"), _year(end_year, "end_year")
    if end < start:
        raise GugusError(_("The last year comes before the first."), field="end_year")
    if end - start > 10:
        raise GugusError(_("A plan covers at most eleven years."), field="end_year")
    kind = kind or (PlanKind.RAN if not scope else PlanKind.RAD)
    if kind not in PlanKind.values:
        raise GugusError(_("Choose from the list."), field="kind")
    if status not in PlanStatus.values:
        raise GugusError(_("Choose from the list."), field="status")
    with transaction.atomic():
        plan = ActionPlan.objects.create(task_force=task_force, scope_code=scope, kind=kind, title=title,
                                         start_year=start, end_year=end, decree=_text(decree, "decree"),
                                         status=status, created_by=actor)
        record_event(actor=actor, action="plan.create", object_type=ActionPlan.OBJECT_TYPE, object_id=plan.pk,
                     data={"task_force": task_force.pk, "kind": kind, "years": [start, end], "status": status})
    return plan


def set_plan_status(*, actor, plan: ActionPlan, status: str) -> ActionPlan:
    _require_manage(actor, plan.scope_code)
    if status not in PlanStatus.values:
        raise GugusError(_("Choose from the list."), field="status")
    if status == plan.status:
        return plan
    with transaction.atomic():
        previous, plan.status = plan.status, status
        plan.save(update_fields=["status", "updated_at"])
        record_event(actor=actor, action="plan.status", object_type=ActionPlan.OBJECT_TYPE, object_id=plan.pk,
                     data={"from": previous, "to": status})
    return plan


def add_programme(*, actor, plan: ActionPlan, code: str, name: str, sub_task_force: str = "") -> Programme:
    _require_manage(actor, plan.scope_code)
    code = _text(code, "code", required=_("Give the programme a number."), max_length=20)
    name = _text(name, "name", required=_("Name the programme."), max_length=300)
    if sub_task_force and sub_task_force not in SubTaskForce.Kind.values:
        raise GugusError(_("Choose from the list."), field="sub_task_force")
    if plan.programmes.filter(code=code).exists():
        raise GugusError(_("This number is already used in the plan."), field="code")
    with transaction.atomic():
        programme = Programme.objects.create(plan=plan, code=code, name=name, sub_task_force=sub_task_force)
        record_event(actor=actor, action="plan.programme_add", object_type=ActionPlan.OBJECT_TYPE,
                     object_id=plan.pk, data={"programme": programme.pk, "code": code})
    return programme


def add_activity(*, actor, programme: Programme, code: str, name: str, responsible_agency,
                 supporting_agencies: Iterable = (), budget_rupiah=0, description: str = "",
                 carried_from: Activity | None = None) -> Activity:
    plan = programme.plan
    _require_manage(actor, plan.scope_code)
    code = _text(code, "code", required=_("Give the activity a number."), max_length=20)
    name = _text(name, "name", required=_("Name the activity."), max_length=300)
    responsible = _agency(responsible_agency, "responsible_agency")
    supporting = [_agency(a, "supporting_agencies") for a in supporting_agencies]
    if any(a.pk == responsible.pk for a in supporting):
        raise GugusError(_("The responsible agency is not also a supporting agency."), field="supporting_agencies")
    if Activity.objects.filter(programme__plan=plan, code=code).exists():
        raise GugusError(_("This number is already used in the plan."), field="code")
    with transaction.atomic():
        activity = Activity.objects.create(programme=programme, code=code, name=name,
                                           description=_text(description, "description"),
                                           responsible_agency=responsible,
                                           budget_rupiah=_rupiah(budget_rupiah, "budget_rupiah"),
                                           carried_from=carried_from)
        activity.supporting_agencies.set(supporting)
        record_event(actor=actor, action="plan.activity_add", object_type=ActionPlan.OBJECT_TYPE,
                     object_id=plan.pk, data={"activity": activity.pk, "code": code,
                                              "responsible": responsible.pk,
                                              "supporting": [a.pk for a in supporting],
                                              "budget": activity.budget_rupiah})
    return activity


def add_indicator(*, actor, activity: Activity, name: str, targets: Mapping, unit: str = "", baseline=0,
                  metric_code: str = "", direction: str = Direction.INCREASE) -> Indicator:
    """An indicator with a target per year of the plan (``{2025: 10, 2026: 12}``). With ``metric_code`` its
    realisation is computed from Gugus data (metrics.py) instead of typed in progress reports."""
    plan = activity.programme.plan
    _require_manage(actor, plan.scope_code)
    name = _text(name, "name", required=_("Name the indicator."), max_length=300)
    if metric_code and metrics.get(metric_code) is None:
        raise GugusError(_("Unknown metric."), field="metric_code")
    if direction not in Direction.values:
        raise GugusError(_("Choose from the list."), field="direction")
    clean_targets: dict[int, Decimal] = {}
    for year, value in targets.items():
        if value in (None, ""):
            continue
        year = _year(year, "targets")
        if year not in plan.years:
            raise GugusError(_("%(year)s is outside the plan's years.") % {"year": year}, field="targets")
        clean_targets[year] = _decimal(value, "targets")
    if not clean_targets:
        raise GugusError(_("Set a target for at least one year."), field="targets")
    with transaction.atomic():
        indicator = Indicator.objects.create(activity=activity, name=name, unit=_text(unit, "unit", max_length=40),
                                             baseline=_decimal(baseline or 0, "baseline"), direction=direction,
                                             metric_code=metric_code)
        IndicatorTarget.objects.bulk_create([IndicatorTarget(indicator=indicator, year=y, value=v)
                                             for y, v in sorted(clean_targets.items())])
        record_event(actor=actor, action="plan.indicator_add", object_type=ActionPlan.OBJECT_TYPE,
                     object_id=plan.pk, data={"indicator": indicator.pk, "activity": activity.pk,
                                              "metric": metric_code, "targets": {str(y): str(v) for y, v
                                                                                 in clean_targets.items()}})
    return indicator


def file_progress(*, actor, activity: Activity, year, semester: int = 0, values: Mapping | None = None,
                  narrative: str = "", obstacles: str = "", interventions: str = "", budget_realised_rupiah=0,
                  evidence: Iterable = ()) -> ProgressReport:
    """Files (or revises) the responsible agency's report for one period. ``values`` maps indicators (or
    their ids) to the realisation, cumulative within the year; computed indicators take no typed value."""
    if not can_view(actor) or not can_report(actor, activity):
        raise NotFound()
    plan = activity.programme.plan
    if plan.status == PlanStatus.CLOSED:
        raise GugusError(_("This plan is closed; reopen it to report."), field="year")
    year = _year(year, "year")
    if year not in plan.years:
        raise GugusError(_("%(year)s is outside the plan's years.") % {"year": year}, field="year")
    try:
        semester = int(semester or 0)
    except (TypeError, ValueError):
        semester = -1
    if semester not in (0, 1, 2):
        raise GugusError(_("Choose from the list."), field="semester")
    indicators = {i.pk: i for i in activity.indicators.all()}
    clean: dict[int, Decimal] = {}
    for key, value in (values or {}).items():
        pk = key.pk if isinstance(key, Indicator) else int(key)
        indicator = indicators.get(pk)
        if indicator is None:
            raise GugusError(_("This indicator does not belong to the activity."), field="values")
        if value in (None, ""):
            continue
        if indicator.computed:
            raise GugusError(_("“%(name)s” is computed from Gugus data; it takes no typed value.")
                             % {"name": indicator.name}, field="values")
        clean[pk] = _decimal(value, "values")
    files = [uploads.check_upload(f) for f in evidence if f]
    fields = {"narrative": _text(narrative, "narrative"), "obstacles": _text(obstacles, "obstacles"),
              "interventions": _text(interventions, "interventions"),
              "budget_realised_rupiah": _rupiah(budget_realised_rupiah, "budget_realised_rupiah")}
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().filter(activity=activity, year=year,
                                                                   semester=semester).first()
        created = report is None
        if created:
            try:
                with transaction.atomic():
                    report = ProgressReport.objects.create(activity=activity, year=year, semester=semester,
                                                           agency=activity.responsible_agency,
                                                           reported_by=actor, **fields)
            except IntegrityError:
                raise GugusError(_("Someone filed this period at the same moment; open it again."),
                                 field="year") from None
        else:
            for name, value in fields.items():
                setattr(report, name, value)
            report.reported_by = actor
            report.save()
        for pk, value in clean.items():
            Realisation.objects.update_or_create(report=report, indicator_id=pk, defaults={"value": value})
        stored = [_store_evidence(report, f, actor) for f in files]
        record_event(actor=actor, action="plan.progress_file" if created else "plan.progress_update",
                     object_type=ProgressReport.OBJECT_TYPE, object_id=report.pk,
                     data={"plan": plan.pk, "activity": activity.pk, "year": year, "semester": semester,
                           "indicators": sorted(clean), "evidence": [e.pk for e in stored],
                           "on_behalf": actor.agency_id != activity.responsible_agency_id})
    return report


def _store_evidence(report: ProgressReport, checked: uploads.CheckedFile, actor) -> Evidence:
    evidence = Evidence(report=report, original_name=checked.name, content_type=checked.kind.content_type,
                        size=len(checked.data), sha256=checked.sha256, uploaded_by=actor)
    # A random name on disk: the user's file name is kept only as data.
    evidence.file.save(f"{uuid.uuid4().hex}.{checked.kind.extension}", ContentFile(checked.data), save=False)
    path = evidence.file.name
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(path)
        raise
    return evidence


def attach_evidence(*, actor, report: ProgressReport, upload) -> Evidence:
    if not can_view(actor) or not can_report(actor, report.activity):
        raise NotFound()
    checked = uploads.check_upload(upload)
    with transaction.atomic():
        evidence = _store_evidence(report, checked, actor)
        record_event(actor=actor, action="plan.evidence_add", object_type=ProgressReport.OBJECT_TYPE,
                     object_id=report.pk, data={"evidence": evidence.pk, "type": checked.kind.extension,
                                                "size": evidence.size, "sha256": checked.sha256})
    return evidence


def carry_over_unmet(*, actor, plan: ActionPlan, year, start_year, end_year, title: str = "") -> ActionPlan:
    """The annual evaluation feeds the next work programme: a new draft plan holding the activities not
    fully achieved in ``year``, with their indicators (baseline = what was realised) and targets (the plan's
    own for the new years where it has them, else the unmet target)."""
    from gugus.plans.selectors import evaluate

    _require_manage(actor, plan.scope_code)
    year = _year(year, "year")
    start, end = _year(start_year, "start_year"), _year(end_year, "end_year")
    if start <= year:
        raise GugusError(_("The new period starts after the evaluated year."), field="start_year")
    evaluation = evaluate(plan, year)
    unmet = evaluation.unmet
    if not unmet:
        raise GugusError(_("Every activity met its targets in %(year)s: nothing to carry over.") % {"year": year},
                         field="year")
    with transaction.atomic():
        draft = create_plan(actor=actor, task_force=plan.task_force, kind=plan.kind,
                            title=title or f"{plan.title} — {_('carried over from')} {year}",
                            start_year=start, end_year=end, status=PlanStatus.DRAFT)
        draft.carried_from = plan
        draft.save(update_fields=["carried_from"])
        programmes: dict[int, Programme] = {}
        for row in unmet:
            source = row.activity
            if source.programme_id not in programmes:
                programmes[source.programme_id] = Programme.objects.create(
                    plan=draft, code=source.programme.code, name=source.programme.name,
                    sub_task_force=source.programme.sub_task_force)
            copy = Activity.objects.create(programme=programmes[source.programme_id], code=source.code,
                                           name=source.name, description=source.description,
                                           responsible_agency_id=source.responsible_agency_id,
                                           budget_rupiah=source.budget_rupiah, carried_from=source)
            copy.supporting_agencies.set(source.supporting_agencies.all())
            for ind_row in row.indicators:
                ind = ind_row.indicator
                new = Indicator.objects.create(activity=copy, name=ind.name, unit=ind.unit,
                                               baseline=ind_row.realised if ind_row.realised is not None
                                               else ind.baseline, direction=ind.direction,
                                               metric_code=ind.metric_code)
                own = {t.year: t.value for t in ind.targets.all()}
                fallback = ind_row.target if ind_row.target is not None else max(own.values(), default=Decimal(0))
                IndicatorTarget.objects.bulk_create([IndicatorTarget(indicator=new, year=y, value=own.get(y, fallback))
                                                     for y in draft.years])
        record_event(actor=actor, action="plan.carry_over", object_type=ActionPlan.OBJECT_TYPE,
                     object_id=draft.pk, data={"from_plan": plan.pk, "year": year,
                                               "activities": [r.activity.pk for r in unmet]})
    return draft


# --- coordination meetings ------------------------------------------------------------------------------

def _participants(participants) -> dict[int, int]:
    """``{agency or id: people}`` or an iterable of agencies (one person each)."""
    items = participants.items() if isinstance(participants, Mapping) else ((a, 1) for a in participants)
    clean: dict[int, int] = {}
    for agency, people in items:
        agency = _agency(agency, "participants")
        try:
            people = int(people or 1)
        except (TypeError, ValueError):
            people = 0
        if not 1 <= people <= 1000:
            raise GugusError(_("Enter the number of people (1–1000)."), field="participants")
        clean[agency.pk] = people
    return clean


def create_meeting(*, actor, task_force: TaskForce, title: str, date, place: str = "", agenda: str = "",
                   minutes: str = "", decisions: str = "", participants=()) -> Meeting:
    scope = task_force_code(task_force)
    _require_manage(actor, scope)
    meeting = Meeting(task_force=task_force, scope_code=scope,
                      title=_text(title, "title", required=_("Give the meeting a title."), max_length=250),
                      date=_date(date, "date"), place=_text(place, "place", max_length=200),
                      agenda=_text(agenda, "agenda"), minutes=_text(minutes, "minutes"),
                      decisions=_text(decisions, "decisions"), created_by=actor)
    people = _participants(participants)
    with transaction.atomic():
        meeting.save()
        MeetingParticipant.objects.bulk_create([MeetingParticipant(meeting=meeting, agency_id=pk, attendees=n)
                                                for pk, n in people.items()])
        record_event(actor=actor, action="meeting.create", object_type=Meeting.OBJECT_TYPE, object_id=meeting.pk,
                     data={"task_force": task_force.pk, "date": meeting.date.isoformat(),
                           "participants": sorted(people)})
    return meeting


MEETING_FIELDS = ("title", "date", "place", "agenda", "minutes", "decisions")


def update_meeting(*, actor, meeting: Meeting, participants=None, **changes) -> Meeting:
    """Minutes and decisions are usually written after the meeting: any of MEETING_FIELDS, and the list of
    participating agencies."""
    _require_manage(actor, meeting.scope_code)
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise GugusError(f"Unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        if name == "date":
            value = _date(value, "date")
        else:
            value = _text(value, name, required=_("Give the meeting a title.") if name == "title" else None)
        changes[name] = value
    changed = sorted(n for n, v in changes.items() if getattr(meeting, n) != v)
    with transaction.atomic():
        for name in changed:
            setattr(meeting, name, changes[name])
        if changed:
            meeting.save(update_fields=[*changed, "updated_at"])
        if participants is not None:
            people = _participants(participants)
            meeting.participants.all().delete()
            MeetingParticipant.objects.bulk_create([MeetingParticipant(meeting=meeting, agency_id=pk, attendees=n)
                                                    for pk, n in people.items()])
            changed.append("participants")
        if changed:
            record_event(actor=actor, action="meeting.update", object_type=Meeting.OBJECT_TYPE,
                         object_id=meeting.pk, data={"changed": changed})
    return meeting


def add_follow_up(*, actor, meeting: Meeting, description: str, owner_agency, due_date, case_id=None,
                  activity: Activity | int | None = None, note: str = "") -> FollowUp:
    """A task decided in a meeting. A linked case must be one the actor may see (the same answer for a
    missing and a hidden case); a linked activity must belong to a plan of a task force the actor covers."""
    from gugus.cases.selectors import cases_visible_to
    from gugus.plans.selectors import activities_visible_to

    _require_manage(actor, meeting.scope_code)
    description = _text(description, "description", required=_("Describe the task."))
    owner = _agency(owner_agency, "owner_agency")
    due = _date(due_date, "due_date")
    case = None
    if case_id not in (None, ""):
        try:
            case = cases_visible_to(actor).filter(pk=int(case_id)).first()
        except (TypeError, ValueError):
            case = None
        if case is None:
            raise GugusError(_("No case with this number in your scope."), field="case_id")
    activity_row = None
    if activity not in (None, ""):
        pk = activity.pk if isinstance(activity, Activity) else activity
        activity_row = activities_visible_to(actor).filter(pk=pk).first()
        if activity_row is None:
            raise GugusError(_("Choose an activity of a plan you can see."), field="activity")
    with transaction.atomic():
        follow_up = FollowUp.objects.create(meeting=meeting, description=description, owner_agency=owner,
                                            due_date=due, case=case, activity=activity_row,
                                            note=_text(note, "note"), created_by=actor)
        record_event(actor=actor, action="meeting.follow_up_add", object_type=FollowUp.OBJECT_TYPE,
                     object_id=follow_up.pk, data={"meeting": meeting.pk, "owner": owner.pk,
                                                   "due": due.isoformat(), "case": case.pk if case else None,
                                                   "activity": activity_row.pk if activity_row else None})
    return follow_up


def set_follow_up_status(*, actor, follow_up: FollowUp, status: str, note: str = "") -> FollowUp:
    """The secretariat, or the owner agency's staff, move a task along."""
    owner_staff = (actor.agency_id == follow_up.owner_agency_id
                   and bool(config.rules().report_capabilities & actor.capabilities))
    if not (can_manage(actor, follow_up.meeting.scope_code) or owner_staff):
        raise NotFound()
    if status not in FollowUpStatus.values:
        raise GugusError(_("Choose from the list."), field="status")
    if status == follow_up.status and not note:
        return follow_up
    with transaction.atomic():
        previous = follow_up.status
        follow_up.status = status
        follow_up.completed_on = timezone.localdate() if status == FollowUpStatus.DONE else None
        if note:
            follow_up.note = (follow_up.note + "\n" if follow_up.note else "") + note.strip()
        follow_up.save(update_fields=["status", "completed_on", "note"])
        record_event(actor=actor, action="meeting.follow_up_status", object_type=FollowUp.OBJECT_TYPE,
                     object_id=follow_up.pk, data={"from": previous, "to": status})
    return follow_up


def _reminder_recipients(follow_up: FollowUp) -> list[str]:
    users = User.objects.filter(agency_id=follow_up.owner_agency_id, is_active=True, is_service=False
                                ).exclude(email="")
    return sorted({u.email for u in users if can_view(u)})


def send_reminders(*, today: dt.date | None = None, days_before: int | None = None) -> dict[str, int]:
    """Reminds the owner agency of each open task due soon or overdue, at most once per task per day
    (a FollowUpReminder row per task and day; a second run the same day sends nothing). The e-mail names
    the meeting, task and due date only — never a case's people."""
    from gugus.plans.selectors import follow_ups_to_remind

    today = today or timezone.localdate()
    days_before = config.rules().remind_days_before if days_before is None else days_before
    counts = {"tasks": 0, "emails": 0, "overdue": 0}
    for follow_up in follow_ups_to_remind(today=today, days_before=days_before):
        overdue = follow_up.due_date < today
        recipients = _reminder_recipients(follow_up)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    FollowUpReminder.objects.create(follow_up=follow_up, day=today, overdue=overdue,
                                                    recipients=len(recipients))
            except IntegrityError:
                continue  # another run reminded it today
            record_event(actor=None, action="meeting.follow_up_remind", object_type=FollowUp.OBJECT_TYPE,
                         object_id=follow_up.pk, data={"day": today.isoformat(), "overdue": overdue,
                                                       "recipients": len(recipients)})
            if recipients:
                subject, body = _reminder_text(follow_up, overdue)
                transaction.on_commit(lambda s=subject, b=body, r=recipients: send_mail(
                    s, b, settings.DEFAULT_FROM_EMAIL, r, fail_silently=True))
        counts["tasks"] += 1
        counts["emails"] += 1 if recipients else 0
        counts["overdue"] += int(overdue)
    return counts


def _reminder_text(follow_up: FollowUp, overdue: bool) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        params = {"task": follow_up.description[:120], "due": follow_up.due_date.isoformat(),
                  "meeting": follow_up.meeting.title, "date": follow_up.meeting.date.isoformat(),
                  "task_force": follow_up.meeting.task_force.name}
        if overdue:
            subject = _("OVERDUE follow-up task: %(task)s (due %(due)s)") % params
        else:
            subject = _("Follow-up task due %(due)s: %(task)s") % params
        body = _("Task: %(task)s\nDue: %(due)s\nDecided in: %(meeting)s (%(date)s), %(task_force)s\n\n"
                 "Open Gugus to update its status.") % params
    return subject, body


# --- socialisation events -------------------------------------------------------------------------------

def _attendance(attendance: Mapping) -> dict[tuple[str, str], int]:
    """``{("F", "child"): 12, ("M", "18_24"): 30}``."""
    clean: dict[tuple[str, str], int] = {}
    for (sex, age_group), count in attendance.items():
        key = (_code("sexes", sex, "attendance"), _code("age_groups", age_group, "attendance"))
        try:
            count = int(count or 0)
        except (TypeError, ValueError):
            count = -1
        if not 0 <= count <= 1_000_000:
            raise GugusError(_("Enter the number of participants."), field="attendance")
        if count:
            clean[key] = clean.get(key, 0) + count
    return clean


def create_event(*, actor, task_force: TaskForce, title: str, date, region_code: str, target_group: str,
                 channel: str, attendance: Mapping | None = None, place: str = "", materials: str = "",
                 organiser=None, activity: Activity | None = None) -> SocialisationEvent:
    """A socialisation or advocacy event held in a region inside the task force's (any region for the
    national task force); participants counted by sex and age group."""
    from gugus.plans.selectors import activities_visible_to

    scope = task_force_code(task_force)
    _require_manage(actor, scope)
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        raise GugusError(_("Unknown region code."), field="region_code")
    if scope and not is_inside(region.code, scope):
        raise GugusError(_("The region lies outside the task force's region."), field="region_code")
    counts = _attendance(attendance or {})
    event = SocialisationEvent(
        task_force=task_force, scope_code=scope, region=region, date=_date(date, "date"),
        title=_text(title, "title", required=_("Give the event a title."), max_length=250),
        target_group=_code("target_groups", target_group, "target_group"),
        channel=_code("channels", channel, "channel"), place=_text(place, "place", max_length=200),
        materials=_text(materials, "materials"),
        organiser=_agency(organiser, "organiser") if organiser not in (None, "") else None,
        participants_total=sum(counts.values()), created_by=actor)
    if activity is not None and not activities_visible_to(actor).filter(pk=activity.pk).exists():
        raise GugusError(_("Choose an activity of a plan you can see."), field="activity")
    event.activity = activity
    with transaction.atomic():
        event.save()
        EventAttendance.objects.bulk_create([EventAttendance(event=event, sex=s, age_group=a, count=n)
                                             for (s, a), n in sorted(counts.items())])
        record_event(actor=actor, action="event.create", object_type=SocialisationEvent.OBJECT_TYPE,
                     object_id=event.pk, data={"task_force": task_force.pk, "region": region.code,
                                               "date": event.date.isoformat(), "participants": event.participants_total,
                                               "target_group": event.target_group, "channel": event.channel})
    return event


__all__ = [
    "OPEN_STATUSES", "add_activity", "add_follow_up", "add_indicator", "add_programme", "attach_evidence",
    "carry_over_unmet", "create_event", "create_meeting", "create_plan", "file_progress", "send_reminders",
    "set_follow_up_status", "set_plan_status", "update_meeting",
]
