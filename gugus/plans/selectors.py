"""Scoped reads of plans, meetings, follow-ups and events. Every page, export and report starts here;
a record outside the user's scope and a missing one raise the same NotFound."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from gugus.accounts.models import TaskForce
from gugus.accounts.selectors import task_forces_visible_to
from gugus.audit.actions import record_event
from gugus.core.errors import NotFound
from gugus.plans import metrics
from gugus.plans.access import can_manage, can_view, covers
from gugus.plans.models import (
    OPEN_STATUSES,
    ActionPlan,
    Activity,
    Direction,
    EventAttendance,
    Evidence,
    FollowUp,
    Indicator,
    IndicatorTarget,
    Meeting,
    Programme,
    ProgressReport,
    Realisation,
    SocialisationEvent,
)
from gugus.regions.selectors import descendants_q


def _scope_q(user) -> Q | None:
    """Rows (with a ``scope_code``) in the user's jurisdiction; None when the user may see everything."""
    jurisdiction = user.jurisdiction
    if jurisdiction == "":
        return None
    if jurisdiction:
        return descendants_q(jurisdiction, "scope_code")
    return Q(pk__in=[])


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


# --- task forces ----------------------------------------------------------------------------------------

def task_forces_managed_by(user) -> QuerySet[TaskForce]:
    """Task forces the user may write plans, meetings and events for."""
    if not can_manage(user):
        return TaskForce.objects.none()
    qs = task_forces_visible_to(user)
    return TaskForce.objects.filter(pk__in=[tf.pk for tf in qs if covers(user, tf.region_id or "")])


def get_managed_task_force(user, pk) -> TaskForce:
    tf = task_forces_managed_by(user).filter(pk=_pk(pk)).select_related("region").first()
    if tf is None:
        raise NotFound()
    return tf


# --- plans --------------------------------------------------------------------------------------------------

def plans_visible_to(user) -> QuerySet[ActionPlan]:
    if not can_view(user):
        return ActionPlan.objects.none()
    qs = ActionPlan.objects.select_related("task_force", "task_force__region")
    scope = _scope_q(user)
    if scope is None:
        return qs
    if user.agency_id:
        named = Activity.objects.filter(Q(responsible_agency_id=user.agency_id)
                                        | Q(supporting_agencies=user.agency_id)).values("programme__plan_id")
        scope |= Q(pk__in=named)
    return qs.filter(scope)


def get_plan(user, pk) -> ActionPlan:
    plan = plans_visible_to(user).filter(pk=_pk(pk)).first()
    if plan is None:
        raise NotFound()
    return plan


def get_managed_plan(user, pk) -> ActionPlan:
    plan = get_plan(user, pk)
    if not can_manage(user, plan.scope_code):
        raise NotFound()
    return plan


def get_programme(user, pk) -> Programme:
    programme = Programme.objects.filter(pk=_pk(pk), plan__in=plans_visible_to(user)).select_related("plan").first()
    if programme is None:
        raise NotFound()
    return programme


def activities_visible_to(user) -> QuerySet[Activity]:
    return Activity.objects.filter(programme__plan__in=plans_visible_to(user)).select_related(
        "programme", "programme__plan", "responsible_agency")


def get_activity(user, pk) -> Activity:
    activity = activities_visible_to(user).filter(pk=_pk(pk)).first()
    if activity is None:
        raise NotFound()
    return activity


def get_indicator(user, pk) -> Indicator:
    indicator = (Indicator.objects.filter(pk=_pk(pk), activity__in=activities_visible_to(user))
                 .select_related("activity", "activity__programme__plan").first())
    if indicator is None:
        raise NotFound()
    return indicator


def get_evidence(user, pk) -> Evidence:
    """One evidence file for ``user``, with the download recorded (evidence may show people)."""
    evidence = (Evidence.objects.filter(pk=_pk(pk), report__activity__in=activities_visible_to(user))
                .select_related("report", "report__activity").first())
    if evidence is None:
        raise NotFound()
    record_event(actor=user, action="plan.evidence_download", object_type=ProgressReport.OBJECT_TYPE,
                 object_id=evidence.report_id, data={"evidence": evidence.pk})
    return evidence


def plan_tree(plan: ActionPlan) -> list[Programme]:
    """Programmes → activities → indicators (with targets) and reports (with values and evidence), in a
    fixed number of queries whatever the plan's size."""
    indicators = Indicator.objects.prefetch_related(Prefetch("targets", queryset=IndicatorTarget.objects.all()))
    reports = ProgressReport.objects.select_related("agency").prefetch_related("realisations", "evidence")
    activities = (Activity.objects.select_related("responsible_agency")
                  .prefetch_related("supporting_agencies", Prefetch("indicators", queryset=indicators),
                                    Prefetch("reports", queryset=reports)))
    return list(plan.programmes.prefetch_related(Prefetch("activities", queryset=activities)))


