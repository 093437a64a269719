"""Checks of Indonesian identifiers for the person registry (NIK for now)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lokal.nik import parse_nik

from gugus.regions.models import Region


@dataclass
class NikCheck:
    nik: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: dt.date | None = None
    sex: str | None = None  # "F" or "M"
    region_code: str | None = None


def check_nik(raw: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> NikCheck:
    """16 digits, a known kecamatan code, a real embedded date. Disagreements are warnings: real NIKs can
    disagree with a corrected birth date, and the century is ambiguous."""
    info = parse_nik(raw)
    result = NikCheck(nik=info.nik or "")
    if info.nik is None:
        result.errors.append(_("A NIK has exactly 16 digits."))
        return result
    if not Region.objects.filter(code=info.district_code).exists():
        if Region.objects.filter(code=info.regency_code).exists():
            result.warnings.append(_("The district code in this NIK is not in the current region list."))
        else:
            result.errors.append(_("The region code in this NIK does not exist: %(code)s.")
                                 % {"code": info.regency_code})
    result.region_code = info.district_code
    if info.birth_date is None:
        result.errors.append(_("The date of birth inside this NIK is not a real date."))
    else:
        result.birth_date = dt.date.fromisoformat(info.birth_date)
        result.sex = {"L": "M", "P": "F"}.get(info.gender or "")
        if birth_date and birth_date != result.birth_date:
            result.warnings.append(_("The NIK says born %(nik)s, the record says %(record)s.")
                                   % {"nik": result.birth_date.isoformat(), "record": birth_date.isoformat()})
        if sex in ("F", "M") and result.sex and sex != result.sex:
            result.warnings.append(_("The NIK encodes a different sex than the record."))
    return result


def normalise_identifier(kind: str, raw: str) -> str | None:
    """The canonical form an identifier is indexed under, or None when it cannot be one of its kind."""
    from gugus.linkage.prepare import normalise_passport, normalise_phone

    raw = (raw or "").strip()
    if not raw:
        return None
    if kind == "nik":
        digits = "".join(ch for ch in raw if ch.isdigit())
        return digits if len(digits) == 16 else None
    if kind == "phone":
        digits = "".join(ch for ch in raw if ch.isdigit())
        if raw.startswith("+") and not digits.startswith("62"):
            return f"+{digits}" if 7 <= len(digits) <= 15 else None  # a foreign number, kept as given
        return normalise_phone(raw)
    if kind == "passport":
        return normalise_passport(raw)
    if kind == "bank_account":
        digits = "".join(ch for ch in raw if ch.isdigit())
        return digits if 6 <= len(digits) <= 20 else None
    if kind == "social_handle":
        handle = raw.lower().removeprefix("@").strip()
        return handle or None
    raise ValueError(f"unknown identifier kind {kind!r}")
