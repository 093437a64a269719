"""`gugus stats-refresh`: rebuild the statistics summary from the registry (all of it, or one region).

Idempotent: run it nightly (the case actions refresh the affected region on each change; the nightly run
catches anything changed outside them), after a bulk import, or after restoring a backup.
"""

import time

from django.core.management.base import BaseCommand

from gugus.stats.actions import rebuild
from gugus.stats.selectors import stats_region


class Command(BaseCommand):
    help = "Rebuild the statistics summary table, fully or for one region (--region 35 or 35.07)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="Only the kab/kota buckets inside this region.")

    def handle(self, *args, region="", **options):
        started = time.monotonic()
        region = stats_region(region) if region else ""

        def progress(name, rows):
            self.stdout.write(f"  {name}: {rows:,} rows")

        rows = rebuild(region=region or None, progress=progress)
        what = f"region {region}" if region else "all regions"
        self.stdout.write(f"Statistics summary rebuilt for {what}: {rows:,} rows in "
                          f"{time.monotonic() - started:.1f} s.")