# --- achievement ----------------------------------------------------------------------------------------

HUNDRED = Decimal(100)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def achievement(realised: Decimal | None, target: Decimal | None, direction: str = Direction.INCREASE
                ) -> Decimal | None:
    """Achievement % of a target: realisation / target (or target / realisation when lower is better).
    None when there is nothing to compare; may exceed 100."""
    if realised is None or target is None:
        return None
    if direction == Direction.DECREASE:
        if realised <= 0:
            return HUNDRED
        return _round(target / realised * HUNDRED)
    if target == 0:
        return HUNDRED if realised >= 0 else Decimal(0)
    return _round(realised / target * HUNDRED)


def report_for_year(activity: Activity, year: int) -> ProgressReport | None:
    """The report that stands for the year: the whole-year report, else the latest semester."""
    rows = [r for r in activity.reports.all() if r.year == year]
    whole = [r for r in rows if r.semester == 0]
    if whole:
        return whole[0]
    return max(rows, key=lambda r: r.semester, default=None)


@dataclass
class IndicatorRow:
    indicator: Indicator
    target: Decimal | None
    realised: Decimal | None
    percent: Decimal | None
    computed: bool
    metric_label: str = ""


@dataclass
class ActivityRow:
    activity: Activity
    report: ProgressReport | None
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        """The mean of the indicators' achievement, each capped at 100."""
        values = [min(r.percent, HUNDRED) for r in self.indicators if r.percent is not None]
        return _round(sum(values) / len(values)) if values else None

    @property
    def met(self) -> bool:
        return self.percent is not None and self.percent >= HUNDRED


@dataclass
class ProgrammeRow:
    programme: Programme
    activities: list[ActivityRow]

    @property
    def percent(self) -> Decimal | None:
        values = [a.percent for a in self.activities if a.percent is not None]
        return _round(sum(values) / len(values)) if values else None

    @property
    def budget(self) -> int:
        return sum(a.activity.budget_rupiah for a in self.activities)

    @property
    def budget_realised(self) -> int:
        return sum(a.report.budget_realised_rupiah for a in self.activities if a.report)


@dataclass
class Evaluation:
    plan: ActionPlan
    year: int
    programmes: list[ProgrammeRow]

    @property
    def activities(self) -> list[ActivityRow]:
        return [a for p in self.programmes for a in p.activities]

    @property
    def percent(self) -> Decimal | None:
        values = [a.percent for a in self.activities if a.percent is not None]
        return _round(sum(values) / len(values)) if values else None

    @property
    def unmet(self) -> list[ActivityRow]:
        return [a for a in self.activities if not a.met]

    @property
    def budget(self) -> int:
        return sum(p.budget for p in self.programmes)

    @property
    def budget_realised(self) -> int:
        return sum(p.budget_realised for p in self.programmes)


def indicator_row(indicator: Indicator, report: ProgressReport | None, year: int, region_code: str
                  ) -> IndicatorRow:
    target = next((t.value for t in indicator.targets.all() if t.year == year), None)
    if indicator.metric_code:
        metric = metrics.get(indicator.metric_code)
        realised = metric.value(region_code, year) if metric else None
        return IndicatorRow(indicator, target, realised, achievement(realised, target, indicator.direction),
                            True, metric.label() if metric else indicator.metric_code)
    realised = None
    if report is not None:
        realised = next((r.value for r in report.realisations.all() if r.indicator_id == indicator.pk), None)
    return IndicatorRow(indicator, target, realised, achievement(realised, target, indicator.direction), False)


def evaluate(plan: ActionPlan, year: int) -> Evaluation:
    """Plan against realisation for one year: the figures of the plan page, the report and the carry-over."""
    rows = []
    for programme in plan_tree(plan):
        activity_rows = []
        for activity in programme.activities.all():
            report = report_for_year(activity, year)
            row = ActivityRow(activity, report)
            row.indicators = [indicator_row(i, report, year, plan.scope_code) for i in activity.indicators.all()]
            activity_rows.append(row)
        rows.append(ProgrammeRow(programme, activity_rows))
    return Evaluation(plan, year, rows)


def default_year(plan: ActionPlan) -> int:
    year = timezone.localdate().year
    return min(max(year, plan.start_year), plan.end_year)


