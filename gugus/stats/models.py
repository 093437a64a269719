"""The statistics summary: counts by region × month × dimension × value, at three levels.

Level 2 holds one row per kab/kota (``region_code`` "35.07"; cases filed at province level sit in a
bucket named by the province code, national cases in the bucket ""), level 1 the province sums and level 0
the national sums, so a dashboard at any level reads a few thousand rows whatever the size of the registry.
Only :mod:`gugus.stats.actions` writes these rows; dashboards read nothing else.

:class:`CaseContribution` keeps what each case added to its kab/kota rows, so a change to one case is
applied as the difference between its new and its stored contribution (no kab/kota is recomputed). The
invariant the actions keep: the level-2 rows are the sum of the stored contributions (once
``StatLock.contributions_complete``).
"""

from __future__ import annotations

from django.db import models


class StatCell(models.Model):
    class Level(models.IntegerChoices):
        NATIONAL = 0, "national"
        PROVINCE = 1, "province"
        REGENCY = 2, "regency"

    level = models.PositiveSmallIntegerField(choices=Level.choices)
    region_code = models.CharField(max_length=13)
    province_code = models.CharField(max_length=2)
    period = models.DateField()  # first day of the month the case was reported
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # rupiah, for restitution

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "region_code", "period", "dimension", "value"],
                                               name="stat_cell_unique")]
        indexes = [
            models.Index(fields=["level", "region_code", "dimension", "period"], name="stat_cell_region"),
            models.Index(fields=["level", "province_code", "dimension", "period"], name="stat_cell_province"),
            # the national map: every province's cases of a month
            models.Index(fields=["level", "dimension", "period"], name="stat_cell_dimension"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or 'ID'} {self.period:%Y-%m} {self.dimension}={self.value}: {self.count}"


class StatYearCell(models.Model):
    """The national and province rows (levels 0 and 1) summed by year (``period`` = 1 January), so a
    dashboard of a year or of all years reads a year's rows instead of twelve months' (the national
    histograms of days to P-21 and to verdict alone hold ≈50,000 month rows at 300,000 cases). Kept by the
    same writes as :class:`StatCell`; a month's dashboard still reads the month rows."""

    level = models.PositiveSmallIntegerField(choices=StatCell.Level.choices)
    region_code = models.CharField(max_length=13)
    province_code = models.CharField(max_length=2)
    period = models.DateField()
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "region_code", "period", "dimension", "value"],
                                               name="stat_year_cell_unique")]
        indexes = [models.Index(fields=["level", "dimension", "period"], name="stat_year_cell_dimension")]

    def __str__(self) -> str:
        return f"{self.region_code or 'ID'} {self.period:%Y} {self.dimension}={self.value}: {self.count}"


class CaseContribution(models.Model):
    """What one case adds to the summary: its bucket and month, and its cells as a compact list
    ``[[dimension, value, count, amount], …]`` (one row per case rather than one per fact: ≈20 facts a case).

    No foreign key: the contribution of a deleted case must still be there to be subtracted.
    """

    case_id = models.BigIntegerField(primary_key=True)
    bucket = models.CharField(max_length=13)
    period = models.DateField()
    cells = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["bucket"], name="stat_contribution_bucket")]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.bucket or 'ID'} {self.period:%Y-%m}, {len(self.cells)} cells"


class StatLock(models.Model):
    """One row, locked while the summary changes, so concurrent refreshes apply their deltas in turn."""

    refreshed_at = models.DateTimeField(null=True)
    # True when every counted case's contribution is stored (a full rebuild, or a summary that started
    # empty). A summary built before contributions existed has False until ``gugus stats-refresh``; until
    # then a change refreshes the case's whole kab/kota, as before.
    contributions_complete = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"stats refreshed at {self.refreshed_at}"
