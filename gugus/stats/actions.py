"""The only code that writes the statistics summary (:class:`~gugus.stats.models.StatCell`) and the cases'
stored contributions (:class:`~gugus.stats.models.CaseContribution`).

How the summary stays correct:

- The invariant: the kab/kota rows (level 2) are the sum of the stored contributions, the province and
  national rows the sums of the kab/kota rows, and the year rows (:class:`StatYearCell`) the sums of the
  province and national month rows. Every write below keeps it, under the :class:`StatLock` row.
- :func:`refresh_cases` recomputes the facts of the given cases only, takes the difference to their stored
  contributions and applies it to the three levels. The case actions call it (through
  :func:`refresh_after_commit`) for the case they changed, a person edit for the person's cases. It is
  idempotent: a case that did not change adds nothing.
- :func:`refresh_scopes` recomputes whole kab/kota buckets (their rows and their cases' contributions).
- :func:`rebuild` recomputes everything (``gugus stats-refresh``), or one region
  (``gugus stats-refresh --region 35``); run it nightly to catch any change made outside the actions.
- A summary built before contributions were stored (``contributions_complete`` False) cannot be updated
  case by case; until the next full rebuild a change refreshes the case's whole bucket, as before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncYear
from django.utils import timezone

from gugus.cases.models import Case
from gugus.regions.selectors import descendants_q
from gugus.stats import facts as F
from gugus.stats.models import CaseContribution, StatCell, StatLock, StatYearCell

Delta = dict[tuple[dt.date, str, str], tuple[int, int]]
BATCH = 5000
CASE_CHUNK = 1000


def _lock() -> StatLock:
    """Takes the lock row (the UPDATE holds its row lock until the transaction ends; a concurrent refresh
    waits here, then reads what this one committed) and stamps the summary's version."""
    now = timezone.now()
    if not StatLock.objects.filter(pk=1).update(refreshed_at=now):
        StatLock.objects.get_or_create(pk=1)
        StatLock.objects.filter(pk=1).update(refreshed_at=now)
    return StatLock.objects.get(pk=1)


def refresh_after_commit(*targets) -> None:
    """The hook for the case actions: refresh once the transaction commits (in a Celery worker when a broker
    is configured; inline otherwise). ``targets``: cases (or case ids) — each is refreshed on its own — or
    scope codes (strings), whose whole kab/kota bucket is recomputed."""
    from gugus.stats.tasks import refresh_task

    case_ids = sorted({t if isinstance(t, int) else t.pk for t in targets if not isinstance(t, str)})
    scopes = sorted({t or "" for t in targets if isinstance(t, str) or t is None})
    transaction.on_commit(lambda: refresh_task.delay(case_ids, scopes))


def refresh_person_after_commit(person) -> None:
    """The hook for person updates (sex, birth date, origin change the victims' figures of their cases)."""
    case_ids = list(Case.objects.filter(participants__person=person).values_list("pk", flat=True).distinct())
    if case_ids:
        refresh_after_commit(*case_ids)


def refresh_case(case: Case) -> int:
    return refresh_cases([case.pk])


def refresh(case_ids: Iterable[int] = (), scope_codes: Iterable[str] = ()) -> int:
    """Refreshes these cases and the buckets of these scope codes; returns the number of summary cells
    changed (at kab/kota level)."""
    case_ids, scope_codes = sorted(set(case_ids)), list(scope_codes)
    changed = 0
    with transaction.atomic():
        lock = _lock()
        if not lock.contributions_complete and case_ids:  # no contributions to diff against: whole buckets
            scope_codes += Case.objects.filter(pk__in=case_ids).values_list("scope_code", flat=True)
            case_ids = []
        for bucket in sorted({F.bucket_of(c) for c in scope_codes}):
            changed += _refresh_bucket(bucket, lock.contributions_complete)
        for i in range(0, len(case_ids), CASE_CHUNK):
            changed += _refresh_cases(case_ids[i:i + CASE_CHUNK])
    return changed


