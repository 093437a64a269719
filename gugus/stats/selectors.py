"""Reads for the statistics: dashboards from the summary table only, every figure through
:func:`gugus.stats.privacy.protect`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gugus.cases.stages import load_stages
from gugus.cases.vocabularies import vocabulary
from gugus.regions.models import Country, Region
from gugus.regions.selectors import normalise_code
from gugus.stats import config
from gugus.stats.models import StatCell, StatYearCell
from gugus.stats.privacy import Audience, Breakdown, Cell, protect

TREND_DIMENSIONS = ("cases", "victims")
MAP_DIMENSION = "cases"


@dataclass
class Period:
    """A year, a month of a year, or everything (year None)."""

    year: int | None = None
    month: int | None = None

    @property
    def bounds(self) -> tuple[dt.date, dt.date] | None:
        if self.year is None:
            return None
        if self.month:
            start = dt.date(self.year, self.month, 1)
            return start, start
        return dt.date(self.year, 1, 1), dt.date(self.year, 12, 1)

    @property
    def label(self) -> str:
        if self.year is None:
            return _("All years")
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    @classmethod
    def parse(cls, text: str | None) -> Period:
        """"2024" or "2024-05"; anything else means all years."""
        text = (text or "").strip()
        try:
            if len(text) == 4:
                return cls(int(text))
            if len(text) == 7 and text[4] == "-" and 1 <= int(text[5:]) <= 12:
                return cls(int(text[:4]), int(text[5:]))
        except ValueError:
            pass
        return cls()


@dataclass
class Dashboard:
    region: str
    region_name: str
    level: int
    period: Period
    audience: Audience
    headline: dict[str, Cell]
    breakdowns: dict[str, Breakdown]
    map: Breakdown | None
    trend_years: dict[str, Breakdown]
    trend_months: dict[str, Breakdown]
    funnel: dict = field(default_factory=dict)
    ancestors: list[tuple[str, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def stats_region(code: str | None) -> str:
    """A dashboard's region: "" (national), a province or a kab/kota (deeper codes stop at kab/kota)."""
    code = normalise_code(code or "")
    return ".".join(code.split(".")[:2]) if code else ""


def region_name(code: str) -> str:
    if not code:
        return _("Indonesia")
    region = Region.objects.filter(code=code).only("name").first()
    return region.name if region else (config.province_name(code) if "." not in code else code)


def _level(code: str) -> int:
    return 0 if not code else (1 if "." not in code else 2)


def _cells(level: int, period: Period):
    """The rows to sum: the year rows for a year or all years at national and province level (a twelfth of
    the month rows or fewer), else the month rows."""
    return StatYearCell.objects if level < StatCell.Level.REGENCY and not period.month else StatCell.objects


def _base(level: int, region: str, period: Period):
    qs = _cells(level, period).filter(level=level, region_code=region)
    if period.bounds:
        qs = qs.filter(period__gte=period.bounds[0], period__lte=period.bounds[1])
    return qs


# --- labels -----------------------------------------------------------------------------------------------

def _vocab_label(name: str):
    def label(code: str) -> str:
        vocab = vocabulary(name)
        return vocab.label(code, _lang()) if code in vocab else _unknown(code)
    return label


def _unknown(code: str) -> str:
    return _("Unknown") if code in ("unknown", "", "none") else code


def _stage_label(code: str) -> str:
    if code == "none":
        return _("No stage recorded")
    stage = load_stages().get(code)
    return stage.label(_lang()) if stage else code


def _country_labels(codes) -> dict[str, str]:
    field_name = "name_en" if _lang() == "en" else "name_id"
    return dict(Country.objects.filter(code__in=list(codes)).values_list("code", field_name))


def _sex_label(code: str) -> str:
    return {"F": _("Female"), "M": _("Male")}.get(code, _("Unknown"))


def _child_label(code: str) -> str:
    return {"yes": _("Child (under 18)"), "no": _("Adult")}.get(code, _("Age unknown"))


def _age_label(code: str) -> str:
    return _("Age unknown") if code == "unknown" else code


def _funnel_label(code: str) -> str:
    return {"reported": _("Reported"), "p21": _("P-21 (case file complete)"), "verdict": _("Verdict")}.get(code, code)


def _restitution_label(code: str) -> str:
    return {"ordered": _("Restitution ordered"), "paid": _("Restitution paid")}.get(code, code)


def _services_label(code: str) -> str:
    return {"due": _("Services due (given, or deadline passed)"),
            "met": _("Given within the deadline")}.get(code, code)


