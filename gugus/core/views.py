"""Helpers every view uses, and the home page."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from gugus.core.errors import GugusError


def attach_error(form, exc: GugusError) -> None:
    """Shows a business error beside its field (or at the top of the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def require(user, capability: str) -> None:
    if not user.can(capability):
        raise Http404()


def home(request):
    user = request.user
    return render(request, "core/home.html", {"capabilities": user.capabilities})
