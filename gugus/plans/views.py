"""Pages of the plans room: thin views over plans.selectors (reads) and plans.actions (writes).

Missing and out-of-scope records are the same 404; a role without plans rights gets 404 too.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gugus.core.errors import GugusError
from gugus.core.views import attach_error, room_page
from gugus.plans import actions, config, reports, selectors
from gugus.plans.access import can_manage, can_report, can_view
from gugus.plans.forms import (
    ActivityForm,
    CarryOverForm,
    EventForm,
    FollowUpForm,
    FollowUpStatusForm,
    IndicatorForm,
    MeetingForm,
    MinutesForm,
    PlanForm,
    ProgrammeForm,
    ProgressForm,
    ReachForm,
    StatusForm,
)
from gugus.plans.models import OPEN_STATUSES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


plans_page = room_page(can_view)  # a role that may read plans


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _stamp() -> str:
    return timezone.localdate().strftime("%Y%m%d")


# --- plans ----------------------------------------------------------------------------------------------

@plans_page
def plan_list(request):
    plans = selectors.plans_visible_to(request.user)
    if request.GET.get("format") == "xlsx":
        return _download(reports.plans_xlsx(plans), f"rencana-aksi-{_stamp()}.xlsx", XLSX)
    return render(request, "plans/plan_list.html", {"plans": plans, "can_manage": can_manage(request.user)})


@plans_page
def plan_create(request):
    if not can_manage(request.user):
        raise Http404()
    year = timezone.localdate().year
    form = PlanForm(request.POST or None, task_forces=selectors.task_forces_managed_by(request.user),
                    initial={"start_year": year, "end_year": year + 4, "kind": "RAD"})
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(actor=request.user, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Action plan created."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("New action plan"),
                                               "back": ("plans:plan_list", None)})


@plans_page
def plan_detail(request, pk):
    plan = selectors.get_plan(request.user, pk)
    try:
        year = int(request.GET.get("year") or selectors.default_year(plan))
    except ValueError:
        year = selectors.default_year(plan)
    if year not in plan.years:
        year = selectors.default_year(plan)
    evaluation = selectors.evaluate(plan, year)
    manage = can_manage(request.user, plan.scope_code)
    reportable = {row.activity.pk for row in evaluation.activities if can_report(request.user, row.activity)}
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "evaluation": evaluation, "year": year, "manage": manage, "reportable": reportable,
        "programme_form": ProgrammeForm() if manage else None,
        "status_form": StatusForm(initial={"status": plan.status}) if manage else None,
        "carry_form": CarryOverForm(initial={"year": year, "start_year": year + 1, "end_year": year + 1})
        if manage else None,
    })


@plans_page
@require_POST
def plan_status(request, pk):
    plan = selectors.get_managed_plan(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        actions.set_plan_status(actor=request.user, plan=plan, status=form.cleaned_data["status"])
        messages.success(request, _("Status changed."))
    return redirect("plans:plan_detail", pk=plan.pk)


@plans_page
def programme_add(request, pk):
    plan = selectors.get_managed_plan(request.user, pk)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_programme(actor=request.user, plan=plan, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Programme added."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Add a programme"), "context_title": plan,
                                               "back": ("plans:plan_detail", plan.pk)})


@plans_page
def activity_add(request, pk):
    programme = selectors.get_programme(request.user, pk)
    plan = selectors.get_managed_plan(request.user, programme.plan_id)
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_activity(actor=request.user, programme=programme, code=data["code"], name=data["name"],
                                 description=data["description"], responsible_agency=data["responsible_agency"],
                                 supporting_agencies=data["supporting_agencies"],
                                 budget_rupiah=data["budget_rupiah"] or 0)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Activity added."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Add an activity"),
                                               "context_title": programme, "back": ("plans:plan_detail", plan.pk)})


@plans_page
def indicator_add(request, pk):
    activity = selectors.get_activity(request.user, pk)
    plan = selectors.get_managed_plan(request.user, activity.programme.plan_id)
    form = IndicatorForm(request.POST or None, years=plan.years)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_indicator(actor=request.user, activity=activity, name=data["name"], unit=data["unit"],
                                  baseline=data["baseline"] or 0, direction=data["direction"],
                                  metric_code=data["metric_code"], targets=form.targets())
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Indicator added."))
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Add an indicator"),
                                               "context_title": activity, "back": ("plans:plan_detail", plan.pk)})


@plans_page
def progress(request, pk):
    activity = selectors.get_activity(request.user, pk)
    if not can_report(request.user, activity):
        raise Http404()
    plan = activity.programme.plan
    indicators = list(activity.indicators.all())
    year = selectors.default_year(plan)
    form = ProgressForm(request.POST or None, request.FILES or None, years=plan.years, indicators=indicators,
                        initial={"year": year, "semester": 0})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.file_progress(actor=request.user, activity=activity, year=data["year"],
                                  semester=data["semester"], values=form.values(), narrative=data["narrative"],
                                  obstacles=data["obstacles"], interventions=data["interventions"],
                                  budget_realised_rupiah=data["budget_realised_rupiah"] or 0,
                                  evidence=[data["evidence"]] if data["evidence"] else [])
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Progress report saved."))
            return redirect(f"{_url('plans:plan_detail', plan.pk)}?year={data['year']}")
    computed = [i for i in indicators if i.computed]
    return render(request, "plans/progress_form.html", {"form": form, "activity": activity, "plan": plan,
                                                        "computed": computed,
                                                        "reports": activity.reports.prefetch_related("evidence")})


def _url(name, pk):
    from django.urls import reverse

    return reverse(name, args=[pk])


@plans_page
def evidence_download(request, pk):
    evidence = selectors.get_evidence(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@plans_page
def plan_report(request, pk, year, fmt):
    plan = selectors.get_plan(request.user, pk)
    if year not in plan.years or fmt not in ("pdf", "xlsx"):
        raise Http404()
    evaluation = selectors.evaluate(plan, year)
    name = f"evaluasi-{plan.kind.lower()}-{plan.pk}-{year}"
    if fmt == "pdf":
        return _download(reports.evaluation_pdf(evaluation), f"{name}.pdf", "application/pdf")
    return _download(reports.evaluation_xlsx(evaluation), f"{name}.xlsx", XLSX)


@plans_page
@require_POST
def plan_carry_over(request, pk):
    plan = selectors.get_managed_plan(request.user, pk)
    form = CarryOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the years."))
        return redirect("plans:plan_detail", pk=plan.pk)
    try:
        draft = actions.carry_over_unmet(actor=request.user, plan=plan, **form.cleaned_data)
    except GugusError as exc:
        messages.error(request, exc.message)
        return redirect("plans:plan_detail", pk=plan.pk)
    messages.success(request, _("Unmet activities carried over into a new draft."))
    return redirect("plans:plan_detail", pk=draft.pk)


# --- meetings -------------------------------------------------------------------------------------------

@plans_page
def meeting_list(request):
    meetings = selectors.meetings_visible_to(request.user)
    if request.GET.get("format") == "xlsx":
        return _download(reports.meetings_xlsx(meetings), f"rapat-koordinasi-{_stamp()}.xlsx", XLSX)
    return render(request, "plans/meeting_list.html", {
        "meetings": meetings.prefetch_related("follow_ups"), "can_manage": can_manage(request.user),
        "overdue": selectors.overdue_follow_ups(request.user).count()})


@plans_page
def meeting_create(request):
    if not can_manage(request.user):
        raise Http404()
    form = MeetingForm(request.POST or None, task_forces=selectors.task_forces_managed_by(request.user),
                       initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(actor=request.user, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("plans:meeting_detail", pk=meeting.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Record a meeting"),
                                               "back": ("plans:meeting_list", None)})


@plans_page
def meeting_detail(request, pk):
    from gugus.cases.selectors import cases_visible_to

    meeting = selectors.get_meeting(request.user, pk)
    manage = can_manage(request.user, meeting.scope_code)
    follow_up_form = minutes_form = None
    if manage:
        follow_up_form = FollowUpForm(request.POST if request.POST.get("form") == "follow_up" else None,
                                      activities=selectors.activities_visible_to(request.user))
        minutes_form = MinutesForm(request.POST if request.POST.get("form") == "minutes" else None,
                                   initial={"minutes": meeting.minutes, "decisions": meeting.decisions})
    if request.method == "POST" and manage:
        form = follow_up_form if request.POST.get("form") == "follow_up" else minutes_form
        if form.is_valid():
            try:
                if form is follow_up_form:
                    actions.add_follow_up(actor=request.user, meeting=meeting, **form.cleaned_data)
                else:
                    actions.update_meeting(actor=request.user, meeting=meeting, **form.cleaned_data)
            except GugusError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("plans:meeting_detail", pk=meeting.pk)
    follow_ups = list(meeting.follow_ups.select_related("owner_agency", "activity", "case"))
    visible_cases = set(cases_visible_to(request.user).filter(
        pk__in=[f.case_id for f in follow_ups if f.case_id]).values_list("pk", flat=True))
    return render(request, "plans/meeting_detail.html", {
        "meeting": meeting, "manage": manage, "follow_ups": follow_ups, "visible_cases": visible_cases,
        "participants": meeting.participants.select_related("agency"), "follow_up_form": follow_up_form,
        "minutes_form": minutes_form, "status_form": FollowUpStatusForm(), "today": timezone.localdate(),
        "open_statuses": OPEN_STATUSES})


@plans_page
@require_POST
def follow_up_status(request, pk):
    follow_up = selectors.get_follow_up(request.user, pk)
    form = FollowUpStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.set_follow_up_status(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except GugusError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status changed."))
    if request.POST.get("next") == "overdue":
        return redirect("plans:overdue")
    return redirect("plans:meeting_detail", pk=follow_up.meeting_id)


@plans_page
def overdue(request):
    return render(request, "plans/overdue.html", {"follow_ups": selectors.overdue_follow_ups(request.user),
                                                  "today": timezone.localdate(),
                                                  "status_form": FollowUpStatusForm()})


# --- socialisation --------------------------------------------------------------------------------------

@plans_page
def event_list(request):
    events = selectors.events_visible_to(request.user)
    if request.GET.get("format") == "xlsx":
        return _download(reports.events_xlsx(events), f"sosialisasi-{_stamp()}.xlsx", XLSX)
    return render(request, "plans/event_list.html", {"events": events, "can_manage": can_manage(request.user)})


@plans_page
def event_create(request):
    if not can_manage(request.user):
        raise Http404()
    form = EventForm(request.POST or None, task_forces=selectors.task_forces_managed_by(request.user),
                     initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        for key in [k for k in data if k.startswith("n_")]:
            data.pop(key)
        try:
            event = actions.create_event(actor=request.user, attendance=form.attendance(), **data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("plans:event_detail", pk=event.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Record a socialisation event"),
                                               "back": ("plans:event_list", None)})


@plans_page
def event_detail(request, pk):
    event = selectors.get_event(request.user, pk)
    table = selectors.attendance_table(event)
    sexes, ages = list(config.vocabulary("sexes").values()), list(config.vocabulary("age_groups").values())
    rows = [(s, [table.get((s.code, a.code), 0) for a in ages]) for s in sexes]
    return render(request, "plans/event_detail.html", {"event": event, "ages": ages, "rows": rows,
                                                       "target_group": config.label("target_groups",
                                                                                    event.target_group),
                                                       "channel": config.label("channels", event.channel)})


@plans_page
def reach(request):
    form = ReachForm(request.GET or None)
    today = timezone.localdate()
    filters = {"date_from": dt.date(today.year, 1, 1), "date_to": today, "level": 2}
    if form.is_valid():
        filters.update({k: v for k, v in form.cleaned_data.items() if v})
    rows = selectors.reach(request.user, **filters)
    groups = [g for g in config.vocabulary("target_groups").values() if not g.retired]
    return render(request, "plans/reach.html", {
        "form": form, "filters": filters, "groups": groups,
        "rows": [(r, [r.by_target_group.get(g.code, 0) for g in groups]) for r in rows],
        "totals": {"events": sum(r.events for r in rows), "participants": sum(r.participants for r in rows),
                   "female": sum(r.female for r in rows), "male": sum(r.male for r in rows),
                   "children": sum(r.children for r in rows)},
        "query": urlencode({k: v for k, v in filters.items() if v}),
    })
