"""Forms of the services pages. They parse input; the actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gugus.accounts.selectors import all_agencies
from gugus.care.models import ClosureRequest, ConsentGiver, ConsentMethod, LegStage
from gugus.care.rules import lang, rules
from gugus.cases.forms import vocab_choices

DATE = forms.DateInput(attrs={"type": "date"})


def _victim_choices(victims):
    return [(v.pk, f"{v.person.full_name} (#{v.person_id})") for v in victims]


def _agency_choices(blank=True):
    options = [(a.pk, a.name) for a in all_agencies()]
    return [("", "—")] + options if blank else options


class VictimFormMixin:
    def _victims(self, victims):
        self.fields["victim"].choices = _victim_choices(victims)


class AssessmentForm(VictimFormMixin, forms.Form):
    victim = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    needs = forms.MultipleChoiceField(label=_("Needs found"), widget=forms.CheckboxSelectMultiple, required=False)
    urgent = forms.BooleanField(label=_("Urgent trauma or illness (first aid, Pasal 53)"), required=False)
    assessment = forms.CharField(label=_("Needs assessment"), widget=forms.Textarea(attrs={"rows": 3}),
                                 required=False)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE, required=False)

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._victims(victims)
        self.fields["needs"].choices = rules().kind_choices(lang())


class ServiceRequestForm(VictimFormMixin, forms.Form):
    victim = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    kind = forms.ChoiceField(label=_("Service"))
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE, required=False,
                                   help_text=_("The legal deadline runs from this day, in calendar days."))
    provider_agency = forms.TypedChoiceField(label=_("Provider agency (in Gugus)"), coerce=int, required=False,
                                             empty_value=None)
    provider_name = forms.CharField(label=_("Or a provider outside Gugus"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._victims(victims)
        self.fields["kind"].choices = [(k.code, f"{k.label()} — {k.legal_basis}"
                                        + (f" ({k.deadline_days} {_('days')})" if k.deadline_days else ""))
                                       for k in rules().kinds.values()]
        self.fields["provider_agency"].choices = _agency_choices()


class ServiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("On"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note (required when declining)"), required=False, max_length=1000)

    def __init__(self, *args, current="requested", **kwargs):
        super().__init__(*args, **kwargs)
        statuses = rules().statuses
        self.fields["status"].choices = [(c, statuses[c].label()) for c in statuses[current].next]


class AssignProviderForm(forms.Form):
    provider_agency = forms.TypedChoiceField(label=_("Provider agency (in Gugus)"), coerce=int, required=False,
                                             empty_value=None)
    provider_name = forms.CharField(label=_("Or a provider outside Gugus"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_agency"].choices = _agency_choices()


class ConsentForm(VictimFormMixin, forms.Form):
    victim = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    share_identity = forms.BooleanField(label=_("Identity may be shared"), required=False)
    share_case_details = forms.BooleanField(label=_("Case details may be shared"), required=False)
    share_health = forms.BooleanField(label=_("Health information may be shared"), required=False)
    any_receiver = forms.BooleanField(label=_("With any agency receiving a referral in Gugus"), required=False)
    agencies = forms.TypedMultipleChoiceField(label=_("Or only with these agencies"), coerce=int, required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    given_on = forms.DateField(label=_("Given on"), widget=DATE)
    method = forms.ChoiceField(label=_("How given"), choices=ConsentMethod.choices)
    given_by = forms.ChoiceField(label=_("Given by"), choices=ConsentGiver.choices,
                                 help_text=_("For a child, a parent's or guardian's consent is required."))
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=200, required=False)
    guardian_relationship = forms.CharField(label=_("Guardian's relationship to the victim"), max_length=100,
                                            required=False)
    child_assent = forms.BooleanField(label=_("The child was heard and agrees"), required=False)
    guidance = forms.MultipleChoiceField(label=_("Points explained to the victim"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._victims(victims)
        self.fields["agencies"].choices = _agency_choices(blank=False)
        self.fields["guidance"].choices = vocab_choices("consent_guidance", blank=False)


class WithdrawConsentForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class ReferralForm(VictimFormMixin, forms.Form):
    victim = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    to_agency = forms.TypedChoiceField(label=_("Receiving agency (in Gugus)"), coerce=int, required=False,
                                       empty_value=None)
    to_external = forms.CharField(label=_("Or an agency outside Gugus (recorded only)"), max_length=200,
                                  required=False)
    reason = forms.ChoiceField(label=_("Reason"))
    services = forms.MultipleChoiceField(label=_("Services requested"), widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(label=_("Message to the receiver"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False,
                              help_text=_("Without the victim's consent, write no name, identifier or address."))

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._victims(victims)
        self.fields["to_agency"].choices = _agency_choices()
        self.fields["reason"].choices = vocab_choices("referral_reasons", blank=False)
        self.fields["services"].choices = rules().kind_choices(lang())


class AnswerForm(forms.Form):
    reason = forms.CharField(label=_("Reason / note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RepatriationForm(VictimFormMixin, forms.Form):
    victim = forms.TypedChoiceField(label=_("Victim"), coerce=int)
    country = forms.CharField(label=_("Country returning from (ISO code)"), max_length=2)
    mission = forms.TypedChoiceField(label=_("Mission abroad"), coerce=int, required=False, empty_value=None)
    arrival_point = forms.CharField(label=_("Arrival point (port or airport)"), max_length=200)
    arrival_region = forms.CharField(label=_("Region of the arrival point (code)"), max_length=13, required=False)
    home_region = forms.CharField(label=_("Home region (code)"), max_length=13, required=False)

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._victims(victims)
        self.fields["mission"].choices = [("", "—")] + [(a.pk, a.name) for a in all_agencies().filter(
            level="abroad")]


class LegForm(forms.Form):
    stage = forms.ChoiceField(label=_("Leg"), choices=LegStage.choices)
    from_place = forms.CharField(label=_("From"), max_length=200)
    to_place = forms.CharField(label=_("To"), max_length=200)
    escort_agency = forms.TypedChoiceField(label=_("Escorting agency"), coerce=int, required=False,
                                           empty_value=None)
    departed_on = forms.DateField(label=_("Departed on"), widget=DATE, required=False)
    arrived_on = forms.DateField(label=_("Arrived on"), widget=DATE, required=False)
    handed_to_agency = forms.TypedChoiceField(label=_("Handed over to (agency in Gugus)"), coerce=int,
                                              required=False, empty_value=None)
    handed_to_name = forms.CharField(label=_("Handed over to (other)"), max_length=200, required=False)
    handed_over_on = forms.DateField(label=_("Handed over on"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escort_agency"].choices = _agency_choices()
        self.fields["handed_to_agency"].choices = _agency_choices()


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    agencies = forms.TypedMultipleChoiceField(label=_("Agencies present"), coerce=int, required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    others_present = forms.CharField(label=_("Others present"), max_length=300, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = _agency_choices(blank=False)


class ClosureForm(forms.Form):
    action = forms.ChoiceField(label=_("Request"), choices=ClosureRequest.Action.choices)
    target_status = forms.ChoiceField(label=_("Closed as"), required=False, choices=[
        ("Closed", _("Closed")), ("ClosedReferred", _("Closed (referred to another agency)"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Reject"))])
    note = forms.CharField(label=_("Note (required when rejecting)"), required=False, max_length=1000)


class FiguresForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Per"), coerce=int, required=False, empty_value=2,
                                   choices=[(2, _("Regency/City")), (1, _("Province"))])
