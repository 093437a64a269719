"""What each case contributes to the summary: (bucket, month, dimension, value) → (count, amount).

Read-only. :mod:`gugus.stats.actions` turns these facts into summary rows. A *bucket* is the kab/kota a
case belongs to ("35.07" for a case filed in Kab. Malang or any kecamatan of it), the province code for a
case filed at province level, and "" for a national case.

Dimensions (the unit counted in brackets):

- ``cases`` all [cases]; ``case_status``; ``stage`` (current stage); ``funnel`` reported / p21 / verdict
  [cases that reached the step]; ``days_to_p21`` and ``days_to_verdict`` [cases, value = days since the
  report]; ``exploitation``, ``recruitment``, ``destination`` (country of exploitation abroad)
  [cases, each value once per case]
- ``victims`` all; ``victim_sex`` F/M/U; ``victim_age`` band; ``victim_child`` yes/no/unknown;
  ``victim_status`` (HTCDS trafficking status); ``origin_province`` [victims]
- ``perpetrators`` all; ``perpetrator_role`` [perpetrators, each role once]
- ``restitution`` ordered / paid [verdicts with an amount; ``amount`` = rupiah]
- ``services`` due / met [victim services with a legal deadline (gugus.care, Pasal 52: 7 days): *due* once
  given or once the deadline has passed, *met* when given on or before the deadline — the rule of
  ``gugus.care.selectors.figures``]. Read through :func:`_care_services`, the one hook into gugus.care;
  because "due" depends on today's date, the nightly rebuild keeps it current.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from gugus.cases.models import Case, Participant, StageEntry, TraffickingEvent, Verdict
from gugus.stats.config import age_band

Key = tuple[str, dt.date, str, str]
P21_STAGES = ("p21",)
VERDICT_STAGES = ("putusan",)
CHUNK = 2000


def bucket_of(scope_code: str) -> str:
    """The kab/kota bucket of a record's scope code ("35.07.01" → "35.07")."""
    return ".".join((scope_code or "").split(".")[:2])


def province_of(bucket: str) -> str:
    return (bucket or "").split(".")[0]


def bucket_filter(bucket: str) -> Q:
    """Cases of one bucket: a kab/kota with everything below it; a province or national bucket exactly."""
    if "." in bucket:
        return Q(scope_code=bucket) | Q(scope_code__startswith=bucket + ".")
    return Q(scope_code=bucket)


