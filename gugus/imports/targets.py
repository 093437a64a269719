"""The import's target fields and value translations, read from ``gugus/imports/data/targets.toml``.

Plain functions, no database: :func:`suggest_mapping` proposes which spreadsheet column feeds which target,
:func:`translate` turns an agency's word ("L", "Kerja paksa") into a code ("M", "ForcedLabour").

Example::

    >>> suggest_mapping(["No", "Nama Korban", "L/P", "No. LP"])
    {'victim_name': 'Nama Korban', 'sex': 'L/P', 'police_report_number': 'No. LP'}
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gugus.cases.vocabularies import vocabulary

TARGETS_FILE = Path(__file__).resolve().parent / "data" / "targets.toml"
KINDS = {"text", "date", "age", "nik", "phone", "region", "country", "choice", "codes"}
_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class Target:
    name: str
    en: str
    id: str
    kind: str
    synonyms: tuple[str, ...]
    key: bool = True
    required: bool = False
    vocabulary: str | None = None

    def label(self, lang: str = "id") -> str:
        return self.en if (lang or "id").startswith("en") else self.id


def norm(text) -> str:
    """"No. LP" → "no lp": lower case, accents and punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(_PUNCT.sub(" ", text.lower()).replace("_", " ").split())


@cache
def _data() -> dict:
    with TARGETS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    for raw in data["targets"]:
        if raw["kind"] not in KINDS:
            raise ValueError(f"{TARGETS_FILE.name}: target {raw['name']!r} has unknown kind {raw['kind']!r}")
    return data


@cache
def targets() -> tuple[Target, ...]:
    return tuple(
        Target(name=t["name"], en=t["en"], id=t["id"], kind=t["kind"], key=t.get("key", True),
               required=t.get("required", False), vocabulary=t.get("vocabulary"),
               synonyms=tuple(norm(s) for s in [t["name"], t["en"], t["id"], *t.get("synonyms", [])]))
        for t in _data()["targets"]
    )


def target(name: str) -> Target:
    for t in targets():
        if t.name == name:
            return t
    raise KeyError(name)


def target_names() -> tuple[str, ...]:
    return tuple(t.name for t in targets())


def _score(header: str, synonym: str) -> float:
    """How well a normalised header matches a normalised synonym: 3 exact, 2 word-contained, ratio else."""
    if header == synonym:
        return 3.0
    if f" {synonym} " in f" {header} " and len(synonym) >= 3:
        return 2.0 + len(synonym) / 100  # the longer the contained synonym, the more specific
    ratio = difflib.SequenceMatcher(None, header, synonym).ratio()
    return ratio if ratio >= 0.85 else 0.0


def header_score(header) -> float:
    """The best match of one header cell against any target (used to find the header row)."""
    h = norm(header)
    if not h:
        return 0.0
    return max(_score(h, s) for t in targets() for s in t.synonyms)


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """``{target: header}`` for the headers that match a target's synonyms; each used at most once.

    The strongest pairs are taken first, so "HP Pelaku" goes to the perpetrator's phone (exact) even though
    it also contains "hp" (the victim's phone).
    """
    pairs = []
    for header in headers:
        h = norm(header)
        if not h:
            continue
        for t in targets():
            best = max(_score(h, s) for s in t.synonyms)
            if best:
                pairs.append((best, t.name, header))
    order = {name: i for i, name in enumerate(target_names())}
    pairs.sort(key=lambda p: (-p[0], order[p[1]]))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _best, name, header in pairs:
        if name not in mapping and header not in used:
            mapping[name] = header
            used.add(header)
    return {name: mapping[name] for name in target_names() if name in mapping}


@cache
def _value_index(table: str) -> dict[str, str]:
    """Normalised word → code for one [values.<table>] (plus the vocabulary's codes and labels)."""
    index: dict[str, str] = {}
    try:
        vocab = vocabulary(table)
    except ValueError:
        vocab = None
    if vocab is not None:
        for term in vocab:
            for word in (term.code, term.en, term.id):
                index.setdefault(norm(word), term.code)
    for code, words in _data().get("values", {}).get(table, {}).items():
        for word in [code, *words]:
            index[norm(word)] = code
    return index


def translate(table: str, value) -> str | None:
    """The code an agency's word stands for in ``table`` (a vocabulary or "countries"), or None."""
    return _value_index(table).get(norm(value))
