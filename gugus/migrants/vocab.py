"""The migrants room's vocabularies and rules, read from ``gugus/migrants/data/*.toml`` with the case
registry's vocabulary parser (same shape: code, ``id`` and ``en`` labels, extra attributes per term)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from gugus.cases.vocabularies import UnknownCodeError, Vocabulary, parse_vocabulary

DATA = Path(__file__).resolve().parent / "data"


@cache
def vocabulary(name: str) -> Vocabulary:
    path = DATA / f"{name}.toml"
    if not name.replace("_", "").isalnum() or not path.is_file():
        raise LookupError(f"No migrants vocabulary {name!r}")
    with path.open("rb") as fh:
        return parse_vocabulary(tomllib.load(fh), origin=path.name)


@cache
def rules() -> dict:
    with (DATA / "rules.toml").open("rb") as fh:
        return tomllib.load(fh)


def lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def label(name: str, code: str) -> str:
    """The code's label in the active language; the code itself when unknown (old data)."""
    if not code:
        return ""
    try:
        return vocabulary(name).label(code, lang())
    except UnknownCodeError:
        return code


def choices(name: str, *, blank: bool = True) -> list[tuple[str, str]]:
    options = vocabulary(name).choices(lang())
    return [("", "—")] + options if blank else options


def exit_point_region(code: str) -> str:
    """The Kemendagri code of the region an exit point lies in ("" for "another checkpoint")."""
    try:
        return vocabulary("exit_points").term(code).get("region", "")
    except UnknownCodeError:
        return ""


def visa_sign(code: str) -> str:
    """The non-procedural sign (identification rules) a visa type implies, or ""."""
    try:
        return vocabulary("visa_types").term(code).get("sign", "")
    except UnknownCodeError:
        return ""


def open_claim_statuses() -> frozenset[str]:
    return frozenset(t.code for t in vocabulary("claim_statuses") if t.get("open"))


def paid_claim_statuses() -> frozenset[str]:
    return frozenset(t.code for t in vocabulary("claim_statuses") if t.get("paid"))
