"""The plans room's settings and vocabularies, read from data/*.toml (versioned data, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Rules:
    manage_capability: str
    view_capabilities: frozenset[str]
    report_capabilities: frozenset[str]
    max_upload_bytes: int
    remind_days_before: int


@cache
def rules() -> Rules:
    data = tomllib.loads((DATA / "plans.toml").read_text())
    return Rules(
        manage_capability=data["manage_capability"],
        view_capabilities=frozenset(data["view_capabilities"]),
        report_capabilities=frozenset(data["report_capabilities"]),
        max_upload_bytes=int(data["max_upload_bytes"]),
        remind_days_before=int(data["remind_days_before"]),
    )


@dataclass(frozen=True)
class Term:
    code: str
    en: str
    id: str
    retired: bool = False

    def label(self, lang: str | None = None) -> str:
        lang = lang or get_language() or "id"
        return self.en if lang.startswith("en") else self.id


@cache
def _vocabularies() -> dict[str, dict[str, Term]]:
    data = tomllib.loads((DATA / "vocabularies.toml").read_text())
    return {name: {t["code"]: Term(t["code"], t["en"], t["id"], t.get("retired", False)) for t in terms}
            for name, terms in data.items() if isinstance(terms, list)}


def vocabulary(name: str) -> dict[str, Term]:
    return _vocabularies()[name]


def choices(name: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(t.code, t.label(lang)) for t in vocabulary(name).values() if not t.retired]


def label(name: str, code: str, lang: str | None = None) -> str:
    term = vocabulary(name).get(code)
    return term.label(lang) if term else code
