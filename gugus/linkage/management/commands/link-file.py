"""`gugus link-file INPUT.csv --output OUT.csv`: find the same person across agencies' records."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gugus.linkage.engine import BACKENDS, EngineOptions, LinkageError, load_config
from gugus.linkage.filemode import INPUT_COLUMNS, InputError, link_file


class Command(BaseCommand):
    help = (
        "Link person records from a CSV file (columns: " + ",".join(INPUT_COLUMNS) + ") and write "
        "record_id,cluster_id, one row per input record, in input order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = load_config()["cluster"]["threshold"]
        parser.add_argument("input", help="CSV file of person records")
        parser.add_argument("--output", "-o", required=True, help="CSV file to write")
        parser.add_argument(
            "--threshold",
            type=float,
            default=default,
            help=f"match probability at which two records join one cluster (default {default})",
        )
        parser.add_argument(
            "--backend",
            choices=sorted(BACKENDS),
            default="duckdb",
            help="duckdb (embedded, default) or spark (Spark local mode; needs Java 17+)",
        )
        parser.add_argument("--threads", type=int, default=None, help="backend threads (default: all cores)")
        parser.add_argument("--memory-limit", default=None, help='backend memory cap, e.g. "6GB"')

    def handle(self, *args, **options) -> None:
        threshold = options["threshold"]
        if not 0 < threshold < 1:
            raise CommandError("--threshold must be a probability between 0 and 1 (exclusive).")

        def progress(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        try:
            if options["backend"] == "spark":
                # Before reading and normalising the file: say at once when pyspark or Java is missing.
                from gugus.linkage.spark import require_spark

                require_spark()
            result = link_file(
                options["input"],
                options["output"],
                threshold=threshold,
                backend=options["backend"],
                options=EngineOptions(threads=options["threads"], memory_limit=options["memory_limit"]),
                progress=progress,
            )
        except (InputError, LinkageError) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {options['output']}: {exc.strerror or exc}.") from exc
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(f"{result.records:,} records → {result.clusters:,} persons; written to {options['output']}")
