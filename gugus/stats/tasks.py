"""Background refresh of the statistics summary after the registry changes.

With a broker (production) the refresh runs in a Celery worker, so a case page's save does not wait for a
kab/kota's figures to be recomputed (0.9–2.2 s for a busy kab/kota at national scale); without one (the
embedded default) Celery runs it inline, right after the commit.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="gugus.stats_refresh", acks_late=True)
def refresh_scopes_task(scope_codes: list[str]) -> int:
    from gugus.stats.actions import refresh_scopes

    return refresh_scopes(scope_codes)