def refresh_cases(case_ids: Iterable[int]) -> int:
    return refresh(case_ids=case_ids)


def refresh_scopes(scope_codes: Iterable[str]) -> int:
    """Recomputes the buckets of ``scope_codes``; returns the number of summary rows changed."""
    return refresh(scope_codes=scope_codes)


def _cells_list(cells: dict[tuple[str, str], list[int]]) -> list[list]:
    return [[d, v, c, a] for (d, v), (c, a) in sorted(cells.items())]


def _add(delta: dict[str, Delta], bucket: str, month: dt.date, cells: Iterable, sign: int) -> None:
    target = delta[bucket]
    for dim, value, count, amount in cells:
        key = (month, dim, value)
        c, a = target.get(key, (0, 0))
        target[key] = (c + sign * count, a + sign * amount)


def _refresh_cases(case_ids: list[int]) -> int:
    """Applies the difference between these cases' facts and their stored contributions (under the lock)."""
    new = {pk: (bucket, month, _cells_list(cells))
           for pk, bucket, month, cells in F.case_contributions(Q(pk__in=case_ids))}
    old = {c.case_id: c for c in CaseContribution.objects.filter(case_id__in=case_ids)}
    delta: dict[str, Delta] = defaultdict(dict)
    create, update, delete = [], [], []
    for pk in case_ids:
        before, after = old.get(pk), new.get(pk)
        if before is not None and after is not None and (before.bucket, before.period, before.cells) == after:
            continue
        if before is not None:
            _add(delta, before.bucket, before.period, before.cells, -1)
        if after is None:
            if before is not None:
                delete.append(pk)
            continue
        _add(delta, after[0], after[1], after[2], +1)
        row = CaseContribution(case_id=pk, bucket=after[0], period=after[1], cells=after[2])
        (create if before is None else update).append(row)
    if delete:
        CaseContribution.objects.filter(case_id__in=delete).delete()
    if update:
        CaseContribution.objects.bulk_update(update, ["bucket", "period", "cells"], batch_size=BATCH)
    if create:
        CaseContribution.objects.bulk_create(create, batch_size=BATCH)
    return _apply_levels(delta)


def _apply_levels(delta: dict[str, Delta]) -> int:
    """Applies per-bucket deltas to the kab/kota rows and their sums to the province and national rows (month
    and year rows): one read and at most three writes per table, whatever the number of buckets."""
    targets: dict[tuple[int, str, str], Delta] = {}
    provinces: dict[str, Delta] = defaultdict(dict)
    national: Delta = {}
    changed = 0
    for bucket, cells in sorted(delta.items()):
        cells = {k: v for k, v in cells.items() if v != (0, 0)}
        if not cells:
            continue
        changed += len(cells)
        province = F.province_of(bucket)
        targets[(StatCell.Level.REGENCY, bucket, province)] = cells
        for target in ((provinces[province],) if province else ()) + (national,):
            for key, (dc, da) in cells.items():
                c, a = target.get(key, (0, 0))
                target[key] = (c + dc, a + da)
    years: dict[tuple[int, str, str], Delta] = {}
    for (level, region), cells in [((StatCell.Level.PROVINCE, p), c) for p, c in sorted(provinces.items())] + [
            ((StatCell.Level.NATIONAL, ""), national)]:
        cells = {k: v for k, v in cells.items() if v != (0, 0)}
        if cells:
            targets[(level, region, region)] = cells
            years[(level, region, region)] = _by_year(cells)
    _apply_many(StatCell, targets)
    _apply_many(StatYearCell, years)
    return changed


def _by_year(delta: Delta) -> Delta:
    out: Delta = {}
    for (month, dim, value), (dc, da) in delta.items():
        key = (month.replace(month=1, day=1), dim, value)
        c, a = out.get(key, (0, 0))
        out[key] = (c + dc, a + da)
    return {k: v for k, v in out.items() if v != (0, 0)}


