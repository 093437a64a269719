"""From cells to values: each mapped cell is read by its target's kind (targets.toml) into the canonical value
the case actions take. Problems are collected per cell, so one row can report all of its bad columns."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.utils.translation import gettext as _

from gugus.cases.identifiers import normalise_identifier
from gugus.core import crypto
from gugus.core.errors import GugusError
from gugus.imports.reading import cell_text
from gugus.imports.selectors import AmbiguousName, PlaceResolver
from gugus.imports.targets import norm, target, targets, translate

MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "jun": 6,
    "june": 6, "juli": 7, "jul": 7, "july": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "august": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.]+(\d{4})$")
_LIST_SPLIT = re.compile(r"\s*(?:[,;/+]|\bdan\b|\band\b|&)\s*")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value, field: str) -> dt.date | None:
    """Dates as agencies write them: Excel dates, "17/08/2024" (day first), "17-08-24", "2024-08-17",
    "17 Agustus 2024". Returns None for an empty cell."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 10_000 <= value < 80_000:  # an Excel serial day in an unformatted cell
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip().lower()
    try:
        if m := _NUMERIC_DATE.match(text):
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            if year < 100:
                year += 2000 if year <= dt.date.today().year % 100 else 1900
            return dt.date(year, month, day)
        if (m := _WORD_DATE.match(text)) and m[2] in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    raise GugusError(_("Unreadable date: write it as DD-MM-YYYY or YYYY-MM-DD."), field=field)


def _text(value) -> str:
    return " ".join(cell_text(value).split())


def _digits_cell(value) -> str:
    """NIKs and phone numbers typed into a number cell come back as numbers: keep all their digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


def _age(value, field: str) -> int | None:
    text = _text(value).lower()
    if not text:
        return None
    m = re.match(r"^(\d{1,3})(?:[.,]0+)?\s*(?:th|thn|tahun|years?|y)?\.?$", text)
    if not m:
        raise GugusError(_("Write the age as a whole number of years."), field=field)
    return int(m[1])


def convert_row(record: dict[str, object], places: PlaceResolver) -> tuple[dict[str, object], list[GugusError]]:
    """``record`` is ``{target: cell}``; returns ``({target: value}, problems)``, empty values left out."""
    values: dict[str, object] = {}
    problems: list[GugusError] = []
    for name, cell in record.items():
        if _text(cell) == "" and not isinstance(cell, dt.date):
            continue
        try:
            value = _convert(name, cell, places)
        except GugusError as exc:
            problems.append(exc)
            continue
        if value not in (None, "", []):
            values[name] = value
    for t in targets():
        if t.required and t.name in record and t.name not in values and not any(p.field == t.name
                                                                                for p in problems):
            problems.append(GugusError(_("This cell must not be empty."), field=t.name))
    return values, problems


def _convert(name: str, cell, places: PlaceResolver):
    t = target(name)
    text = _text(cell)
    if t.kind == "text":
        return re.sub(r"\s*/\s*", "/", text) if name == "police_report_number" else text
    if t.kind == "date":
        return parse_date(cell, name)
    if t.kind == "age":
        return _age(cell, name)
    if t.kind == "nik":
        digits = "".join(ch for ch in _digits_cell(cell) if ch.isdigit())
        if len(digits) != 16:
            raise GugusError(_("A NIK has exactly 16 digits."), field=name)
        return digits
    if t.kind == "phone":
        phones = [p for p in (_LIST_SPLIT.split(_digits_cell(cell))) if p.strip()]
        out = []
        for raw in phones:
            if not raw.startswith(("0", "+", "62")) and raw.isdigit() and len(raw) >= 8:
                raw = "0" + raw  # the leading zero a number cell dropped
            normalised = normalise_identifier("phone", raw)
            if normalised is None:
                raise GugusError(_("Not a phone number: %(value)s.") % {"value": raw}, field=name)
            out.append(normalised)
        return sorted(set(out))
    if t.kind == "region":
        try:
            code = places.region(text)
        except AmbiguousName as exc:
            raise GugusError(_("Ambiguous region name; write the code or one of: %(names)s.")
                             % {"names": ", ".join(exc.names)}, field=name) from None
        if code is None:
            raise GugusError(_("Unknown region: %(value)s.") % {"value": text}, field=name)
        return code
    if t.kind == "country":
        code = places.country(text)
        if code is None:
            raise GugusError(_("Unknown country: %(value)s.") % {"value": text}, field=name)
        return code
    if t.kind == "choice":
        code = translate(t.vocabulary, text)
        if code is None:
            raise GugusError(_("Unknown value: %(value)s.") % {"value": text}, field=name)
        return code
    if t.kind == "codes":
        codes = []
        whole = translate(t.vocabulary, text)
        for word in [text] if whole else _LIST_SPLIT.split(text):
            if not word.strip():
                continue
            code = translate(t.vocabulary, word)
            if code is None:
                raise GugusError(_("Unknown value: %(value)s.") % {"value": word}, field=name)
            codes.append(code)
        return sorted(set(codes))
    raise ValueError(f"unknown kind {t.kind!r}")  # pragma: no cover - targets.toml is checked on load


def fingerprint(agency_id: int, values: dict[str, object]) -> str:
    """A keyed hash of the row's key values and the agency: the same row always gives the same key, and the
    key reveals nothing without the index key (rows hold names and NIKs)."""
    payload = {name: _canonical(value) for name, value in sorted(values.items()) if target(name).key}
    body = json.dumps([agency_id, payload], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return crypto.blind_index("import_row", body)


def _canonical(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "|".join(sorted(map(str, value)))
    return norm(value) if isinstance(value, str) else str(value)