# --- meetings and follow-ups ----------------------------------------------------------------------------

def meetings_visible_to(user) -> QuerySet[Meeting]:
    if not can_view(user):
        return Meeting.objects.none()
    qs = Meeting.objects.select_related("task_force")
    scope = _scope_q(user)
    if scope is None:
        return qs
    if user.agency_id:
        scope |= Q(pk__in=Meeting.objects.filter(
            Q(participants__agency_id=user.agency_id) | Q(follow_ups__owner_agency_id=user.agency_id)
        ).values("pk"))
    return qs.filter(scope)


def get_meeting(user, pk) -> Meeting:
    meeting = meetings_visible_to(user).filter(pk=_pk(pk)).first()
    if meeting is None:
        raise NotFound()
    return meeting


def follow_ups_visible_to(user) -> QuerySet[FollowUp]:
    return (FollowUp.objects.filter(meeting__in=meetings_visible_to(user))
            .select_related("meeting", "meeting__task_force", "owner_agency", "case", "activity"))


def get_follow_up(user, pk) -> FollowUp:
    follow_up = follow_ups_visible_to(user).filter(pk=_pk(pk)).first()
    if follow_up is None:
        raise NotFound()
    return follow_up


def overdue_follow_ups(user, *, today: dt.date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return follow_ups_visible_to(user).filter(status__in=OPEN_STATUSES, due_date__lt=today).order_by("due_date")


def follow_ups_to_remind(*, today: dt.date, days_before: int) -> QuerySet[FollowUp]:
    """Open tasks due within ``days_before`` days or overdue that got no reminder today (for the command,
    which acts for the system, not for a user)."""
    return (FollowUp.objects.filter(status__in=OPEN_STATUSES, due_date__lte=today + dt.timedelta(days=days_before))
            .exclude(reminders__day=today).select_related("meeting", "meeting__task_force", "owner_agency")
            .order_by("due_date", "id"))


# --- socialisation events -------------------------------------------------------------------------------

def events_visible_to(user) -> QuerySet[SocialisationEvent]:
    if not can_view(user):
        return SocialisationEvent.objects.none()
    qs = SocialisationEvent.objects.select_related("task_force", "region", "organiser")
    scope = _scope_q(user)
    return qs if scope is None else qs.filter(scope)


def get_event(user, pk) -> SocialisationEvent:
    event = events_visible_to(user).filter(pk=_pk(pk)).first()
    if event is None:
        raise NotFound()
    return event


@dataclass
class ReachRow:
    code: str
    name: str
    events: int = 0
    participants: int = 0
    female: int = 0
    male: int = 0
    children: int = 0
    by_target_group: dict[str, int] = field(default_factory=dict)


def reach(user, *, date_from: dt.date | None = None, date_to: dt.date | None = None, level: int = 2,
          region: str = "") -> list[ReachRow]:
    """Events and participants per region (province with ``level`` 1, kab/kota with 2) in a period."""
    from gugus.regions.models import Region

    events = events_visible_to(user)
    if date_from:
        events = events.filter(date__gte=date_from)
    if date_to:
        events = events.filter(date__lte=date_to)
    if region:
        events = events.filter(descendants_q(region, "region__code"))
    width = 2 if level == 1 else 5
    rows: dict[str, ReachRow] = {}
    event_region: dict[int, str] = {}
    for pk, code, total, group in events.values_list("pk", "region_id", "participants_total", "target_group"):
        key = code[:width]
        row = rows.setdefault(key, ReachRow(key, ""))
        row.events += 1
        row.participants += total
        row.by_target_group[group] = row.by_target_group.get(group, 0) + total
        event_region[pk] = key
    counts = (EventAttendance.objects.filter(event_id__in=list(event_region)).values("event_id", "sex", "age_group")
              .annotate(n=Sum("count")))
    for c in counts:
        row = rows[event_region[c["event_id"]]]
        if c["sex"] == "F":
            row.female += c["n"]
        elif c["sex"] == "M":
            row.male += c["n"]
        if c["age_group"] == "child":
            row.children += c["n"]
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for row in rows.values():
        row.name = names.get(row.code, row.code)
    return sorted(rows.values(), key=lambda r: r.code)


def attendance_table(event: SocialisationEvent) -> dict[tuple[str, str], int]:
    table: dict[tuple[str, str], int] = defaultdict(int)
    for a in event.attendance.all():
        table[(a.sex, a.age_group)] += a.count
    return table


def realisation_values(report: ProgressReport) -> dict[int, Decimal]:
    return {r.indicator_id: r.value for r in Realisation.objects.filter(report=report)}
