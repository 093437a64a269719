"""Base classes for API views: business errors are handled by gugus.core.api.exception_handler."""

from rest_framework.permissions import BasePermission


class HasCapability(BasePermission):
    """``required_capability`` on the view (or per action in ``capability_map``)."""

    def has_permission(self, request, view):
        mapping = getattr(view, "capability_map", {})
        capability = mapping.get(getattr(view, "action", None), getattr(view, "required_capability", None))
        return bool(request.user and request.user.is_authenticated and (capability is None
                                                                         or request.user.can(capability)))
