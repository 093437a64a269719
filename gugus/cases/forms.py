from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from gugus.cases.models import ParticipantRole, Sex


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name (as written in the source)"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    estimated_age = forms.IntegerField(label=_("Estimated age (when the date of birth is unknown)"),
                                       required=False, min_value=0, max_value=120)
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False,
                          help_text=_("16 digits. Identifiers are stored encrypted."),
                          widget=forms.TextInput(attrs={
                              "inputmode": "numeric", "hx-get": reverse_lazy("cases:nik_hint"),
                              "hx-trigger": "change, keyup changed delay:500ms", "hx-target": "#nik-hint",
                              "hx-include": "[name=birth_date],[name=sex]"}))
    passport = forms.CharField(label=_("Passport number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone numbers"), max_length=200, required=False,
                            help_text=_("Several numbers: separate them with commas."))
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)
    social_handle = forms.CharField(label=_("Social-media account"), max_length=100, required=False)
    origin_region = forms.CharField(label=_("Region of origin (Kemendagri code)"), max_length=13, required=False,
                                    help_text=_("e.g. 35.07 for Kabupaten Malang"))
    nationality = forms.CharField(label=_("Nationality (ISO code)"), max_length=2, required=False, initial="ID")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class BreakGlassForm(forms.Form):
    person_id = forms.IntegerField(label=_("Person record ID"), min_value=1)
    reason = forms.CharField(label=_("Reason for emergency access"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required. Auditors review every emergency access."))


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)
    nik = forms.CharField(label=_("NIK"), required=False)


def vocab_choices(name: str, *, blank: bool = True):
    """Choices of a vocabulary in the active language (evaluated per form, so the language is current)."""
    from django.utils.translation import get_language

    from gugus.cases.vocabularies import vocabulary

    lang = "en" if (get_language() or "id").startswith("en") else "id"
    options = vocabulary(name).choices(lang)
    return [("", "—")] + options if blank else options


def stage_choices(blank: bool = True):
    from django.utils.translation import get_language

    from gugus.cases.stages import load_stages

    lang = "en" if (get_language() or "id").startswith("en") else "id"
    options = load_stages().choices(lang)
    return [("", "—")] + options if blank else options


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference or LP number"), required=False)
    region = forms.CharField(label=_("Region code"), required=False, max_length=13)
    status = forms.ChoiceField(label=_("Status"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    exploitation_type = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    reported_from = forms.DateField(label=_("Reported from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    reported_to = forms.DateField(label=_("Reported until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    child = forms.NullBooleanField(label=_("Child victim"), required=False, widget=forms.Select(choices=[
        ("unknown", "—"), ("true", _("Yes")), ("false", _("No"))]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = vocab_choices("case_status")
        self.fields["stage"].choices = stage_choices()
        self.fields["exploitation_type"].choices = vocab_choices("exploitation_types")


class CaseForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=forms.DateInput(attrs={"type": "date"}))
    police_report_number = forms.CharField(label=_("Police report number (LP)"), max_length=80, required=False)
    other_reference = forms.CharField(label=_("Other reference number"), max_length=80, required=False)
    status = forms.ChoiceField(label=_("Status"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    intake_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = vocab_choices("case_status", blank=False)


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    person_id = forms.IntegerField(label=_("Existing person ID"), required=False, min_value=1,
                                   help_text=_("Or fill in a new person below."))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone numbers"), max_length=200, required=False)
    trafficking_status = forms.ChoiceField(label=_("Trafficking status (victims)"), required=False)
    perpetrator_roles = forms.MultipleChoiceField(label=_("Role in the process (perpetrators)"), required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trafficking_status"].choices = vocab_choices("trafficking_status")
        self.fields["perpetrator_roles"].choices = vocab_choices("perpetrator_roles", blank=False)


class EventForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Event"))
    date = forms.CharField(label=_("Date"), required=False, max_length=10,
                           help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"))
    region = forms.CharField(label=_("Region in Indonesia (code)"), required=False, max_length=13)
    country = forms.CharField(label=_("Country abroad (ISO code)"), required=False, max_length=2)
    city = forms.CharField(label=_("City / place"), required=False, max_length=120)
    recruitment_method = forms.ChoiceField(label=_("Recruitment method"), required=False)
    recruitment_platform = forms.ChoiceField(label=_("Platform"), required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    exploitation_types = forms.MultipleChoiceField(label=_("Types of exploitation"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    methods_of_control = forms.MultipleChoiceField(label=_("Means of control"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = vocab_choices("trafficking_event_types", blank=False)
        self.fields["recruitment_method"].choices = vocab_choices("recruitment_methods")
        self.fields["recruitment_platform"].choices = vocab_choices("recruitment_platforms")
        self.fields["exploitation_types"].choices = vocab_choices("exploitation_types", blank=False)
        self.fields["methods_of_control"].choices = vocab_choices("methods_of_control", blank=False)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = stage_choices(blank=False)
        self.fields["stage"].choices = [c for c in choices if allowed is None or c[0] in allowed]


class IdentificationForm(forms.Form):
    """The elements of UU 21/2007 and the ILO indicators, asked one group at a time."""

    process = forms.MultipleChoiceField(label=_("Process (what was done to the person)"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    means = forms.MultipleChoiceField(label=_("Means (how)"), required=False, widget=forms.CheckboxSelectMultiple)
    purpose = forms.MultipleChoiceField(label=_("Purpose (exploitation)"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    exploitation_occurred = forms.BooleanField(label=_("The exploitation actually happened"), required=False)
    ilo_indicators = forms.MultipleChoiceField(label=_("ILO forced-labour indicators observed"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    movement = forms.ChoiceField(label=_("Movement"), required=False)
    age_at_events = forms.IntegerField(label=_("Age at the time of the events"), required=False, min_value=0,
                                       max_value=120)
    non_procedural = forms.BooleanField(label=_("Departed outside the legal procedure (non-procedural)"),
                                        required=False)
    non_procedural_signs = forms.MultipleChoiceField(label=_("Signs of non-procedural departure"), required=False,
                                                     widget=forms.CheckboxSelectMultiple)
    adoption = forms.BooleanField(label=_("Child adoption context"), required=False)
    consent_given = forms.BooleanField(label=_("The person said they agreed"), required=False)
    forced_to_commit_crime = forms.BooleanField(label=_("The person was forced to commit a crime"), required=False)
    organised_group = forms.BooleanField(label=_("An organised group was involved"), required=False)
    child_rule = forms.ChoiceField(label=_("Child rule"), required=False)
    victim = forms.TypedChoiceField(label=_("Victim"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, victims=(), **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        from gugus.cases.identification import choices

        lang = "en" if (get_language() or "id").startswith("en") else "id"
        for group in ("process", "means", "purpose", "non_procedural_signs"):
            self.fields[group].choices = choices("non_procedural" if group == "non_procedural_signs" else group, lang)
        self.fields["ilo_indicators"].choices = choices("ilo", lang)
        self.fields["movement"].choices = [("", "—")] + choices("movement", lang)
        self.fields["child_rule"].choices = [("", _("Default of the rules file"))] + choices("child_rule", lang)
        self.fields["victim"].choices = [("", "—")] + [(v.pk, f"#{v.person_id} {v.person.full_name}")
                                                       for v in victims]


class VerdictForm(forms.Form):
    defendant = forms.TypedChoiceField(label=_("Defendant"), coerce=int)
    date = forms.DateField(label=_("Date of verdict"), widget=forms.DateInput(attrs={"type": "date"}))
    court = forms.CharField(label=_("Court"), max_length=120, required=False)
    prison_months = forms.IntegerField(label=_("Prison sentence (months)"), required=False, min_value=0)
    fine_rupiah = forms.IntegerField(label=_("Fine (Rp)"), required=False, min_value=0)
    restitution_ordered_rupiah = forms.IntegerField(label=_("Restitution ordered (Rp)"), required=False,
                                                    min_value=0)
    restitution_paid_rupiah = forms.IntegerField(label=_("Restitution paid (Rp)"), required=False, min_value=0)
    final = forms.BooleanField(label=_("Final (inkracht)"), required=False)

    def __init__(self, *args, defendants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["defendant"].choices = [(d.pk, f"#{d.person_id} {d.person.full_name}") for d in defendants]
