"""Helpers every view uses, and the home page."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404
from django.shortcuts import render

from gugus.core.errors import GugusError, NotFound, PermissionDenied


def attach_error(form, exc: GugusError) -> None:
    """Shows a business error beside its field (or at the top of the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def room_page(may_enter: Callable) -> Callable:
    """A decorator for the pages of a room only some users may enter (``may_enter(user)``): others get a 404,
    and a NotFound or PermissionDenied from below becomes the same 404, so nothing tells them apart."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_enter(request.user):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except (NotFound, PermissionDenied):
                raise Http404() from None

        return wrapper

    return decorator


def require(user, capability: str) -> None:
    if not user.can(capability):
        raise Http404()


def home(request):
    user = request.user
    return render(request, "core/home.html", {"capabilities": user.capabilities})
