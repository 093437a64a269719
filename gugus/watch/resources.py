"""Loading of the screening data files (rules, registry, moratorium, gazetteer).

The shipped copies live in ``gugus/watch/data/``. An installation may override any of them by
placing a file of the same name in ``<DATA_DIR>/watch/``; the task force updates those copies
without touching code. Files are read once per process.
"""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


def data_dir() -> Path:
    """The installation's data directory (``settings.DATA_DIR``), without requiring Django."""
    try:
        from django.conf import settings

        if settings.configured:
            return Path(settings.DATA_DIR)
    except Exception:  # noqa: S110 -- settings absent or broken: fall back to the environment
        pass
    return Path(os.environ.get("GUGUS_DATA_DIR", Path(__file__).resolve().parents[2] / "var"))


def data_file(name: str) -> Path:
    """Path of a data file, preferring the installation's override."""
    override = data_dir() / "watch" / name
    return override if override.is_file() else PACKAGE_DATA / name


@cache
def load_toml(name: str) -> dict:
    with data_file(name).open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Agency:
    name: str
    licence_no: str
    city: str
    valid_until: date | None
    status: str
    sample: bool

    def is_valid(self, on: date | None = None) -> bool:
        on = on or date.today()
        return self.status == "active" and (self.valid_until is None or self.valid_until >= on)


def _key(name: str) -> str:
    name = name.lower().replace(".", " ")
    words = [w for w in name.split() if w not in {"pt", "cv", "tbk"}]
    return " ".join(words)


@dataclass(frozen=True)
class Registry:
    """The licensed P3MI registry, looked up by normalised name or licence number."""

    by_name: dict[str, Agency]
    by_licence: dict[str, Agency]

    def find(self, *, name: str | None = None, licence: str | None = None) -> Agency | None:
        if licence:
            hit = self.by_licence.get(licence.upper().strip(" .,;:"))
            if hit:
                return hit
        if name:
            return self.by_name.get(_key(name))
        return None


@cache
def load_registry() -> Registry:
    by_name: dict[str, Agency] = {}
    by_licence: dict[str, Agency] = {}
    with data_file("p3mi.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            until = row.get("valid_until") or ""
            agency = Agency(
                name=row["name"].strip(),
                licence_no=row["licence_no"].strip().upper(),
                city=(row.get("city") or "").strip(),
                valid_until=date.fromisoformat(until) if until else None,
                status=(row.get("status") or "active").strip().lower(),
                sample=(row.get("sample") or "").strip().lower() in {"yes", "true", "1"},
            )
            by_name[_key(agency.name)] = agency
            by_licence[agency.licence_no] = agency
    return Registry(by_name=by_name, by_licence=by_licence)


def clear_caches() -> None:
    """Forget loaded files (after the task force replaced one, or in tests)."""
    load_toml.cache_clear()
    load_registry.cache_clear()
