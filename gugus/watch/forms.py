"""Forms of the watch pages. They parse input only; the actions validate and decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gugus.watch.models import ReviewStatus, TakedownStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ReviewStatus.CONFIRMED, _("Confirm: deceptive recruitment")),
        (ReviewStatus.DISMISSED, _("Dismiss: not deceptive recruitment")),
    ])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("What you checked and why you decided so (at least 10 characters)."))


class TakedownForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Send to"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, recipients: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(k, _(v.get("label", k))) for k, v in recipients.items()]


class TakedownStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        (s, label) for s, label in TakedownStatus.choices if s != TakedownStatus.DRAFT])
    date = forms.DateField(label=_("Date"), widget=DATE)
    recipient_reference = forms.CharField(label=_("Recipient's reference"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AlertCloseForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    source = forms.CharField(label=_("Source"), max_length=80,
                             help_text=_("The monitoring tool or team the export comes from."))
    file = forms.FileField(label=_("File (JSONL, CSV or a saved HTML page)"))
