"""Forms only parse input; the actions validate business rules and report errors by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gugus.accounts.models import AgencyKind, Level
from gugus.accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpForm(forms.Form):
    token = forms.RegexField(
        label=_("One-time code"), regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown by your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput,
                                   help_text=_("At least 10 characters; not a common password."))
    new_password_again = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput,
                               help_text=_("The user must change it at first login."))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    region_code = forms.CharField(label=_("Region code (Kemendagri)"), max_length=13, required=False,
                                  help_text=_("e.g. 35 for Jawa Timur, 35.07 for Kabupaten Malang"))
    country_code = forms.CharField(label=_("Country code (missions abroad)"), max_length=2, required=False,
                                   help_text=_("ISO 3166, e.g. MY, KH"))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Integration name"), max_length=100)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=[c for c in Role.choices
                                                       if c[0] not in (Role.ADMINISTRATOR, Role.AUDITOR)])

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class TaskForceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=[c for c in Level.choices if c[0] != Level.ABROAD])
    region_code = forms.CharField(label=_("Region code (Kemendagri)"), max_length=13, required=False)
    secretariat = forms.ModelChoiceField(label=_("Secretariat"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(label=_("Member agencies"), queryset=None, required=False)
    decree = forms.CharField(label=_("Founding decree"), max_length=200, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretariat"].queryset = agencies
        self.fields["members"].queryset = agencies
