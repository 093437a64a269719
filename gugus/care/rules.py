"""Service kinds, their legal basis and deadline rule, and the status moves: read from data/services.toml.

Plain functions, no Django models::

    >>> from gugus.care.rules import rules
    >>> rules().kind("HealthRehabilitation").deadline_days
    7
    >>> rules().deadline("FirstAid", dt.date(2026, 1, 30))
    datetime.date(2026, 2, 6)
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "services.toml"
OPEN_STATUSES = ("requested", "accepted", "in_progress")


def lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


@dataclass(frozen=True)
class Kind:
    code: str
    en: str
    id: str
    legal_basis: str
    deadline_days: int | None
    health: bool

    def label(self, language: str | None = None) -> str:
        return self.en if (language or lang()) == "en" else self.id


@dataclass(frozen=True)
class Status:
    code: str
    en: str
    id: str
    next: tuple[str, ...]
    started: bool

    def label(self, language: str | None = None) -> str:
        return self.en if (language or lang()) == "en" else self.id


@dataclass(frozen=True)
class Rules:
    version: str
    due_soon_days: int
    kinds: dict[str, Kind]
    statuses: dict[str, Status]

    def kind(self, code: str) -> Kind:
        return self.kinds[code]

    def deadline(self, kind: str, requested_on: dt.date) -> dt.date | None:
        """``requested_on`` plus the kind's deadline in calendar days (weekends and holidays count)."""
        days = self.kinds[kind].deadline_days
        return requested_on + dt.timedelta(days=days) if days is not None else None

    def can_move(self, current: str, new: str) -> bool:
        return new in self.statuses[current].next

    def started(self, status: str) -> bool:
        return self.statuses[status].started

    def kind_choices(self, language: str | None = None) -> list[tuple[str, str]]:
        return [(k.code, k.label(language)) for k in self.kinds.values()]

    def status_choices(self, language: str | None = None) -> list[tuple[str, str]]:
        return [(s.code, s.label(language)) for s in self.statuses.values()]


def parse_rules(data: dict) -> Rules:
    kinds = {code: Kind(code=code, en=spec["en"], id=spec["id"], legal_basis=spec["legal_basis"],
                        deadline_days=spec.get("deadline_days"), health=bool(spec.get("health", False)))
             for code, spec in data["kinds"].items()}
    statuses = {code: Status(code=code, en=spec["en"], id=spec["id"], next=tuple(spec.get("next", ())),
                             started=bool(spec.get("started", False)))
                for code, spec in data["statuses"].items()}
    for status in statuses.values():
        unknown = set(status.next) - set(statuses)
        if unknown:
            raise ValueError(f"services.toml: status {status.code} moves to unknown {sorted(unknown)}")
    return Rules(version=str(data["version"]), due_soon_days=int(data.get("due_soon_days", 2)), kinds=kinds,
                 statuses=statuses)


@cache
def rules() -> Rules:
    return parse_rules(tomllib.loads(DATA.read_text()))
