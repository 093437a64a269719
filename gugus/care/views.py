"""Services pages: thin views over the care actions and selectors."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gugus.accounts.selectors import all_agencies
from gugus.care import actions, selectors
from gugus.care.forms import (
    AnswerForm,
    AssessmentForm,
    AssignProviderForm,
    ClosureForm,
    ConferenceForm,
    ConsentForm,
    DecisionForm,
    FiguresForm,
    LegForm,
    ReferralForm,
    RepatriationForm,
    ServiceRequestForm,
    ServiceStatusForm,
    WithdrawConsentForm,
)
from gugus.care.rules import rules
from gugus.core.errors import GugusError, NotFound
from gugus.core.views import attach_error, require


def _or_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFound:
        raise Http404() from None


def _agency(pk):
    return all_agencies().filter(pk=pk).first() if pk else None


def _agencies(pks):
    return list(all_agencies().filter(pk__in=pks or []))


def _render_case(request, case, status=200, **bound):
    victims = selectors.victims_of(case)
    forms_ = {
        "assessment_form": AssessmentForm(victims=victims),
        "service_form": ServiceRequestForm(victims=victims),
        "consent_form": ConsentForm(victims=victims, initial={"given_on": timezone.localdate()}),
        "referral_form": ReferralForm(victims=victims),
        "repatriation_form": RepatriationForm(victims=victims),
        "conference_form": ConferenceForm(initial={"held_on": timezone.localdate()}),
        "closure_form": ClosureForm(),
    }
    forms_.update(bound)
    context = {"case": case, "can_care": actions.can_care(request.user), "kinds": rules().kinds,
               "statuses": rules().statuses, "leg_form": LegForm(), "decision_form": DecisionForm(),
               "unread": selectors.unread_count(request.user), **selectors.case_care(request.user, case), **forms_}
    return render(request, "care/case_care.html", context, status=status)


def case_care(request, pk):
    require(request.user, "person.view")
    case = _or_404(selectors.get_case_for_care, request.user, pk)
    return _render_case(request, case)


def _case_post(form_name):
    """POST only; the case is read through the scoped selector; a refused form re-renders the page (400)."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, pk):
            if request.method != "POST":
                return redirect("care:case_care", pk=pk)
            require(request.user, "person.view")
            case = _or_404(selectors.get_case_for_care, request.user, pk, purpose="care_edit")
            victims = selectors.victims_of(case)
            form = view.form_class(request.POST, **({"victims": victims} if view.takes_victims else {}))
            if form.is_valid():
                data = dict(form.cleaned_data)
                if "victim" in data:
                    data["victim"] = next((v for v in victims if v.pk == data["victim"]), None)
                    if data["victim"] is None:
                        raise Http404()
                try:
                    message = view(request, case, data)
                except NotFound:
                    raise Http404() from None
                except GugusError as exc:
                    attach_error(form, exc)
                else:
                    messages.success(request, message)
                    return redirect("care:case_care", pk=case.pk)
            return _render_case(request, case, status=400, **{form_name: form})
        return wrapper
    return decorate


def _with_form(form_class, takes_victims=True):
    def mark(view):
        view.form_class, view.takes_victims = form_class, takes_victims
        return view
    return mark


@_case_post("assessment_form")
@_with_form(AssessmentForm)
def assess(request, case, data):
    actions.assess_needs(actor=request.user, **data)
    return _("Needs assessment saved.")


@_case_post("service_form")
@_with_form(ServiceRequestForm)
def request_service(request, case, data):
    data["provider_agency"] = _agency(data["provider_agency"])
    service = actions.request_service(actor=request.user, **data)
    if service.deadline:
        return _("Service requested. Deadline: %(date)s.") % {"date": service.deadline}
    return _("Service requested.")


@_case_post("consent_form")
@_with_form(ConsentForm)
def record_consent(request, case, data):
    data["agencies"] = _agencies(data["agencies"])
    actions.record_consent(actor=request.user, **data)
    return _("Consent recorded.")


@_case_post("referral_form")
@_with_form(ReferralForm)
def send_referral(request, case, data):
    data["to_agency"] = _agency(data["to_agency"])
    referral = actions.send_referral(actor=request.user, **data)
    if referral.to_agency_id and not referral.shares_identity:
        messages.warning(request, _("No consent covers this receiver for every victim of the case: the referral "
                                    "carries only the non-identifying summary."))
    return _("Referral sent.") if referral.to_agency_id else _("Referral recorded.")


@_case_post("repatriation_form")
@_with_form(RepatriationForm)
def start_repatriation(request, case, data):
    data["mission"] = _agency(data["mission"])
    actions.start_repatriation(actor=request.user, **data)
    return _("Repatriation planned.")


@_case_post("conference_form")
@_with_form(ConferenceForm, takes_victims=False)
def record_conference(request, case, data):
    data["agencies"] = _agencies(data["agencies"])
    actions.record_conference(actor=request.user, case=case, **data)
    return _("Case conference recorded.")


@_case_post("closure_form")
@_with_form(ClosureForm, takes_victims=False)
def request_closure(request, case, data):
    actions.request_closure(actor=request.user, case=case, **data)
    return _("Request sent for approval.")