def _refresh_bucket(bucket: str, contributions: bool = True) -> int:
    """Recomputes one bucket from the registry: its kab/kota rows (the difference goes to the province and
    national rows) and, when ``contributions``, its cases' stored contributions."""
    per_case = {pk: (b, m, _cells_list(cells)) for pk, b, m, cells in F.case_contributions(F.bucket_filter(bucket))}
    if contributions:
        # A case that left the bucket, or came into it from another, is moved first, case by case, so the
        # other bucket's rows stay the sum of its contributions.
        stored = CaseContribution.objects.filter(Q(bucket=bucket) | Q(case_id__in=list(per_case)))
        movers = sorted(pk for pk, b in stored.values_list("case_id", "bucket") if (b == bucket) != (pk in per_case))
        for i in range(0, len(movers), CASE_CHUNK):
            _refresh_cases(movers[i:i + CASE_CHUNK])
    new: Delta = {}
    for _b, month, cells in per_case.values():
        for dim, value, count, amount in cells:
            c, a = new.get((month, dim, value), (0, 0))
            new[(month, dim, value)] = (c + count, a + amount)
    old = {(r.period, r.dimension, r.value): (r.count, r.amount)
           for r in StatCell.objects.filter(level=StatCell.Level.REGENCY, region_code=bucket)}
    delta: Delta = {}
    for key in new.keys() | old.keys():
        n, o = new.get(key, (0, 0)), old.get(key, (0, 0))
        if n != o:
            delta[key] = (n[0] - o[0], n[1] - o[1])
    if contributions:
        CaseContribution.objects.filter(bucket=bucket).delete()
        CaseContribution.objects.bulk_create([CaseContribution(case_id=pk, bucket=b, period=m, cells=cells)
                                              for pk, (b, m, cells) in per_case.items()], batch_size=BATCH)
    return _apply_levels({bucket: delta})


def _apply_many(model, targets: dict[tuple[int, str, str], Delta]) -> None:
    """Adds each ``(level, region, province) → delta`` to the rows of ``model``; rows that fall to zero are
    deleted."""
    targets = {t: d for t, d in targets.items() if d}
    if not targets:
        return
    where = Q()
    for (level, region, _p), delta in targets.items():
        where |= Q(level=level, region_code=region, dimension__in={k[1] for k in delta},
                   period__in={k[0] for k in delta})
    existing = {(r.level, r.region_code, r.period, r.dimension, r.value): r for r in model.objects.filter(where)}
    update, create, delete = [], [], []
    for (level, region, province), delta in targets.items():
        for key, (dc, da) in delta.items():
            row = existing.get((level, region, *key))
            if row is None:
                create.append(model(level=level, region_code=region, province_code=province, period=key[0],
                                    dimension=key[1], value=key[2], count=dc, amount=da))
                continue
            row.count += dc
            row.amount += da
            (delete if row.count <= 0 and row.amount == 0 else update).append(row)
    if delete:
        model.objects.filter(pk__in=[r.pk for r in delete]).delete()
    if update:
        model.objects.bulk_update(update, ["count", "amount"], batch_size=BATCH)
    if create:
        model.objects.bulk_create(create, batch_size=BATCH)


AUTO_BUILD_MAX_CASES = 20_000


def ensure_built() -> bool:
    """Builds the summary on first use of a small registry (e.g. ``make run`` with the demo data) when it was
    never built; a large registry is left to ``gugus stats-refresh``. Returns True when it built."""
    if StatLock.objects.exists() or not Case.objects.exists():
        return False
    if Case.objects.count() > AUTO_BUILD_MAX_CASES:
        return False
    rebuild()
    return True


