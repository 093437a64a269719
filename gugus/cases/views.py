"""Person pages: thin views over the cases actions and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gugus.cases import actions, selectors
from gugus.cases.forms import BreakGlassForm, PersonForm, PersonSearchForm
from gugus.core.errors import Conflict, GugusError, NotFound
from gugus.core.views import attach_error, require


def person_list(request):
    require(request.user, "person.view")
    form = PersonSearchForm(request.GET or None)
    query = nik = ""
    if form.is_valid():
        query, nik = form.cleaned_data["q"], form.cleaned_data["nik"]
    page = Paginator(selectors.search_persons(request.user, query=query, nik=nik), 25).get_page(
        request.GET.get("page"))
    selectors.record_list_read(request.user, page.object_list)
    return render(request, "cases/person_list.html", {"form": form, "page": page})


def _person_or_404(request, pk, purpose="view"):
    try:
        return selectors.get_person(request.user, pk, purpose=purpose)
    except NotFound:
        raise Http404() from None


def person_detail(request, pk):
    require(request.user, "person.view")
    person = _person_or_404(request, pk)
    return render(request, "cases/person_detail.html", {"person": person})


def _form_values(data: dict) -> dict:
    return {k: data[k] for k in ("full_name", "sex", "birth_date", "nik", "origin_region", "nationality")}


def person_create(request):
    require(request.user, "person.create")
    form = PersonForm(request.POST or None, initial={"nationality": "ID"})
    if request.method == "POST" and form.is_valid():
        try:
            person, warnings = actions.create_person(actor=request.user, **_form_values(form.cleaned_data))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Person recorded."))
            return redirect("cases:person_detail", pk=person.pk)
    return render(request, "cases/person_form.html", {"form": form, "creating": True})


def person_edit(request, pk):
    require(request.user, "person.edit")
    person = _person_or_404(request, pk, purpose="edit_view")
    initial = {
        "full_name": person.full_name, "sex": person.sex, "birth_date": person.birth_date, "nik": person.nik,
        "origin_region": person.origin_region_id or "", "nationality": person.nationality_id or "",
        "version": person.version,
    }
    form = PersonForm(request.POST or None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            _person, warnings = actions.update_person(
                actor=request.user, person=person, expected_version=form.cleaned_data["version"] or 0,
                **_form_values(form.cleaned_data))
        except Conflict as exc:
            # Show what the other officer saved; resubmitting (after review) applies on top of it.
            conflict = True
            person = _person_or_404(request, pk, purpose="edit_view")
            form.data = form.data.copy()
            form.data["version"] = person.version
            form.add_error(None, exc.message)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Changes saved."))
            return redirect("cases:person_detail", pk=person.pk)
    status = 409 if conflict else 200
    return render(request, "cases/person_form.html", {"form": form, "person": person, "conflict": conflict},
                  status=status)


def break_glass(request):
    require(request.user, "break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.open_person_in_emergency(actor=request.user, person_id=form.cleaned_data["person_id"],
                                             reason=form.cleaned_data["reason"])
        except NotFound:
            form.add_error("person_id", _("No person record with this ID."))
        except GugusError as exc:
            attach_error(form, exc)
        else:
            messages.warning(request, _("Emergency access opened. It expires automatically and is logged."))
            return redirect("cases:person_detail", pk=form.cleaned_data["person_id"])
    return render(request, "cases/break_glass.html", {"form": form})
