"""Reads of regions. Tree queries cost one query whatever the depth."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gugus.regions.models import Country, Region, ancestor_codes


def descendants_q(code: str | None, field: str = "code") -> Q:
    """A filter for rows whose region ``field`` is ``code`` or below it; None means everything."""
    if not code:
        return Q()
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def descendants(code: str, *, include_self: bool = False, max_level: int | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(code__startswith=code + ".")
    if include_self:
        qs = Region.objects.filter(descendants_q(code))
    if max_level:
        qs = qs.filter(level__lte=max_level)
    return qs


def ancestors(code: str) -> list[Region]:
    """The chain from province down to the region's parent, in one query."""
    by_code = Region.objects.in_bulk(ancestor_codes(code))
    return [by_code[c] for c in ancestor_codes(code) if c in by_code]


def children(code: str | None) -> QuerySet[Region]:
    if not code:
        return Region.objects.filter(level=Region.Level.PROVINCE)
    return Region.objects.filter(parent_id=code)


def get_region(code: str) -> Region | None:
    return Region.objects.filter(code=normalise_code(code)).first()


def normalise_code(code: str) -> str:
    """Accepts "3507", "35.07" or "3507012001" and returns the dotted form."""
    code = (code or "").strip()
    if "." in code:
        return code
    digits = "".join(ch for ch in code if ch.isdigit())
    return ".".join(p for p in (digits[0:2], digits[2:4], digits[4:6], digits[6:10]) if p)


def path_label(region: Region) -> str:
    """"Kec. X, Kab. Y, Jawa Timur": a region with its ancestors, nearest first."""
    names = [region.name] + [r.name for r in reversed(ancestors(region.code))]
    return ", ".join(names)


def region_or_error(code, *, field: str) -> Region | None:
    """The Region of a Kemendagri code (a Region passes through); blank is None; an unknown code is a
    GugusError on ``field``. The one place every action resolves a region a user typed."""
    from django.utils.translation import gettext as _

    from gugus.core.errors import GugusError

    if isinstance(code, Region) or code is None:
        return code
    code = str(code).strip()
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise GugusError(_("Unknown region code: %(code)s.") % {"code": code}, field=field)
    return region


def country_or_error(code, *, field: str) -> Country | None:
    """The Country of an ISO alpha-2 code (a Country passes through); blank is None; unknown → GugusError."""
    from django.utils.translation import gettext as _

    from gugus.core.errors import GugusError

    if isinstance(code, Country) or code is None:
        return code
    code = str(code).strip().upper()
    if not code:
        return None
    country = Country.objects.filter(code=code).first()
    if country is None:
        raise GugusError(_("Unknown country code: %(code)s.") % {"code": code}, field=field)
    return country
