from django import forms
from django.utils.translation import gettext_lazy as _

from gugus.cases.models import CaseKind, Sex
from gugus.migrants import vocab
from gugus.migrants.models import PlacementRoute, Remains

DATE = forms.DateInput(attrs={"type": "date"})
CHECKS = forms.CheckboxSelectMultiple


class PersonFields(forms.Form):
    """Pick a person the user may see (by record ID) or describe a new one (gugus.cases.actions.create_person)."""

    person_id = forms.IntegerField(label=_("Existing person ID"), required=False, min_value=1,
                                   help_text=_("Or fill in a new person below."))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False)
    passport = forms.CharField(label=_("Passport number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone numbers"), max_length=200, required=False,
                            help_text=_("Several numbers: separate them with commas."))
    origin_region = forms.CharField(label=_("Region of origin (Kemendagri code)"), max_length=13, required=False)

    def new_person(self) -> dict:
        data = self.cleaned_data
        return {"full_name": data.get("full_name", ""), "sex": data.get("sex") or "U",
                "birth_date": data.get("birth_date"), "nik": data.get("nik", ""), "passport": data.get("passport", ""),
                "phone": [p.strip() for p in (data.get("phone") or "").split(",") if p.strip()],
                "origin_region": data.get("origin_region", ""), "nationality": "ID"}