# name: (dimension, title, label function, additive, total dimension, fixed order)
BREAKDOWNS = {
    "victim_sex": ("victim_sex", N_("Victims by sex"), _sex_label, True, "victims", ["F", "M", "U"]),
    "victim_age": ("victim_age", N_("Victims by age group"), _age_label, True, "victims", None),
    "victim_child": ("victim_child", N_("Children among victims"), _child_label, True, "victims",
                     ["yes", "no", "unknown"]),
    "victim_status": ("victim_status", N_("Victims by trafficking status"), _vocab_label("trafficking_status"), True,
                      "victims", None),
    "origin_province": ("origin_province", N_("Victims by province of origin"), None, True, "victims", None),
    "perpetrator_role": ("perpetrator_role", N_("Perpetrators by role"), _vocab_label("perpetrator_roles"), False,
                         "perpetrators", None),
    "exploitation": ("exploitation", N_("Cases by type of exploitation"), _vocab_label("exploitation_types"), False,
                     "cases", None),
    "recruitment": ("recruitment", N_("Cases by recruitment method"), _vocab_label("recruitment_methods"), False,
                    "cases", None),
    "destination": ("destination", N_("Cases by country of exploitation abroad"), None, False, "cases", None),
    "case_status": ("case_status", N_("Cases by status"), _vocab_label("case_status"), True, "cases", None),
    "stage": ("stage", N_("Cases by stage of the criminal process"), _stage_label, True, "cases", None),
    "restitution": ("restitution", N_("Restitution"), _restitution_label, False, None, ["ordered", "paid"]),
    "services": ("services", N_("Victim services with a legal deadline (7 days)"), _services_label, False, None,
                 ["due", "met"]),
}


def _title(text: str) -> str:
    return _(text)


def dashboard(audience: Audience, *, region: str = "", period: Period | None = None) -> Dashboard:
    """The protected dashboard of ``region`` ("" national, "35", "35.07") for ``audience``."""
    region = stats_region(region)
    period = period or Period()
    level = _level(region)
    base = _base(level, region, period)
    sums: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in base.values("dimension", "value").annotate(c=Sum("count"), a=Sum("amount")).order_by():
        sums[row["dimension"]][row["value"]] = (row["c"], row["a"])

    def total(dim: str) -> int:
        return sum(c for c, _a in sums.get(dim, {}).values())

    headline_raw = Breakdown("headline", _("Key figures"), [
        Cell("cases", _("Cases"), total("cases"), region),
        Cell("victims", _("Victims"), total("victims"), region),
        Cell("children", _("Child victims"), sums.get("victim_child", {}).get("yes", (0, 0))[0], region),
        Cell("perpetrators", _("Perpetrators"), total("perpetrators"), region),
    ])
    headline = {c.key: c for c in protect(headline_raw, audience).cells}

    breakdowns = {}
    for name, (dim, title, label, additive, total_dim, order) in BREAKDOWNS.items():
        values = sums.get(dim, {})
        keys = [k for k in order if k in values] if order else sorted(values, key=lambda k: (-values[k][0], k))
        labels = _labels_for(name, keys, label)
        cells = [Cell(k, labels[k], values[k][0], region,
                      amount=values[k][1] if name == "restitution" else None) for k in keys]
        tot = Cell("total", _("Total"), total(total_dim), region) if total_dim else None
        breakdowns[name] = protect(Breakdown(name, _title(title), cells, tot, additive=additive), audience)

    funnel = _funnel(sums, region, audience)
    trend_years, trend_months, years = _trends(audience, region, level, period)
    return Dashboard(region=region, region_name=region_name(region), level=level, period=period,
                     audience=audience, headline=headline, breakdowns=breakdowns,
                     map=_map(audience, region, level, period), trend_years=trend_years,
                     trend_months=trend_months, funnel=funnel, ancestors=_ancestors(region), years=years)


def _labels_for(name: str, keys: list[str], label) -> dict[str, str]:
    if name == "destination":
        names = _country_labels(keys)
        return {k: names.get(k, k) for k in keys}
    if name == "origin_province":
        return {k: (config.province_name(k) if k not in ("", "unknown") else _("Unknown")) for k in keys}
    return {k: label(k) for k in keys}


def _median(distribution: dict[str, tuple[int, int]]) -> float | None:
    pairs = sorted((int(v), c) for v, (c, _a) in distribution.items() if v.isdigit())
    n = sum(c for _v, c in pairs)
    if not n:
        return None
    lo_rank, hi_rank = (n - 1) // 2, n // 2
    seen, lo = 0, None
    for value, count in pairs:
        if lo is None and seen + count > lo_rank:
            lo = value
        if seen + count > hi_rank:
            return (lo + value) / 2
        seen += count
    return None


