"""Forms of the plans pages. They parse input only; the actions validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gugus.accounts.models import SubTaskForce
from gugus.accounts.selectors import all_agencies
from gugus.plans import config, metrics
from gugus.plans.models import Direction, FollowUpStatus, PlanKind, PlanStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _agency_field(label, required=True):
    return forms.ModelChoiceField(label=label, queryset=all_agencies(), required=required)


class PlanForm(forms.Form):
    task_force = forms.ModelChoiceField(label=_("Task force"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    title = forms.CharField(label=_("Title"), max_length=250)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)
    decree = forms.CharField(label=_("Decree"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces


class ProgrammeForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=20)
    name = forms.CharField(label=_("Programme"), max_length=300)
    sub_task_force = forms.ChoiceField(label=_("Sub-task-force"), required=False,
                                       choices=[("", "—"), *SubTaskForce.Kind.choices])


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Number"), max_length=20)
    name = forms.CharField(label=_("Activity"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible_agency = _agency_field(_("Responsible agency"))
    supporting_agencies = forms.ModelMultipleChoiceField(label=_("Supporting agencies"), queryset=all_agencies(),
                                                         required=False)
    budget_rupiah = forms.IntegerField(label=_("Budget (Rp)"), min_value=0, required=False)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), min_value=0, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    metric_code = forms.ChoiceField(label=_("Computed from Gugus data"), required=False,
                                    help_text=_("Leave empty for an indicator whose realisation agencies report."))

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric_code"].choices = [("", "—"), *metrics.choices()]
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(label=_("Target %(year)s") % {"year": year},
                                                               min_value=0, required=False)

    def targets(self) -> dict[int, object]:
        return {y: self.cleaned_data.get(f"target_{y}") for y in self.years}


class ProgressForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    semester = forms.TypedChoiceField(label=_("Period"), coerce=int,
                                      choices=[(0, _("Whole year")), (1, _("Semester 1")), (2, _("Semester 2"))])
    narrative = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    obstacles = forms.CharField(label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    interventions = forms.CharField(label=_("Interventions needed"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    budget_realised_rupiah = forms.IntegerField(label=_("Budget spent (Rp)"), min_value=0, required=False)
    evidence = forms.FileField(label=_("Evidence"), required=False)

    def __init__(self, *args, years, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _("PDF, JPEG, PNG or XLSX, at most %(mb)s MB.") % {
            "mb": config.rules().max_upload_bytes // 1_048_576}
        self.fields["year"].choices = [(y, y) for y in years]
        self.typed = [i for i in indicators if not i.computed]
        for indicator in self.typed:
            label = indicator.name + (f" ({indicator.unit})" if indicator.unit else "")
            self.fields[f"value_{indicator.pk}"] = forms.DecimalField(
                label=label, min_value=0, required=False,
                help_text=_("Realisation so far this year (cumulative)."))

    def values(self) -> dict[int, object]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.typed}


class CarryOverForm(forms.Form):
    year = forms.IntegerField(label=_("Evaluated year"))
    start_year = forms.IntegerField(label=_("First year of the new draft"))
    end_year = forms.IntegerField(label=_("Last year of the new draft"))
    title = forms.CharField(label=_("Title of the new draft"), max_length=250, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


class MeetingForm(forms.Form):
    task_force = forms.ModelChoiceField(label=_("Task force"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=250)
    date = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(label=_("Participating agencies"), queryset=all_agencies(),
                                                  required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    description = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_agency = _agency_field(_("Owner agency"))
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    case_id = forms.IntegerField(label=_("Linked case (ID)"), required=False, min_value=1)
    activity = forms.ModelChoiceField(label=_("Linked plan activity"), queryset=None, required=False)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class EventForm(forms.Form):
    task_force = forms.ModelChoiceField(label=_("Task force"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=250)
    date = forms.DateField(label=_("Date"), widget=DATE)
    region_code = forms.CharField(label=_("Region (Kemendagri code)"), max_length=13,
                                  help_text=_("e.g. 35.07 for Kabupaten Malang"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    target_group = forms.ChoiceField(label=_("Target group"))
    channel = forms.ChoiceField(label=_("Channel"))
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=all_agencies(), required=False)
    materials = forms.CharField(label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, task_forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task_force"].queryset = task_forces
        self.fields["target_group"].choices = config.choices("target_groups")
        self.fields["channel"].choices = config.choices("channels")
        self.groups = [(s, a) for s in config.vocabulary("sexes") for a in config.vocabulary("age_groups")]
        for sex, age in self.groups:
            self.fields[f"n_{sex}_{age}"] = forms.IntegerField(
                label=_("Participants: %(sex)s, %(age)s") % {"sex": config.label("sexes", sex),
                                                             "age": config.label("age_groups", age)},
                min_value=0, required=False)

    def attendance(self) -> dict[tuple[str, str], int]:
        return {(s, a): self.cleaned_data.get(f"n_{s}_{a}") or 0 for s, a in self.groups}


class ReachForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    level = forms.TypedChoiceField(label=_("Per"), coerce=int, required=False,
                                   choices=[(2, _("Regency/City")), (1, _("Province"))])