class ScreeningForm(forms.Form):
    """The identification engine's questions that fit a stop at the border (gugus.cases.identification)."""

    non_procedural_signs = forms.MultipleChoiceField(label=_("Signs of non-procedural departure"), required=False,
                                                     widget=CHECKS)
    process = forms.MultipleChoiceField(label=_("Process (what was done to the person)"), required=False,
                                        widget=CHECKS)
    means = forms.MultipleChoiceField(label=_("Means (how)"), required=False, widget=CHECKS)
    purpose = forms.MultipleChoiceField(label=_("Purpose (exploitation intended)"), required=False, widget=CHECKS)
    organised_group = forms.BooleanField(label=_("An organised group was involved"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gugus.cases.identification import choices

        lang = vocab.lang()
        self.fields["non_procedural_signs"].choices = choices("non_procedural", lang)
        for group in ("process", "means", "purpose"):
            self.fields[group].choices = choices(group, lang)

    def answers(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("non_procedural_signs", "process", "means", "purpose",
                                                       "organised_group")}


class DepartureForm(PersonFields, ScreeningForm):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    exit_point = forms.ChoiceField(label=_("Checkpoint (TPI)"))
    exit_point_other = forms.CharField(label=_("Other checkpoint"), max_length=200, required=False)
    destination = forms.CharField(label=_("Destination country (ISO code)"), max_length=2, required=False)
    transit = forms.CharField(label=_("Transit (if stated)"), max_length=200, required=False)
    visa_type = forms.ChoiceField(label=_("Visa"), required=False)
    documents = forms.MultipleChoiceField(label=_("Documents held"), required=False, widget=CHECKS)
    stated_job = forms.CharField(label=_("Stated job"), max_length=200, required=False)
    stated_employer = forms.CharField(label=_("Stated employer"), max_length=200, required=False)
    recruiter_name = forms.CharField(label=_("Who arranged the trip (name)"), max_length=200, required=False)
    agency_name = forms.CharField(label=_("Recruitment agency"), max_length=200, required=False)
    agency_licence = forms.CharField(label=_("Agency's licence (SIP3MI)"), max_length=80, required=False)
    recruiter_phones = forms.CharField(label=_("Recruiter's phone numbers"), max_length=300, required=False,
                                       help_text=_("Separate them with commas. Stored encrypted."))
    recruiter_accounts = forms.CharField(label=_("Bank accounts payments went to"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["occurred_on", "exit_point", "exit_point_other", "destination", "transit", "visa_type",
                   "documents", "stated_job", "stated_employer", "recruiter_name", "agency_name", "agency_licence",
                   "recruiter_phones", "recruiter_accounts", "person_id", "full_name", "sex", "birth_date", "nik",
                   "passport", "phone", "origin_region", "non_procedural_signs", "process", "means", "purpose",
                   "organised_group", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_point"].choices = vocab.choices("exit_points", blank=False)
        self.fields["visa_type"].choices = vocab.choices("visa_types")
        self.fields["documents"].choices = vocab.choices("travel_documents", blank=False)
        self.order_fields(self.field_order)


class OpenCaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Open as"), choices=[(CaseKind.TROUBLED_WORKER, CaseKind.TROUBLED_WORKER.label),
                                                          (CaseKind.TRAFFICKING, CaseKind.TRAFFICKING.label)])
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _missions():
    from gugus.accounts.models import Level
    from gugus.accounts.selectors import all_agencies

    return [("", "—")] + [(a.pk, a.name) for a in all_agencies().filter(level=Level.ABROAD)]


class MigrantCaseFields(PersonFields):
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2)
    mission = forms.TypedChoiceField(label=_("Mission abroad"), required=False, coerce=int, empty_value=None)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    placement_agency = forms.CharField(label=_("Placement agency (P3MI)"), max_length=200, required=False)
    placement_licence = forms.CharField(label=_("Licence (SIP3MI)"), max_length=80, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    intake_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = _missions()


class TroubledWorkerForm(MigrantCaseFields):
    city = forms.CharField(label=_("City / place"), max_length=120, required=False)
    job = forms.CharField(label=_("Job"), max_length=200, required=False)
    route = forms.ChoiceField(label=_("Placement"), choices=PlacementRoute.choices, initial=PlacementRoute.UNKNOWN)
    problem_types = forms.MultipleChoiceField(label=_("Problems"), widget=CHECKS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem_types"].choices = vocab.choices("problem_types", blank=False)


class DeceasedWorkerForm(MigrantCaseFields):
    died_on = forms.DateField(label=_("Date of death"), required=False, widget=DATE)
    place_of_death = forms.CharField(label=_("Place of death"), max_length=200, required=False)
    cause = forms.ChoiceField(label=_("Cause as reported"), required=False)
    cause_detail = forms.CharField(label=_("Cause as reported, in words"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    autopsy_requested = forms.BooleanField(label=_("Autopsy requested"), required=False)
    second_opinion_requested = forms.BooleanField(label=_("Second opinion requested"), required=False)
    documents = forms.MultipleChoiceField(label=_("Documents"), required=False, widget=CHECKS)
    payer = forms.ChoiceField(label=_("Who pays the repatriation"), required=False)
    remains = forms.ChoiceField(label=_("Remains"), choices=Remains.choices, initial=Remains.UNDECIDED)
    family_contact = forms.CharField(label=_("Family contact (name, relationship)"), max_length=200, required=False)
    home_region = forms.CharField(label=_("Family's region (Kemendagri code)"), max_length=13, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cause"].choices = vocab.choices("death_causes")
        self.fields["documents"].choices = vocab.choices("death_documents", blank=False)
        self.fields["payer"].choices = vocab.choices("payers")


class ReclassifyForm(forms.Form):
    reason = forms.CharField(label=_("Why it is TPPO"), widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Right"))
    claimed_from = forms.CharField(label=_("Claimed from"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"))
    amount_claimed_rupiah = forms.IntegerField(label=_("Amount claimed (Rp)"), required=False, min_value=0)
    amount_paid_rupiah = forms.IntegerField(label=_("Amount paid (Rp)"), required=False, min_value=0)
    filed_on = forms.DateField(label=_("Filed on"), required=False, widget=DATE)
    decided_on = forms.DateField(label=_("Paid / decided on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = vocab.choices("rights", blank=False)
        self.fields["status"].choices = vocab.choices("claim_statuses", blank=False)


class ClaimStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    amount_paid_rupiah = forms.IntegerField(label=_("Amount paid (Rp)"), required=False, min_value=0)
    decided_on = forms.DateField(label=_("Paid / decided on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = vocab.choices("claim_statuses", blank=False)


class FiguresForm(forms.Form):
    region = forms.CharField(label=_("Region code (empty: your jurisdiction)"), max_length=13, required=False)
