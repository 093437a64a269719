"""Roles and what they may do (the capability table lives in data/roles.toml)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    CASE_MANAGER = "case_manager", _("Case manager / social worker")
    INVESTIGATOR = "investigator", _("Investigator")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    SUPERVISOR = "supervisor", _("Supervisor")
    SECRETARIAT = "secretariat", _("Task-force secretariat")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


@cache
def capability_table() -> dict[str, frozenset[str]]:
    data = tomllib.loads((Path(__file__).parent / "data" / "roles.toml").read_text())
    table = {name: frozenset(spec["capabilities"]) for name, spec in data["roles"].items()}
    unknown = set(table) ^ set(Role.values)
    if unknown:
        raise RuntimeError(f"roles.toml and Role disagree on: {sorted(unknown)}")
    return table


def capabilities_of(role: str) -> frozenset[str]:
    return capability_table().get(role, frozenset())
