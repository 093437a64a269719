"""The stats rules as data (``data/privacy.toml``), with the threshold overridable by ``GUGUS_STATS_K``."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"


@cache
def _privacy() -> dict:
    with (DATA / "privacy.toml").open("rb") as fh:
        return tomllib.load(fh)


def threshold() -> int:
    """k: the smallest count shown about records outside the viewer's jurisdiction."""
    return int(getattr(settings, "GUGUS_STATS_K", None) or _privacy()["k"])


def public_round_base() -> int:
    return int(_privacy()["public_round_base"])


def public_epsilon() -> float:
    return float(getattr(settings, "GUGUS_STATS_PUBLIC_EPSILON", None) or _privacy()["public_epsilon"])


def age_bands() -> list[tuple[int, int]]:
    return [(int(lo), int(hi)) for lo, hi in _privacy()["age_bands"]]


def age_band(age: int | None) -> str:
    """"12-17" for 15; "60+" for the open last band; "unknown" without an age."""
    if age is None:
        return "unknown"
    bands = age_bands()
    for lo, hi in bands:
        if lo <= age <= hi:
            return f"{lo}+" if (lo, hi) == bands[-1] else f"{lo}-{hi}"
    return "unknown"


def band_lower(band: str) -> int | None:
    """The lowest age of a band label ("12-17" → 12), for re-importing de-identified ages."""
    head = band.replace("+", "-").split("-")[0].strip()
    return int(head) if head.isdigit() else None


@cache
def province_tiles() -> list[dict]:
    with (DATA / "province_tiles.toml").open("rb") as fh:
        return tomllib.load(fh)["tiles"]


def province_name(code: str) -> str:
    for tile in province_tiles():
        if tile["code"] == code:
            return tile["name"]
    return code
