"""Computed indicators: an indicator may name a metric code instead of taking typed values.

A metric is a function ``(region_code, year) -> number`` over Gugus data, registered under a stable code
that indicators store. ``region_code`` is the task force's region ("" or None for the national task
force: all Indonesia). Metrics count records (cases, victims), never identities, and count every
agency's records in the region: a plan's figures do not depend on who reads them.

Adding a metric from another app (the hook for ``gugus/care``)::

    # gugus/care/apps.py
    class CareConfig(AppConfig):
        def ready(self):
            from gugus.plans.metrics import register
            from gugus.care.selectors import victims_served_within_days

            register("care.served_within_7_days", en="Victims served within 7 days of the request",
                     id="Korban yang dilayani dalam 7 hari sejak permintaan", unit="%")(
                lambda region_code, year: victims_served_within_days(region_code, year, days=7))

The plans room never imports the app that provides a metric; an indicator whose metric is not registered
(the app is not installed) shows no value instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language

MetricFunc = Callable[[str | None, int], "int | float | Decimal"]


@dataclass(frozen=True)
class Metric:
    code: str
    en: str
    id: str
    unit: str
    func: MetricFunc

    def label(self, lang: str | None = None) -> str:
        lang = lang or get_language() or "id"
        return self.en if lang.startswith("en") else self.id

    def value(self, region_code: str | None, year: int) -> Decimal:
        return Decimal(str(self.func(region_code or None, year)))


_REGISTRY: dict[str, Metric] = {}


def register(code: str, *, en: str, id: str, unit: str = "") -> Callable[[MetricFunc], MetricFunc]:
    """Registers ``func`` under ``code``. Registering the same code again replaces it (reloads, tests)."""

    def wrap(func: MetricFunc) -> MetricFunc:
        _REGISTRY[code] = Metric(code, en, id, unit, func)
        return func

    return wrap


def get(code: str) -> Metric | None:
    return _REGISTRY.get(code)


def available() -> list[Metric]:
    return sorted(_REGISTRY.values(), key=lambda m: m.code)


def choices(lang: str | None = None) -> list[tuple[str, str]]:
    return [(m.code, m.label(lang)) for m in available()]


# --- metrics over the case registry ---------------------------------------------------------------------

def _region_q(region_code: str | None, field: str):
    from gugus.regions.selectors import descendants_q

    return descendants_q(region_code, field)


@register("cases.recorded", en="Cases recorded in the region in the year",
          id="Jumlah kasus TPPO tercatat di wilayah pada tahun berjalan", unit="kasus")
def cases_recorded(region_code: str | None, year: int) -> int:
    from gugus.cases.models import Case

    return Case.objects.filter(_region_q(region_code, "scope_code"), reported_on__year=year).count()


@register("cases.victims", en="Victims in cases recorded in the region in the year",
          id="Jumlah korban dalam kasus yang tercatat di wilayah pada tahun berjalan", unit="orang")
def case_victims(region_code: str | None, year: int) -> int:
    from gugus.cases.models import Participant, ParticipantRole

    return (Participant.objects.filter(_region_q(region_code, "case__scope_code"), role=ParticipantRole.VICTIM,
                                       case__reported_on__year=year)
            .values("person_id").distinct().count())


@register("cases.p21", en="Cases whose file was declared complete (P-21) in the year",
          id="Jumlah kasus yang berkasnya dinyatakan lengkap (P-21) pada tahun berjalan", unit="kasus")
def cases_p21(region_code: str | None, year: int) -> int:
    from gugus.cases.models import StageEntry

    return (StageEntry.objects.filter(_region_q(region_code, "case__scope_code"), stage="p21", date__year=year)
            .values("case_id").distinct().count())