def _post_on(getter, fallback):
    """POST on a record found through a scoped selector; errors go back as messages."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, pk, **kwargs):
            require(request.user, "person.view")
            obj = _or_404(getter, request.user, pk)
            if request.method != "POST":
                return redirect(fallback(obj))
            try:
                message = view(request, obj, **kwargs)
            except NotFound:
                raise Http404() from None
            except GugusError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, message)
            return redirect(fallback(obj))
        return wrapper
    return decorate


@_post_on(selectors.get_service, lambda s: _service_back(s))
def service_status(request, service):
    form = ServiceStatusForm(request.POST, current=service.status)
    if not form.is_valid():
        raise GugusError(_("This move is not allowed for this service."))
    actions.change_service_status(actor=request.user, service=service, **form.cleaned_data)
    return _("Service updated.")


def _service_back(service):
    if service.referral_id:
        return reverse("care:referral_detail", args=[service.referral_id])
    return reverse("care:case_care", args=[service.case_id])


@_post_on(selectors.get_service, lambda s: _service_back(s))
def assign_provider(request, service):
    form = AssignProviderForm(request.POST)
    if not form.is_valid():
        raise GugusError(_("Choose the provider."))
    actions.assign_provider(actor=request.user, service=service,
                            provider_agency=_agency(form.cleaned_data["provider_agency"]),
                            provider_name=form.cleaned_data["provider_name"])
    return _("Provider assigned; the deadline is unchanged.")


@_post_on(selectors.get_consent, lambda c: reverse("care:case_care", args=[c.case_id]))
def withdraw_consent(request, consent):
    form = WithdrawConsentForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    actions.withdraw_consent(actor=request.user, consent=consent, on=data.get("on"), note=data.get("note", ""))
    return _("Consent withdrawn. Access that rested on it has ended.")


@_post_on(selectors.get_repatriation, lambda r: reverse("care:case_care", args=[r.case_id]))
def add_leg(request, repatriation):
    form = LegForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise GugusError(f"{form.fields[field].label if field in form.fields else ''}: {errors[0]}")
    data = dict(form.cleaned_data)
    for key in ("escort_agency", "handed_to_agency"):
        data[key] = _agency(data[key])
    actions.add_repatriation_leg(actor=request.user, repatriation=repatriation, **data)
    return _("Leg recorded.")


@_post_on(selectors.get_closure_request, lambda r: reverse("care:case_care", args=[r.case_id]))
def decide_closure(request, closure):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise GugusError(_("Approve or reject."))
    actions.decide_closure(actor=request.user, request=closure, **form.cleaned_data)
    return _("Decision recorded.")


# --- referrals ------------------------------------------------------------------------------------------------

def referral_inbox(request):
    require(request.user, "person.view")
    return render(request, "care/referral_inbox.html", {
        "incoming": selectors.incoming_referrals(request.user)[:200],
        "outgoing": selectors.outgoing_referrals(request.user)[:200],
        "unread": selectors.unread_count(request.user),
    })


def referral_detail(request, pk):
    require(request.user, "person.view")
    referral = _or_404(selectors.get_referral, request.user, pk)
    user = request.user
    return render(request, "care/referral_detail.html", {
        "referral": referral, "case_visible": selectors.case_is_visible(user, referral.case_id),
        "services": selectors.services_of_referral(user, referral),
        "is_receiver": user.agency_id == referral.to_agency_id, "is_sender": user.agency_id == referral.from_agency_id,
        "can_care": actions.can_care(user), "answer_form": AnswerForm(), "statuses": rules().statuses,
        "kinds": rules().kinds, "unread": selectors.unread_count(user),
    })


@_post_on(selectors.get_referral, lambda r: reverse("care:referral_detail", args=[r.pk]))
def referral_answer(request, referral, verb):
    form = AnswerForm(request.POST)
    note = form.cleaned_data["reason"] if form.is_valid() else ""
    if verb == "terima":
        actions.accept_referral(actor=request.user, referral=referral, note=note)
        return _("Referral accepted.")
    if verb == "tolak":
        actions.decline_referral(actor=request.user, referral=referral, reason=note)
        return _("Referral declined.")
    if verb == "cabut":
        actions.revoke_referral(actor=request.user, referral=referral, reason=note)
        return _("Referral revoked; the receiver's access has ended.")
    if verb == "selesai":
        actions.complete_referral(actor=request.user, referral=referral, note=note)
        return _("Referral completed.")
    raise NotFound()


# --- deadlines, figures, notifications ------------------------------------------------------------------------

def deadlines(request):
    require(request.user, "person.view")
    today = timezone.localdate()
    return render(request, "care/deadlines.html", {
        "today": today, "agency": selectors.agency_deadlines(request.user, today),
        "region": selectors.region_deadlines(request.user, today), "kinds": rules().kinds,
        "approvals": selectors.pending_approvals(request.user), "unread": selectors.unread_count(request.user),
    })


def figures(request):
    if not (request.user.can("stats.view") or request.user.can("person.view")):
        raise Http404()
    form = FiguresForm(request.GET or None)
    level = form.cleaned_data["level"] if form.is_valid() else 2
    rows = selectors.figures(request.user, level=level or 2)
    return render(request, "care/figures.html", {"form": form, "rows": rows, "kinds": rules().kinds,
                                                 "unread": selectors.unread_count(request.user)})


def notifications(request):
    if request.method == "POST":
        actions.mark_notifications_read(user=request.user)
        return redirect("care:notifications")
    return render(request, "care/notifications.html", {
        "items": selectors.notifications_for(request.user), "unread": selectors.unread_count(request.user)})
