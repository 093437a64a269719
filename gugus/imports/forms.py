from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gugus.imports.reading import MAX_BYTES
from gugus.imports.targets import targets


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX or CSV)"),
                           help_text=_("One row per victim, with a header row. Old .xls files: save as .xlsx first."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # refused before it is read into memory
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: split it into smaller files.")
                                        % {"mb": MAX_BYTES // (1024 * 1024)})
        return upload


class HeaderLineForm(forms.Form):
    header_line = forms.IntegerField(label=_("Row of the column names"), min_value=1, max_value=25,
                                     help_text=_("Found automatically; change it if the columns below are wrong."))


class MappingForm(forms.Form):
    """One choice per import target: which column of the file feeds it (or none)."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        lang = get_language() or "id"
        choices = [("", _("— not in this file —"))] + [(h, h) for h in headers if h]
        for t in targets():
            self.fields[t.name] = forms.ChoiceField(label=t.label(lang), choices=choices, required=False)
        self.fields["save_as"] = forms.CharField(
            label=_("Save this mapping as (optional)"), max_length=100, required=False,
            help_text=_("Your agency's next files with the same columns will use it automatically."))

    def columns(self) -> dict[str, str]:
        return {t.name: self.cleaned_data.get(t.name) or "" for t in targets()}
