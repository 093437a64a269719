"""Controlled vocabularies of the case registry, read from ``gugus/cases/data/vocab/*.toml``.

Each file is one vocabulary: HTCDS v2.0 value names (``code``) with an English (``en``) and an
Indonesian (``id``) label, a ``version`` and a ``source`` note. Codes are kept exactly as HTCDS
spells them so an HTCDS export can write them unchanged; Gugus additions are marked
``extension = true`` and name the HTCDS value an export writes instead (``htcds_value``).

Plain functions, no Django: forms use :meth:`Vocabulary.choices`, models and actions validate with
:meth:`Vocabulary.validate`.

Example::

    >>> from gugus.cases.vocabularies import vocabulary
    >>> status = vocabulary("trafficking_status")
    >>> status.label("PossibleVictimOfTrafficking", "id")
    'Diduga korban perdagangan orang'
    >>> status.choices("en")[0]
    ('PossibleVictimOfTrafficking', 'Possible victim of trafficking')
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

VOCAB_DIR = Path(__file__).resolve().parent / "data" / "vocab"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_TERM_KEYS = {"code", "en", "id"}
_FILE_KEYS = {"name", "version", "source", "htcds_field", "multiple", "en", "id", "terms"}


class VocabularyError(ValueError):
    """A vocabulary file is malformed, or a vocabulary does not exist."""


class UnknownCodeError(ValueError):
    """A code is not in the vocabulary. ``codes`` lists the offending codes."""

    def __init__(self, vocabulary: str, codes: Iterable[str], valid: Iterable[str]):
        self.vocabulary = vocabulary
        self.codes = tuple(codes)
        self.valid = tuple(valid)
        super().__init__(
            f"Unknown code(s) {', '.join(map(repr, self.codes))} in vocabulary {vocabulary!r}; "
            f"valid codes: {', '.join(self.valid)}"
        )


@dataclass(frozen=True)
class Term:
    code: str
    en: str
    id: str
    extra: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.id if _lang(lang) == "id" else self.en

    @property
    def htcds_value(self) -> str:
        """The value an HTCDS export writes for this term (the code itself unless it is an extension)."""
        return self.extra.get("htcds_value", self.code)

    def get(self, key: str, default: Any = None) -> Any:
        """An extra attribute of the term (``isic``, ``parent``, ``uu21_means``, ...)."""
        return self.extra.get(key, default)


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: str
    source: str
    htcds_field: str | None
    multiple: bool
    title_en: str
    title_id: str
    terms: tuple[Term, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self):
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    @cached_property
    def _index(self) -> dict[str, Term]:
        return {t.code: t for t in self.terms}

    def title(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.title_id if _lang(lang) == "id" else self.title_en

    def term(self, code: str) -> Term:
        try:
            return self._index[code]
        except KeyError:
            raise UnknownCodeError(self.name, [code], self.codes) from None

    def label(self, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.term(code).label(lang)

    def choices(self, lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
        """``(code, label)`` pairs in file order, for Django ``choices=`` and form fields."""
        return [(t.code, t.label(lang)) for t in self.terms]

    def validate(self, codes: str | Iterable[str]) -> tuple[str, ...]:
        """Return the codes as a tuple, or raise :class:`UnknownCodeError` naming every unknown one.

        A single string is one code; a single-valued vocabulary refuses more than one code.
        """
        given = (codes,) if isinstance(codes, str) else tuple(codes)
        unknown = [c for c in given if c not in self._index]
        if unknown:
            raise UnknownCodeError(self.name, unknown, self.codes)
        if not self.multiple and len(given) > 1:
            raise VocabularyError(f"Vocabulary {self.name!r} takes one value, got {len(given)}")
        return given

    def is_valid(self, code: str) -> bool:
        return code in self._index


def _lang(lang: str) -> str:
    short = (lang or DEFAULT_LANGUAGE).split("-")[0].split("_")[0].lower()
    return short if short in LANGUAGES else "en"


def parse_vocabulary(data: dict[str, Any], *, origin: str = "<data>") -> Vocabulary:
    """Build a :class:`Vocabulary` from parsed TOML, checking its shape. Raises :class:`VocabularyError`."""
    missing = [k for k in ("name", "version", "source", "en", "id", "terms") if k not in data]
    if missing:
        raise VocabularyError(f"{origin}: missing key(s) {', '.join(missing)}")
    unknown = set(data) - _FILE_KEYS
    if unknown:
        raise VocabularyError(f"{origin}: unknown top-level key(s) {', '.join(sorted(unknown))}")
    terms: list[Term] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["terms"], start=1):
        lacking = [k for k in ("code", "en", "id") if not str(raw.get(k, "")).strip()]
        if lacking:
            raise VocabularyError(f"{origin}: term {n} lacks {', '.join(lacking)}")
        code = str(raw["code"]).strip()
        if code in seen:
            raise VocabularyError(f"{origin}: duplicate code {code!r}")
        seen.add(code)
        extra = {k: v for k, v in raw.items() if k not in _TERM_KEYS}
        terms.append(Term(code=code, en=raw["en"], id=raw["id"], extra=MappingProxyType(extra)))
    if not terms:
        raise VocabularyError(f"{origin}: no terms")
    return Vocabulary(
        name=data["name"],
        version=str(data["version"]),
        source=data["source"],
        htcds_field=data.get("htcds_field"),
        multiple=bool(data.get("multiple", False)),
        title_en=data["en"],
        title_id=data["id"],
        terms=tuple(terms),
    )


def vocabulary_names() -> tuple[str, ...]:
    """Names of all vocabularies shipped (the file names without ``.toml``), sorted."""
    return tuple(sorted(p.stem for p in VOCAB_DIR.glob("*.toml")))


@cache
def vocabulary(name: str) -> Vocabulary:
    """Load (once) and return the vocabulary called ``name``. Raises :class:`VocabularyError`."""
    path = VOCAB_DIR / f"{name}.toml"
    if not name.replace("_", "").isalnum() or not path.is_file():
        raise VocabularyError(f"No vocabulary {name!r}; known: {', '.join(vocabulary_names())}")
    with path.open("rb") as fh:
        vocab = parse_vocabulary(tomllib.load(fh), origin=str(path.name))
    if vocab.name != name:
        raise VocabularyError(f"{path.name}: name {vocab.name!r} does not match the file name")
    return vocab


def all_vocabularies() -> dict[str, Vocabulary]:
    return {name: vocabulary(name) for name in vocabulary_names()}
