"""Forms of the portal: input parsing and field-level messages only; the rules live in actions.py."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gugus.portal.actions import MAX_TEXT
from gugus.portal.models import ContactWay
from gugus.portal.selectors import region_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PlainSelect(forms.Select):
    """A select rendered in Python: Django's per-option templates cost ~40 ms for the 514 kab/kota on every
    form; this writes the same markup (optgroups, selected, attributes) in well under a millisecond."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs or {})
        final["name"] = name
        attr_html = flatatt({k: v for k, v in final.items() if v is not False and v is not None})
        value = "" if value is None else str(value)

        def option(code, label):
            return format_html('<option value="{}"{}>{}</option>', code, " selected" if str(code) == value else "",
                               label)

        parts = []
        for code, label in self.choices:
            if isinstance(label, list | tuple):
                inner = format_html_join("", "{}", ((option(c, lab),) for c, lab in label))
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', code, inner))
            else:
                parts.append(option(code, label))
        return mark_safe(f"<select{attr_html}>{''.join(parts)}</select>")  # noqa: S308 (parts are escaped)


class ReportForm(forms.Form):
    what = forms.CharField(label=_("What happened?"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Describe what happened, in your own words. Any language is fine."))
    province = forms.ChoiceField(label=_("Province"), widget=PlainSelect,
                                 help_text=_("Where it happened, or where the person comes from."))
    regency = forms.ChoiceField(label=_("Regency or city"), required=False, widget=PlainSelect,
                                help_text=_("Leave empty if you do not know."))
    place = forms.CharField(label=_("Place (village, address, or country abroad)"), max_length=500, required=False)
    happened_on = forms.DateField(label=_("When did it happen?"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("The date, if you know it."))
    when = forms.CharField(label=_("Or describe when"), max_length=100, required=False,
                           help_text=_("For example: “since March”, “last week”."))
    who = forms.CharField(label=_("Who is involved?"), max_length=MAX_TEXT, required=False,
                          widget=forms.Textarea(attrs={"rows": 3}),
                          help_text=_("The victim(s), the recruiter or agency, anyone else. Names are kept secret."))
    anonymous = forms.BooleanField(label=_("Report without giving my name"), required=False, initial=True)
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False,
                                    help_text=_("Only if you are not reporting anonymously."))
    contact_way = forms.ChoiceField(label=_("How may the task force contact you?"), choices=ContactWay.choices,
                                    initial=ContactWay.NONE)
    contact = forms.CharField(label=_("Phone number or email"), max_length=200, required=False,
                              help_text=_("Kept encrypted; only the task force handling the report sees it."))
    attachments = MultipleFileField(label=_("Photos or documents (optional)"), required=False,
                                    help_text=_("Up to 3 files, JPEG, PNG or PDF, at most 5 MB each."))
    offer_link = forms.CharField(label=_("Link of the job offer"), max_length=500, required=False)
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces, groups = region_choices()
        self.fields["province"].choices = [("", _("— choose —"))] + provinces
        self.fields["regency"].choices = [("", _("— do not know —"))] + groups
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        province, regency = data.get("province"), data.get("regency")
        if province and regency and not regency.startswith(province + "."):
            self.add_error("regency", _("This regency or city is not in the chosen province."))
        data["region"] = regency or province
        return data


class StatusForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("Tracking code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    secret = forms.CharField(label=_("Secret"), max_length=30,
                             widget=forms.PasswordInput(attrs={"autocomplete": "off"}))


class OfferForm(forms.Form):
    text = forms.CharField(label=_("Text of the job offer"), max_length=MAX_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Paste the whole offer: the message, post or advertisement."))
    link = forms.URLField(label=_("Link to the offer (optional)"), max_length=500, required=False,
                          assume_scheme="https",
                          help_text=_("We only record the link; we do not open it."))

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("link") and not self.errors:
            self.add_error("text", _("Paste the text of the offer."))
        return data


class StaffNoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class InfoPageForm(forms.Form):
    title_id = forms.CharField(label=_("Title (Indonesian)"), max_length=200)
    body_id = forms.CharField(label=_("Text (Indonesian)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("Plain text; a blank line starts a new paragraph."))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(label=_("Text (English)"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("Plain text; a blank line starts a new paragraph."))
