"""Person pages: thin views over the cases actions and selectors."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gugus.cases import actions, selectors
from gugus.cases.forms import (
    BreakGlassForm,
    CaseFilterForm,
    CaseForm,
    EventForm,
    IdentificationForm,
    ParticipantForm,
    PersonForm,
    PersonSearchForm,
    StageForm,
    VerdictForm,
)
from gugus.cases.identification import IdentificationAnswers
from gugus.cases.identifiers import check_nik
from gugus.cases.stages import allowed_next
from gugus.core.errors import Conflict, GugusError, NotFound
from gugus.core.paging import page_of
from gugus.core.views import attach_error, require
from gugus.regions.models import Region


def person_list(request):
    require(request.user, "person.view")
    form = PersonSearchForm(request.GET or None)
    query = nik = ""
    if form.is_valid():
        query, nik = form.cleaned_data["q"], form.cleaned_data["nik"]
    page = page_of(selectors.search_persons(request.user, query=query, nik=nik), request.GET.get("page"), 25)
    selectors.record_list_read(request.user, page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/person_list.html", {"form": form, "page": page, "query": params.urlencode()})


def _person_or_404(request, pk, purpose="view"):
    try:
        return selectors.get_person(request.user, pk, purpose=purpose)
    except NotFound:
        raise Http404() from None


def person_detail(request, pk):
    require(request.user, "person.view")
    person = _person_or_404(request, pk)
    participations = selectors.cases_of_person(request.user, person)
    return render(request, "cases/person_detail.html", {"person": person, "participations": participations})


PERSON_FORM_FIELDS = ("full_name", "sex", "birth_date", "estimated_age", "origin_region", "nationality", "nik",
                      "passport", "bank_account", "social_handle")


def _form_values(data: dict) -> dict:
    values = {k: data[k] for k in PERSON_FORM_FIELDS}
    values["phone"] = [p.strip() for p in (data.get("phone") or "").split(",") if p.strip()]
    return values


def _identifier_initial(person) -> dict:
    by_kind: dict[str, list[str]] = {}
    for identifier in person.identifiers.all():
        by_kind.setdefault(identifier.kind, []).append(identifier.value)
    return {kind: ", ".join(values) for kind, values in by_kind.items()}


def person_create(request):
    require(request.user, "person.create")
    form = PersonForm(request.POST or None, initial={"nationality": "ID"})
    if request.method == "POST" and form.is_valid():
        try:
            person, warnings = actions.create_person(actor=request.user, **_form_values(form.cleaned_data))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Person recorded."))
            return redirect("cases:person_detail", pk=person.pk)
    return render(request, "cases/person_form.html", {"form": form, "creating": True})


def person_edit(request, pk):
    require(request.user, "person.edit")
    person = _person_or_404(request, pk, purpose="edit_view")
    initial = {
        "full_name": person.full_name, "sex": person.sex, "birth_date": person.birth_date,
        "estimated_age": person.estimated_age, "origin_region": person.origin_region_id or "",
        "nationality": person.nationality_id or "", "version": person.version, **_identifier_initial(person),
    }
    form = PersonForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            _person, warnings = actions.update_person(
                actor=request.user, person=person, expected_version=form.cleaned_data["version"] or 0,
                **_form_values(form.cleaned_data))
        except Conflict as exc:
            # Show what the other officer saved; resubmitting (after review) applies on top of it.
            conflict = True
            person = _person_or_404(request, pk, purpose="edit_view")
            form.data = form.data.copy()
            form.data["version"] = person.version
            form.add_error(None, exc.message)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Changes saved."))
            return redirect("cases:person_detail", pk=person.pk)
    status = 409 if conflict else 200
    return render(request, "cases/person_form.html", {"form": form, "person": person, "conflict": conflict},
                  status=status)


def break_glass(request):
    require(request.user, "break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.open_person_in_emergency(actor=request.user, person_id=form.cleaned_data["person_id"],
                                             reason=form.cleaned_data["reason"])
        except NotFound:
            form.add_error("person_id", _("No person record with this ID."))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.warning(request, _("Emergency access opened. It expires automatically and is logged."))
            return redirect("cases:person_detail", pk=form.cleaned_data["person_id"])
    return render(request, "cases/break_glass.html", {"form": form})


# --- cases ----------------------------------------------------------------------------------------------------

def case_list(request):
    require(request.user, "person.view")
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseFilters(
            region=data["region"], status=data["status"], stage=data["stage"],
            exploitation_type=data["exploitation_type"], reported_from=data["reported_from"],
            reported_to=data["reported_to"], child=data["child"], q=data["q"])
    page = page_of(selectors.filter_cases(request.user, filters), request.GET.get("page"), 25)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/case_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _case_or_404(request, pk, purpose="view"):
    try:
        return selectors.get_case(request.user, pk, purpose=purpose)
    except NotFound:
        raise Http404() from None


@dataclass(frozen=True)
class SidePanel:
    """One form beside the case page: loaded when opened (htmx), or on a page of its own without JavaScript."""

    key: str  # the form's name in the page context, also its POST view's ``_submit`` key
    url_name: str
    capability: str
    title: str
    button: str


SIDE_PANELS = (
    SidePanel("stage_form", "cases:case_record_stage", "process.edit", gettext_lazy("Record a process stage"),
              gettext_lazy("Record stage")),
    SidePanel("verdict_form", "cases:case_verdict", "process.edit", gettext_lazy("Record a verdict"),
              gettext_lazy("Save verdict")),
    SidePanel("participant_form", "cases:case_add_participant", "person.edit", gettext_lazy("Add a person"),
              gettext_lazy("Add")),
    SidePanel("event_form", "cases:case_add_event", "person.edit",
              gettext_lazy("Record an event (recruitment, transit, exploitation)"), gettext_lazy("Record event")),
    SidePanel("identification_form", "cases:case_identify", "person.edit", gettext_lazy("Identify: is this TPPO?"),
              gettext_lazy("Assess")),
    SidePanel("case_form", "cases:case_edit", "person.edit", gettext_lazy("Edit case details"), gettext_lazy("Save")),
)
# The side views are named as their URLs.
PANEL_OF_VIEW = {p.url_name.removeprefix("cases:"): p for p in SIDE_PANELS}
ROLE_ORDER = {"victim": 0, "witness": 1, "perpetrator": 2}


def _participants(case) -> list:
    # selectors.get_case fetched them with their persons.
    return sorted(case.participants.all(), key=lambda p: (ROLE_ORDER[p.role], p.pk))


def _blank_form(key: str, case, participants: list):
    """The empty form of one side panel for this case."""
    victims = [p for p in participants if p.role == "victim"]
    if key == "participant_form":
        return ParticipantForm()
    if key == "event_form":
        return EventForm()
    if key == "stage_form":
        allowed = allowed_next(case.current_stage or None)
        return StageForm(allowed=allowed, initial={"stage": allowed[0] if allowed else None})
    if key == "identification_form":
        # With one victim, the assessment is about them (and uses their age at the time of the events).
        return IdentificationForm(victims=victims, initial={"victim": victims[0].pk if len(victims) == 1 else None})
    if key == "verdict_form":
        return VerdictForm(defendants=[p for p in participants if p.role == "perpetrator"])
    if key == "case_form":
        return CaseForm(initial={**{f: getattr(case, f) for f in
                                    ("reported_on", "police_report_number", "other_reference", "status", "summary")},
                                 "version": case.version})
    raise KeyError(key)


def _panels(request, case, participants: list, bound: dict) -> list[dict]:
    """The side panels this user may use; a bound form (one with errors) is shown open, the others load when
    opened, which keeps the case page small (the forms are most of its weight)."""
    has_perpetrators = any(p.role == "perpetrator" for p in participants)
    capabilities = request.user.capabilities
    return [{"panel": panel, "url": reverse(panel.url_name, args=[case.pk]), "form": bound.get(panel.key)}
            for panel in SIDE_PANELS
            if panel.capability in capabilities and (panel.key != "verdict_form" or has_perpetrators)]


def _render_case(request, case, status=200, conflict=False, **bound):
    participants = _participants(case)
    timeline = selectors.case_timeline(case)
    identifications = [item["obj"] for item in timeline if item["kind"] == "identification"]
    context = {
        "case": case, "participants": participants, "timeline": timeline,
        # The newest assessment (the latest of the day, and of that, the last recorded).
        "latest_identification": max(identifications, key=lambda i: (i.assessed_at, i.pk), default=None),
        "panels": _panels(request, case, participants, bound), "conflict": conflict, **bound,
    }
    return render(request, "cases/case_detail.html", context, status=status)


def case_detail(request, pk):
    require(request.user, "person.view")
    return _render_case(request, _case_or_404(request, pk))


def case_create(request):
    require(request.user, "person.create")
    form = CaseForm(request.POST or None, initial={"intake_key": uuid.uuid4().hex, "status": "Active"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.create_case(actor=request.user, reported_on=data["reported_on"], summary=data["summary"],
                                       police_report_number=data["police_report_number"],
                                       other_reference=data["other_reference"], status=data["status"],
                                       intake_key=data["intake_key"] or None)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("cases:case_detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


def _side_form(view):
    """A side panel's view: POST writes through ``view``; GET shows the empty form, as an htmx fragment for
    the case page or as a page of its own (without JavaScript)."""
    panel = PANEL_OF_VIEW[view.__name__]

    def wrapper(request, pk):
        require(request.user, "person.view")
        if request.method == "POST":  # the action checks the capability and says why it refuses
            return view(request, _case_or_404(request, pk, purpose="edit_view"))
        require(request.user, panel.capability)
        case = _case_or_404(request, pk, purpose="edit_view")
        entry = {"panel": panel, "url": reverse(panel.url_name, args=[case.pk]),
                 "form": _blank_form(panel.key, case, _participants(case))}
        template = "cases/_side_form.html" if request.htmx else "cases/case_side_form.html"
        return render(request, template, {"case": case, "entry": entry})

    wrapper.__name__ = view.__name__
    return wrapper


@_side_form
def case_edit(request, case):
    form = CaseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_case(actor=request.user, case=case, expected_version=data["version"] or 0,
                                **{f: data[f] for f in ("reported_on", "police_report_number", "other_reference",
                                                        "status", "summary")})
        except Conflict as exc:
            current = _case_or_404(request, case.pk, purpose="edit_view")
            form.data = form.data.copy()
            form.data["version"] = current.version
            form.add_error(None, exc.message)
            return _render_case(request, current, status=409, conflict=True, case_form=form)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("cases:case_detail", pk=case.pk)
    return _render_case(request, case, status=400, case_form=form)


def _submit(request, case, form, key: str, write, success: str = ""):
    """One side form of the case page: ``write(cleaned_data)`` through an action; then back to the case
    (or to the URL ``write`` returns as a string), else the page again with this form and its errors beside
    the fields."""
    if form.is_valid():
        try:
            target = write(form.cleaned_data)
        except GugusError as exc:  # PermissionDenied has no field: it shows above the form
            attach_error(form, exc)
        else:
            if success:
                messages.success(request, success)
            return redirect(target if isinstance(target, str) else reverse("cases:case_detail", args=[case.pk]))
    return _render_case(request, case, status=400, **{key: form})


@_side_form
def case_add_participant(request, case):
    def write(data):
        with transaction.atomic():
            if data["person_id"]:
                try:
                    person = selectors.get_person(request.user, data["person_id"], purpose="link")
                except NotFound:
                    raise GugusError(_("No person with this ID in your scope."), field="person_id") from None
            else:
                if not data["full_name"]:
                    raise GugusError(_("Give an existing person ID or a new person's name."), field="full_name")
                person, warnings = actions.create_person(
                    actor=request.user, full_name=data["full_name"], sex=data["sex"] or "U",
                    birth_date=data["birth_date"], nik=data["nik"],
                    phone=[p.strip() for p in data["phone"].split(",") if p.strip()], scope_code=case.scope_code)
                for warning in warnings:
                    messages.warning(request, warning)
            actions.add_participant(actor=request.user, case=case, person=person, role=data["role"],
                                    trafficking_status=data["trafficking_status"],
                                    perpetrator_roles=data["perpetrator_roles"])

    return _submit(request, case, ParticipantForm(request.POST), "participant_form", write,
                   _("Person added to the case."))


@_side_form
def case_add_event(request, case):
    return _submit(request, case, EventForm(request.POST), "event_form",
                   lambda data: actions.add_event(actor=request.user, case=case, **data),
                   _("Event recorded."))


@_side_form
def case_record_stage(request, case):
    return _submit(request, case, StageForm(request.POST), "stage_form",
                   lambda data: actions.record_stage(actor=request.user, case=case, **data),
                   _("Stage recorded."))


@_side_form
def case_identify(request, case):
    victims = [p for p in _participants(case) if p.role == "victim"]

    def write(data):
        data = dict(data)
        victim = next((v for v in victims if v.pk == data.pop("victim")), None)
        child_rule = data.pop("child_rule") or None
        data["movement"] = data["movement"] or None
        if data["age_at_events"] is None and victim is not None:
            data["age_at_events"] = victim.age_at_events
        data["consent_given"] = data["consent_given"] or None
        data["exploitation_occurred"] = data["exploitation_occurred"] or None
        answers = IdentificationAnswers.from_dict(data)
        row = actions.assess_identification(actor=request.user, case=case, answers=answers, victim=victim,
                                            child_rule=child_rule)
        return f"{reverse('cases:case_detail', args=[case.pk])}#identification-{row.pk}"

    return _submit(request, case, IdentificationForm(request.POST, victims=victims), "identification_form", write)


@_side_form
def case_verdict(request, case):
    perpetrators = [p for p in _participants(case) if p.role == "perpetrator"]

    def write(data):
        data = dict(data)
        defendant = next(p for p in perpetrators if p.pk == data.pop("defendant"))
        actions.record_verdict(actor=request.user, case=case, defendant=defendant, **data)

    return _submit(request, case, VerdictForm(request.POST, defendants=perpetrators), "verdict_form", write,
                   _("Verdict recorded."))


def nik_hint(request):
    """htmx: what a NIK says (birth date, sex, kecamatan) and how it disagrees with the form, as you type."""
    require(request.user, "person.create")
    raw = request.GET.get("nik", "")
    check = check_nik(raw, birth_date=_parse_date(request.GET.get("birth_date")),
                      sex=request.GET.get("sex")) if raw.strip() else None
    region = Region.objects.filter(code=check.region_code).first() if check and check.region_code else None
    return render(request, "cases/_nik_hint.html", {"check": check, "region": region})


def _parse_date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