def rebuild(*, region: str | None = None, progress=None) -> int:
    """Recomputes the summary from the registry: everything, or the buckets inside ``region``. A full
    rebuild also stores every case's contribution (and so completes the migration of a summary built before
    contributions existed).

    Idempotent. Returns the number of level-2 rows written (whole rebuild) or changed (one region).
    """
    if region:
        scopes = set(Case.objects.filter(descendants_q(region, "scope_code")).values_list("scope_code", flat=True)
                     .distinct())
        buckets = scopes | set(StatCell.objects.filter(level=StatCell.Level.REGENCY).filter(
            descendants_q(region, "region_code")).values_list("region_code", flat=True))
        buckets |= set(CaseContribution.objects.filter(descendants_q(region, "bucket")).values_list(
            "bucket", flat=True).distinct())
        return refresh_scopes(buckets)
    written = 0
    with transaction.atomic():
        lock = _lock()
        StatCell.objects.all().delete()
        StatYearCell.objects.all().delete()
        CaseContribution.objects.all().delete()
        provinces = sorted({F.province_of(F.bucket_of(s)) for s in
                            Case.objects.values_list("scope_code", flat=True).distinct()})
        for province in provinces:
            cases = descendants_q(province, "scope_code") if province else F.bucket_filter("")
            sums: dict[F.Key, list[int]] = defaultdict(lambda: [0, 0])
            pending: list[CaseContribution] = []
            for pk, bucket, month, cells in F.case_contributions(cases):
                for (dim, value), (count, amount) in cells.items():
                    cell = sums[(bucket, month, dim, value)]
                    cell[0] += count
                    cell[1] += amount
                pending.append(CaseContribution(case_id=pk, bucket=bucket, period=month, cells=_cells_list(cells)))
                if len(pending) >= BATCH:
                    CaseContribution.objects.bulk_create(pending, batch_size=BATCH)
                    pending = []
            CaseContribution.objects.bulk_create(pending, batch_size=BATCH)
            rows = [StatCell(level=StatCell.Level.REGENCY, region_code=b, province_code=F.province_of(b), period=m,
                             dimension=d, value=v, count=c, amount=a)
                    for (b, m, d, v), (c, a) in sums.items()]
            StatCell.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            if progress:
                progress(province or "nasional", len(rows))
        _rollup()
        lock.contributions_complete = True
        lock.save(update_fields=["contributions_complete"])
    if connection.vendor == "postgresql":  # fresh statistics for the planner after rewriting every row
        with connection.cursor() as cursor:
            for model in (StatCell, StatYearCell, CaseContribution):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return written


def _rollup() -> None:
    for level, group in ((StatCell.Level.PROVINCE, "province_code"), (StatCell.Level.NATIONAL, None)):
        fields = ["period", "dimension", "value"] + ([group] if group else [])
        qs = StatCell.objects.filter(level=StatCell.Level.REGENCY)
        if group:
            qs = qs.exclude(province_code="")
        rows = []
        for r in qs.values(*fields).annotate(c=Sum("count"), a=Sum("amount")).order_by():
            region = r[group] if group else ""
            rows.append(StatCell(level=level, region_code=region, province_code=region, period=r["period"],
                                 dimension=r["dimension"], value=r["value"], count=r["c"], amount=r["a"]))
        StatCell.objects.bulk_create(rows, batch_size=BATCH)
    rows = []
    for r in (StatCell.objects.filter(level__in=[StatCell.Level.NATIONAL, StatCell.Level.PROVINCE])
              .annotate(year=TruncYear("period"))
              .values("level", "region_code", "province_code", "year", "dimension", "value")
              .annotate(c=Sum("count"), a=Sum("amount")).order_by()):
        rows.append(StatYearCell(level=r["level"], region_code=r["region_code"], province_code=r["province_code"],
                                 period=r["year"], dimension=r["dimension"], value=r["value"], count=r["c"],
                                 amount=r["a"]))
    StatYearCell.objects.bulk_create(rows, batch_size=BATCH)
