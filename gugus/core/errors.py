"""The project's business errors. Actions raise these; views and the API turn them into messages."""

from __future__ import annotations


class GugusError(Exception):
    """A business rule refused the request. ``message`` is shown to the user; ``field`` places it."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(GugusError):
    """Raised for both "does not exist" and "not allowed", so record IDs cannot be probed."""

    def __init__(self, message: str = ""):
        from django.utils.translation import gettext

        super().__init__(message or gettext("Record not found."), code="not_found")


class PermissionDenied(GugusError):
    """The user's role does not allow the operation at all (not about a specific record)."""

    def __init__(self, message: str = ""):
        from django.utils.translation import gettext

        super().__init__(message or gettext("Your role does not allow this."), code="permission_denied")


class Conflict(GugusError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, message: str = ""):
        from django.utils.translation import gettext

        super().__init__(
            message or gettext("This record was changed by someone else while you were editing it."),
            code="conflict",
        )
