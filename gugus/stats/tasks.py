"""Background refresh of the statistics summary after the registry changes.

With a broker (production) the refresh runs in a Celery worker, so a case page's save does not wait for the
figures; without one (the embedded default) Celery runs it inline, right after the commit. A refresh of one
case recomputes that case only (milliseconds); a scope code recomputes its whole kab/kota.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="gugus.stats_refresh_cases", acks_late=True)
def refresh_task(case_ids: list[int], scope_codes: list[str]) -> int:
    from gugus.stats.actions import refresh

    return refresh(case_ids=case_ids, scope_codes=scope_codes)


@shared_task(name="gugus.stats_refresh", acks_late=True)
def refresh_scopes_task(scope_codes: list[str]) -> int:
    """Kept for messages queued before per-case refreshes existed."""
    from gugus.stats.actions import refresh_scopes

    return refresh_scopes(scope_codes)