def _funnel(sums, region: str, audience: Audience) -> dict:
    steps = sums.get("funnel", {})
    cells = [Cell(k, _funnel_label(k), steps.get(k, (0, 0))[0], region) for k in ("reported", "p21", "verdict")]
    protected = protect(Breakdown("funnel", _("From report to verdict"), cells), audience)
    by_key = {c.key: c for c in protected.cells}
    medians = {
        "p21": _median(sums.get("days_to_p21", {})) if by_key["p21"].shown is not None else None,
        "verdict": _median(sums.get("days_to_verdict", {})) if by_key["verdict"].shown is not None else None,
    }
    return {"breakdown": protected, "median_days": medians}


def _map(audience: Audience, region: str, level: int, period: Period) -> Breakdown | None:
    """Cases by province (national) or by kab/kota (province); a kab/kota dashboard has no map."""
    if level == 2:
        return None
    if level == 0:
        qs = _cells(StatCell.Level.PROVINCE, period).filter(dimension=MAP_DIMENSION, level=StatCell.Level.PROVINCE)
        children = [(t["code"], t["name"]) for t in config.province_tiles()]
    else:
        qs = StatCell.objects.filter(dimension=MAP_DIMENSION, level=StatCell.Level.REGENCY, province_code=region)
        children = list(Region.objects.filter(parent_id=region).order_by("code").values_list("code", "name"))
    if period.bounds:
        qs = qs.filter(period__gte=period.bounds[0], period__lte=period.bounds[1])
    counts = dict(qs.values_list("region_code").annotate(c=Sum("count")).order_by())
    known = {code for code, _n in children}
    if level == 1 and counts.get(region):
        children.append((region, _("Province level (no kab/kota)")))
    children += [(code, code) for code in sorted(counts) if code not in known and code != region and code]
    cells = [Cell(code, name, counts.get(code, 0), code) for code, name in children]
    total = Cell("total", _("Total"), sum(counts.values()), region)
    return protect(Breakdown("map", _("Cases by region"), cells, total, additive=True), audience)


def _trends(audience: Audience, region: str, level: int, period: Period):
    """Cases and victims by year (all years) and by month (the chosen year, else the latest): one query."""
    qs = StatCell.objects.filter(level=level, region_code=region, dimension__in=TREND_DIMENSIONS)
    monthly: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for dim, month, count in qs.values_list("dimension", "period").annotate(c=Sum("count")).order_by():
        monthly[dim][month] += count
    months = sorted({m for series in monthly.values() for m in series})
    year = period.year or (months[-1].year if months else dt.date.today().year)
    years = [str(y) for y in range(months[0].year, months[-1].year + 1)] if months else []
    out: dict[str, dict[str, Breakdown]] = {"year": {}, "month": {}}
    for dim in TREND_DIMENSIONS:
        by_year: dict[str, int] = defaultdict(int)
        for month, count in monthly[dim].items():
            by_year[str(month.year)] += count
        title = _("Cases") if dim == "cases" else _("Victims")
        for grain, keys, values in (
            ("year", years, by_year),
            ("month", [f"{year}-{m:02d}" for m in range(1, 13)],
             {f"{m:%Y-%m}": c for m, c in monthly[dim].items() if m.year == year}),
        ):
            cells = [Cell(k, k, values.get(k, 0), region) for k in keys]
            tot = Cell("total", _("Total"), sum(values.get(k, 0) for k in keys), region)
            out[grain][dim] = protect(Breakdown(f"trend_{grain}_{dim}", title, cells, tot, additive=True,
                                                extra={"year": year}), audience)
    return out["year"], out["month"], sorted({int(y) for y in years}, reverse=True)


def _ancestors(region: str) -> list[tuple[str, str]]:
    chain = [("", _("Indonesia"))]
    parts = region.split(".") if region else []
    for i in range(1, len(parts)):
        code = ".".join(parts[:i])
        chain.append((code, region_name(code)))
    return chain


def child_regions(region: str) -> list[tuple[str, str]]:
    """Where a dashboard can drill down to (provinces of Indonesia, kab/kota of a province)."""
    if not region:
        return [(t["code"], t["name"]) for t in config.province_tiles()]
    if "." in region:
        return []
    return list(Region.objects.filter(parent_id=region).order_by("code").values_list("code", "name"))


def available_years() -> list[int]:
    dates = StatCell.objects.filter(level=StatCell.Level.NATIONAL, dimension="cases").dates("period", "year")
    return sorted({d.year for d in dates}, reverse=True)
