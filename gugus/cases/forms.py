from django import forms
from django.utils.translation import gettext_lazy as _

from gugus.cases.models import Sex


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name (as written in the source)"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    birth_date = forms.DateField(label=_("Date of birth"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False,
                          help_text=_("16 digits. Stored encrypted."))
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
