"""The only code that writes the statistics summary (:class:`~gugus.stats.models.StatCell`).

How the summary stays correct:

- :func:`refresh_scopes` recomputes the kab/kota buckets of the given scope codes from the registry and
  applies the difference to the province and national sums. The case actions call it (through
  :func:`refresh_after_commit`) for the case they changed; it is idempotent, so calling it twice, or for a
  region that did not change, does no harm.
- :func:`rebuild` recomputes everything (``gugus stats-refresh``), or one region
  (``gugus stats-refresh --region 35``); run it nightly to catch any change made outside the actions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gugus.cases.models import Case
from gugus.regions.selectors import descendants_q
from gugus.stats import facts as F
from gugus.stats.models import StatCell, StatLock

Delta = dict[tuple[dt.date, str, str], tuple[int, int]]
BATCH = 5000


def _lock() -> None:
    StatLock.objects.get_or_create(pk=1)
    StatLock.objects.select_for_update().filter(pk=1).update(refreshed_at=timezone.now())


def refresh_after_commit(*scope_codes: str) -> None:
    """The hook for the case actions: refresh these scopes' buckets once the transaction commits (in a
    Celery worker when a broker is configured; inline otherwise)."""
    from gugus.stats.tasks import refresh_scopes_task

    codes = sorted({c or "" for c in scope_codes})
    transaction.on_commit(lambda: refresh_scopes_task.delay(codes))


def refresh_person_after_commit(person) -> None:
    """The hook for person updates (sex, birth date, origin change the victims' figures of their cases)."""
    scopes = list(Case.objects.filter(participants__person=person).values_list("scope_code", flat=True).distinct())
    if scopes:
        refresh_after_commit(*scopes)


def refresh_case(case: Case) -> int:
    return refresh_scopes([case.scope_code])


def refresh_scopes(scope_codes: Iterable[str]) -> int:
    """Recomputes the buckets of ``scope_codes``; returns the number of summary rows changed."""
    buckets = sorted({F.bucket_of(c) for c in scope_codes})
    changed = 0
    with transaction.atomic():
        _lock()
        for bucket in buckets:
            changed += _refresh_bucket(bucket)
    return changed


def _refresh_bucket(bucket: str) -> int:
    new = {(m, d, v): tuple(cv) for (_b, m, d, v), cv in F.facts(F.bucket_filter(bucket)).items()}
    old = {(r.period, r.dimension, r.value): (r.count, r.amount)
           for r in StatCell.objects.filter(level=StatCell.Level.REGENCY, region_code=bucket)}
    delta: Delta = {}
    for key in new.keys() | old.keys():
        n, o = new.get(key, (0, 0)), old.get(key, (0, 0))
        if n != o:
            delta[key] = (n[0] - o[0], n[1] - o[1])
    if not delta:
        return 0
    province = F.province_of(bucket)
    _apply(StatCell.Level.REGENCY, bucket, province, delta)
    if province:
        _apply(StatCell.Level.PROVINCE, province, province, delta)
    _apply(StatCell.Level.NATIONAL, "", "", delta)
    return len(delta)


def _apply(level: int, region: str, province: str, delta: Delta) -> None:
    """Adds ``delta`` to the rows of one region at one level; rows that fall to zero are deleted."""
    existing = {(r.period, r.dimension, r.value): r for r in StatCell.objects.filter(
        level=level, region_code=region, dimension__in={k[1] for k in delta}, period__in={k[0] for k in delta})}
    update, create, delete = [], [], []
    for key, (dc, da) in delta.items():
        row = existing.get(key)
        if row is None:
            create.append(StatCell(level=level, region_code=region, province_code=province, period=key[0],
                                   dimension=key[1], value=key[2], count=dc, amount=da))
            continue
        row.count += dc
        row.amount += da
        (delete if row.count <= 0 and row.amount == 0 else update).append(row)
    if delete:
        StatCell.objects.filter(pk__in=[r.pk for r in delete]).delete()
    if update:
        StatCell.objects.bulk_update(update, ["count", "amount"], batch_size=BATCH)
    if create:
        StatCell.objects.bulk_create(create, batch_size=BATCH)


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
    """Recomputes the summary from the registry: everything, or the buckets inside ``region``.

    Idempotent. Returns the number of level-2 rows written (whole rebuild) or changed (one region).
    """
    if region:
        scopes = set(Case.objects.filter(descendants_q(region, "scope_code")).values_list("scope_code", flat=True)
                     .distinct())
        buckets = scopes | set(StatCell.objects.filter(level=StatCell.Level.REGENCY).filter(
            descendants_q(region, "region_code")).values_list("region_code", flat=True))
        return refresh_scopes(buckets)
    written = 0
    with transaction.atomic():
        _lock()
        StatCell.objects.all().delete()
        provinces = sorted({F.province_of(F.bucket_of(s)) for s in
                            Case.objects.values_list("scope_code", flat=True).distinct()})
        for province in provinces:
            cases = descendants_q(province, "scope_code") if province else F.bucket_filter("")
            rows = [StatCell(level=StatCell.Level.REGENCY, region_code=b, province_code=F.province_of(b), period=m,
                             dimension=d, value=v, count=c, amount=a)
                    for (b, m, d, v), (c, a) in F.facts(cases).items()]
            StatCell.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            if progress:
                progress(province or "nasional", len(rows))
        _rollup()
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
