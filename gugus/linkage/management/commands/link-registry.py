"""`gugus link-registry`: run the whole person registry through the linkage engine and refresh the review
queue (see gugus/linkage/registry.py)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from gugus.linkage.engine import EngineOptions
from gugus.linkage.registry import link_registry


class Command(BaseCommand):
    help = ("Match every person record against the registry with the Splink model, train it on the registry, "
            "and refresh the review queue's candidate pairs.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-train", action="store_true",
                            help="score with the current model instead of training on the registry")
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument("--memory-limit", default=None, help='backend memory cap, e.g. "6GB"')

    def handle(self, *args, **options) -> None:
        def progress(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        run = link_registry(options=EngineOptions(threads=options["threads"], memory_limit=options["memory_limit"]),
                            progress=progress, train=not options["no_train"])
        self.stdout.write(f"{run.records} records, {run.candidates} candidate pairs stored, {run.removed} stale "
                          f"pending pairs removed (model {run.model_version or '-'}).")
