from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("confirm", _("Same person: link the records")), ("reject", _("Different persons"))])
    reason = forms.CharField(label=_("Note (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class UnmergeForm(forms.Form):
    reason = forms.CharField(label=_("Why is this record not the same person?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
