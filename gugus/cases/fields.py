"""Fields holding vocabulary codes (validated against gugus/cases/data/vocab)."""

from __future__ import annotations

from django.db import models


class CodeListField(models.CharField):
    """Several vocabulary codes stored as "|a|b|", so that one code is found with ``contains="|a|"`` on
    SQLite and PostgreSQL alike (filter with :func:`has_code`). Python code sees a list of strings."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return [c for c in (value or "").split("|") if c]

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [c for c in (value or "").split("|") if c]

    def get_prep_value(self, value):
        if isinstance(value, str):
            return value
        codes = sorted({c for c in (value or []) if c})
        return f"|{'|'.join(codes)}|" if codes else ""


def has_code(field: str, code: str) -> models.Q:
    return models.Q(**{f"{field}__contains": f"|{code}|"})