def facts(cases: Q) -> dict[Key, list[int]]:
    """Summed facts of the cases matching ``cases``: {(bucket, month, dimension, value): [count, amount]}."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for key, count, amount in iter_facts(cases):
        cell = out[key]
        cell[0] += count
        cell[1] += amount
    return dict(out)


def iter_facts(cases: Q) -> Iterator[tuple[Key, int, int]]:
    for _pk, bucket, month, cells in case_contributions(cases):
        for (dim, value), (count, amount) in cells.items():
            yield (bucket, month, dim, value), count, amount


def case_contributions(cases: Q) -> Iterator[tuple[int, str, dt.date, dict[tuple[str, str], list[int]]]]:
    """Each case's own contribution: ``(case id, bucket, month, {(dimension, value): [count, amount]})``, in
    case id order; a case that is not counted (not a trafficking case) yields nothing."""
    # Trafficking figures only: troubled and deceased migrant workers have their own (gugus.migrants), and a
    # case counts here once it is reclassified as TPPO (the reclassification refreshes it).
    rows = Case.objects.filter(cases, kind="trafficking").order_by("pk").values_list(
        "pk", "scope_code", "reported_on", "status", "current_stage", "exploitation_types")
    chunk: list = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _chunk_contributions(chunk)
            chunk = []
    if chunk:
        yield from _chunk_contributions(chunk)


def _by_case(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def _chunk_contributions(cases: list[tuple]):
    ids = [c[0] for c in cases]
    people = _by_case(Participant.objects.filter(case_id__in=ids, role__in=["victim", "perpetrator"]).values_list(
        "case_id", "role", "person__sex", "age_at_events", "is_child", "trafficking_status",
        "person__origin_region_id", "perpetrator_roles"))
    events = _by_case(TraffickingEvent.objects.filter(case_id__in=ids).values_list(
        "case_id", "event_type", "country_id", "recruitment_method"))
    stages = _by_case(StageEntry.objects.filter(case_id__in=ids).values_list("case_id", "stage", "date"))
    verdicts = _by_case(Verdict.objects.filter(case_id__in=ids).values_list(
        "case_id", "restitution_ordered_rupiah", "restitution_paid_rupiah"))
    services = _care_services(ids)
    for pk, scope, reported, status, stage, exploitation in cases:
        where = (bucket_of(scope), reported.replace(day=1))
        cells: dict[tuple[str, str], list[int]] = {}
        for (_b, _m, dim, value), count, amount in case_facts(
                where, reported, status, stage, exploitation, people.get(pk, ()), events.get(pk, ()),
                stages.get(pk, ()), verdicts.get(pk, ())):
            cell = cells.setdefault((dim, value), [0, 0])
            cell[0] += count
            cell[1] += amount
        for due, met in services.get(pk, ()):
            for flag, value in ((due, "due"), (met, "met")):
                if flag:
                    cells.setdefault(("services", value), [0, 0])[0] += 1
        yield pk, where[0], where[1], cells


def _care_services(ids: list[int]) -> dict[int, list[tuple[bool, bool]]]:
    """(due, met) per deadline-bound victim service of these cases; empty when gugus.care is not installed."""
    if not apps.is_installed("gugus.care"):
        return {}
    from gugus.care.models import Service

    today = timezone.localdate()
    out: dict[int, list[tuple[bool, bool]]] = defaultdict(list)
    for case_id, deadline, started in Service.objects.filter(
            case_id__in=ids, deadline__isnull=False).exclude(status="not_needed").values_list(
            "case_id", "deadline", "started_on"):
        met = bool(started and started <= deadline)
        out[case_id].append((bool(started) or deadline < today, met))
    return out


def case_facts(where, reported, status, stage, exploitation, people, events, stages, verdicts):
    """The facts of one case (pure: plain values in, ``((bucket, month, dim, value), count, amount)`` out)."""
    bucket, month = where

    def fact(dim: str, value: str, count: int = 1, amount: int = 0):
        return (bucket, month, dim, value or "unknown"), count, amount

    yield fact("cases", "all")
    yield fact("case_status", status)
    yield fact("stage", stage or "none")
    yield fact("funnel", "reported")
    first = {}
    for code, day in sorted(stages, key=lambda s: s[1]):
        first.setdefault(code, day)
    p21 = min((first[c] for c in P21_STAGES if c in first), default=None)
    verdict = min((first[c] for c in VERDICT_STAGES if c in first), default=None)
    if p21:
        yield fact("funnel", "p21")
        yield fact("days_to_p21", str(max((p21 - reported).days, 0)))
    if verdict:
        yield fact("funnel", "verdict")
        yield fact("days_to_verdict", str(max((verdict - reported).days, 0)))
    for code in sorted(set(exploitation)):
        yield fact("exploitation", code)
    for code in sorted({e[2] for e in events if e[2]}):
        yield fact("recruitment", code)
    for country in sorted({e[1] for e in events if e[0] == "Exploitation" and e[1] and e[1] != "ID"}):
        yield fact("destination", country)
    for role, sex, age, child, tstatus, origin, roles in people:
        if role == "victim":
            yield fact("victims", "all")
            yield fact("victim_sex", sex)
            yield fact("victim_age", age_band(age))
            yield fact("victim_child", "yes" if child else ("no" if age is not None else "unknown"))
            yield fact("victim_status", tstatus)
            yield fact("origin_province", (origin or "").split(".")[0])
        else:
            yield fact("perpetrators", "all")
            for code in sorted(set(roles or [])):
                yield fact("perpetrator_role", code)
    for ordered, paid in verdicts:
        if ordered:
            yield fact("restitution", "ordered", 1, ordered)
        if paid:
            yield fact("restitution", "paid", 1, paid)
