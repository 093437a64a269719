from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gugus.audit.selectors import events_visible_to, filter_events
from gugus.core.views import require


class AuditFilterForm(forms.Form):
    username = forms.CharField(label=_("User name"), required=False)
    object_type = forms.ChoiceField(label=_("Record type"), required=False, choices=[
        ("", _("All")), ("cases.person", _("Person")), ("accounts.user", _("User")),
        ("accounts.agency", _("Agency")), ("accounts.apitoken", _("API token")),
    ])
    object_id = forms.CharField(label=_("Record ID"), required=False)
    action = forms.CharField(label=_("Action"), required=False, help_text=_("e.g. person.view, auth."))
    since = forms.DateField(label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    break_glass = forms.BooleanField(label=_("Emergency access only"), required=False)


def audit_log(request):
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    events = events_visible_to(request.user)
    if form.is_valid():
        events = filter_events(events, **form.cleaned_data)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})
