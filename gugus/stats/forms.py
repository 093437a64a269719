from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class HtcdsExportForm(forms.Form):
    region = forms.CharField(label=_("Region code (empty: all you may see)"), required=False, max_length=13)
    period = forms.CharField(label=_("Year or month (YYYY or YYYY-MM; empty: all)"), required=False, max_length=7)
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "XLSX"), ("csv", _("CSV (zip of three files)"))])
    identified = forms.BooleanField(
        label=_("Include names, exact dates and exact regions (only for a partner entitled to identities)"),
        required=False)


class HtcdsImportForm(forms.Form):
    file = forms.FileField(label=_("HTCDS file (XLSX, or ZIP of CSV files, or one CSV)"))
