"""Migrant-worker pages: thin views over the actions and selectors of this room."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gugus.cases.models import CaseKind, Person
from gugus.cases.selectors import persons_visible_to
from gugus.core.errors import GugusError, NotFound
from gugus.core.views import attach_error, require
from gugus.migrants import actions, selectors, vocab
from gugus.migrants.forms import (
    ClaimForm,
    ClaimStatusForm,
    DeceasedWorkerForm,
    DepartureForm,
    FiguresForm,
    OpenCaseForm,
    ReclassifyForm,
    ScreeningForm,
    TroubledWorkerForm,
)

PAGE = 100


def _or_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFound:
        raise Http404() from None


def _picked_person(request, form) -> Person | None:
    pk = form.cleaned_data.get("person_id")
    if not pk:
        return None
    person = persons_visible_to(request.user).filter(pk=pk).first()
    if person is None:
        raise GugusError(_("Record not found."), field="person_id")
    return person


def index(request):
    require(request.user, "person.view")
    return render(request, "migrants/index.html", {
        "departures": selectors.departures_visible_to(request.user).count(),
        "troubled": selectors.migrant_cases(request.user, CaseKind.TROUBLED_WORKER).count(),
        "deceased": selectors.migrant_cases(request.user, CaseKind.DECEASED_WORKER).count()})


# --- prevented departures ---------------------------------------------------------------------------------------

def departure_list(request):
    require(request.user, "person.view")
    rows = list(selectors.list_departures(request.user, q=request.GET.get("q", ""),
                                          exit_point=request.GET.get("exit_point", ""),
                                          destination=request.GET.get("destination", ""))[:PAGE])
    selectors.record_list_read(request.user, rows)
    for row in rows:
        row.outcome_label = (row.result.get("outcome_label") or {}).get(vocab.lang(), row.outcome)
    return render(request, "migrants/departure_list.html", {"rows": rows, "q": request.GET.get("q", "")})


def departure_create(request):
    require(request.user, "person.create")
    form = DepartureForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            departure = actions.record_departure(
                actor=request.user, person=_picked_person(request, form), new_person=form.new_person(),
                occurred_on=data["occurred_on"], exit_point=data["exit_point"],
                exit_point_other=data["exit_point_other"], destination=data["destination"], transit=data["transit"],
                visa_type=data["visa_type"], documents=data["documents"], stated_job=data["stated_job"],
                stated_employer=data["stated_employer"], recruiter_name=data["recruiter_name"],
                agency_name=data["agency_name"], agency_licence=data["agency_licence"],
                recruiter_phones=data["recruiter_phones"], recruiter_accounts=data["recruiter_accounts"],
                note=data["note"], **form.answers())
        except NotFound:
            form.add_error("person_id", _("Record not found."))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Prevented departure %(ref)s recorded and screened.")
                             % {"ref": departure.reference})
            return redirect("migrants:departure_detail", pk=departure.pk)
    return render(request, "migrants/form.html", {"form": form, "title": _("Record a prevented departure")},
                  status=400 if form.is_bound else 200)


def _render_departure(request, departure, status=200, **bound):
    links = selectors.recruiter_links(request.user, departure)
    answers = departure.answers or {}
    context = {
        "d": departure, "screening": selectors.screening(departure), "links": links,
        "contacts": list(departure.contacts.order_by("kind", "id")),
        "exit_label": departure.exit_point_other or vocab.label("exit_points", departure.exit_point),
        "visa_label": vocab.label("visa_types", departure.visa_type),
        "documents": [vocab.label("travel_documents", c) for c in departure.documents],
        "screening_form": ScreeningForm(initial={k: answers.get(k) for k in ("non_procedural_signs", "process",
                                                                              "means", "purpose",
                                                                              "organised_group")}),
        "open_form": OpenCaseForm(initial={"kind": CaseKind.TRAFFICKING if selectors.screening(departure).get(
            "suggests_tppo") else CaseKind.TROUBLED_WORKER}),
        "can_edit": request.user.can("person.edit"),
    }
    context.update(bound)
    return render(request, "migrants/departure_detail.html", context, status=status)


def departure_detail(request, pk):
    require(request.user, "person.view")
    departure = _or_404(selectors.get_departure, request.user, pk)
    return _render_departure(request, departure)


@require_POST
def departure_screen(request, pk):
    require(request.user, "person.edit")
    departure = _or_404(selectors.get_departure, request.user, pk, purpose="edit")
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            actions.screen_departure(actor=request.user, departure=departure, **form.answers())
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Screening saved."))
            return redirect("migrants:departure_detail", pk=departure.pk)
    return _render_departure(request, departure, status=400, screening_form=form)


@require_POST
def departure_open_case(request, pk):
    require(request.user, "person.create")
    departure = _or_404(selectors.get_departure, request.user, pk, purpose="edit")
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            case = actions.open_case_from_departure(actor=request.user, departure=departure,
                                                    kind=form.cleaned_data["kind"],
                                                    summary=form.cleaned_data["summary"])
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("migrants:case", pk=case.pk)
    return _render_departure(request, departure, status=400, open_form=form)


# --- troubled and deceased workers --------------------------------------------------------------------------------

KINDS = {
    "bermasalah": (CaseKind.TROUBLED_WORKER, TroubledWorkerForm, actions.open_troubled_worker_case,
                   ("city", "job", "route", "problem_types")),
    "meninggal": (CaseKind.DECEASED_WORKER, DeceasedWorkerForm, actions.open_deceased_case,
                  ("died_on", "place_of_death", "cause", "cause_detail", "autopsy_requested",
                   "second_opinion_requested", "documents", "payer", "remains", "family_contact", "home_region")),
}
COMMON = ("mission", "employer", "placement_agency", "placement_licence", "note")


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404()
    return KINDS[kind]


def case_list(request, kind):
    require(request.user, "person.view")
    _kind(kind)
    case_kind = KINDS[kind][0]
    rows = list(selectors.migrant_cases(request.user, case_kind)[:PAGE])
    return render(request, "migrants/case_list.html", {"rows": rows, "kind": kind, "case_kind": case_kind,
                                                       "title": CaseKind(case_kind).label})


def case_create(request, kind):
    require(request.user, "person.create")
    case_kind, form_class, action, own_fields = _kind(kind)
    form = form_class(request.POST or None, initial={"reported_on": timezone.localdate(),
                                                     "intake_key": secrets.token_hex(12)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            details = action(actor=request.user, person=_picked_person(request, form), new_person=form.new_person(),
                             reported_on=data["reported_on"], country=data["country"], summary=data["summary"],
                             intake_key=data["intake_key"] or None,
                             **{k: data[k] for k in (*COMMON, *own_fields)})
        except NotFound:
            form.add_error("person_id", _("Record not found."))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": details.case.reference})
            return redirect("migrants:case", pk=details.case_id)
    return render(request, "migrants/form.html", {"form": form, "title": CaseKind(case_kind).label},
                  status=400 if form.is_bound else 200)


def _render_case(request, pk, status=200, **bound):
    case, troubled, deceased = _or_404(selectors.get_migrant_case, request.user, pk,
                                       purpose="migrants_view" if not bound else "migrants_edit")
    claims = list(case.rights_claims.all())
    identification = case.identifications.order_by("-assessed_at", "-id").first()
    for claim in claims:
        claim.kind_label = vocab.label("rights", claim.kind)
        claim.status_label = vocab.label("claim_statuses", claim.status)
    context = {
        "case": case, "troubled": troubled, "deceased": deceased, "claims": claims,
        "problems": [vocab.label("problem_types", c) for c in (troubled.problem_types if troubled else [])],
        "death_documents": [vocab.label("death_documents", c) for c in (deceased.documents if deceased else [])],
        "cause_label": vocab.label("death_causes", deceased.cause) if deceased else "",
        "payer_label": vocab.label("payers", deceased.payer) if deceased else "",
        "departures": list(selectors.departures_visible_to(request.user).filter(case=case)),
        "identification": identification,
        "identification_label": ((identification.result.get("outcome_label") or {}).get(vocab.lang())
                                 if identification else ""),
        "is_migrant_kind": case.kind in actions.MIGRANT_KINDS,
        "repatriations": list(case.repatriations.prefetch_related("legs").select_related("country", "mission")),
        "reclassify_form": ReclassifyForm(), "claim_form": ClaimForm(), "claim_status_form": ClaimStatusForm(),
        "can_edit": request.user.can("person.edit"),
    }
    context.update(bound)
    return render(request, "migrants/case.html", context, status=status)


def case_detail(request, pk):
    require(request.user, "person.view")
    return _render_case(request, pk)


@require_POST
def case_reclassify(request, pk):
    require(request.user, "person.edit")
    case, _t, _d = _or_404(selectors.get_migrant_case, request.user, pk, purpose="migrants_edit")
    form = ReclassifyForm(request.POST)
    if form.is_valid():
        try:
            actions.reclassify_as_tppo(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("The case is now a trafficking case; its history and services stay."))
            return redirect("migrants:case", pk=case.pk)
    return _render_case(request, pk, status=400, reclassify_form=form)


@require_POST
def claim_add(request, pk):
    require(request.user, "person.edit")
    case, _t, _d = _or_404(selectors.get_migrant_case, request.user, pk, purpose="migrants_edit")
    form = ClaimForm(request.POST)
    if form.is_valid():
        try:
            actions.add_rights_claim(actor=request.user, case=case, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Claim recorded."))
            return redirect("migrants:case", pk=case.pk)
    return _render_case(request, pk, status=400, claim_form=form)


@require_POST
def claim_update(request, pk):
    require(request.user, "person.edit")
    claim = _or_404(selectors.get_claim, request.user, pk)
    form = ClaimStatusForm(request.POST)
    if form.is_valid():
        try:
            actions.update_rights_claim(actor=request.user, claim=claim, **form.cleaned_data)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Claim updated."))
            return redirect("migrants:case", pk=claim.case_id)
    return _render_case(request, claim.case_id, status=400, claim_status_form=form)


# --- figures --------------------------------------------------------------------------------------------------

def figures(request):
    if not (request.user.can("stats.view") or request.user.can("person.view")):
        raise Http404()
    form = FiguresForm(request.GET or None)
    region = form.cleaned_data["region"] if form.is_valid() else ""
    data = selectors.figures(request.user, region=region)
    tables = [data[k] for k in ("regions", "countries", "ports", "outcomes", "recruiters")]
    return render(request, "migrants/figures.html", {"form": form, "tables": tables, **data})
