"""``gugus watch-ingest PATH`` / ``gugus watch-ingest --urls FILE``: store, score and connect job posts.

PATH is a JSONL file (one post per line), a CSV file (header row with a text column), or a folder of saved
HTML pages. ``--urls FILE`` fetches each listed URL politely (robots.txt, per-host rate limit, time-outs,
retries with backoff, a User-Agent naming Gugus). Bad lines are reported with their numbers and skipped;
good ones land. Ingesting the same post again only updates when it was last seen.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gugus.accounts.models import User
from gugus.core.errors import GugusError
from gugus.watch import actions
from gugus.watch.fetch import Fetcher, read_urls
from gugus.watch.ingest import read_path


class Command(BaseCommand):
    help = "Ingest job posts from a JSONL/CSV export, a folder of saved HTML pages, or a list of URLs."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="JSONL or CSV file, or a folder of .html pages")
        parser.add_argument("--urls", type=Path, help="file with one URL per line, fetched politely")
        parser.add_argument("--source", default="", help="name of the monitoring source (default: from the input)")
        parser.add_argument("--as-user", default="", help="user name recorded as the actor (default: system)")
        parser.add_argument("--batch-size", type=int, default=actions.BATCH)
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between requests to one host")
        parser.add_argument("--timeout", type=float, default=15.0, help="seconds before a request times out")
        parser.add_argument("--retries", type=int, default=2, help="retries after a time-out or HTTP 429/5xx")

    def handle(self, *args, **opts):
        if bool(opts["path"]) == bool(opts["urls"]):
            raise CommandError("give either PATH or --urls FILE")
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        actor = None
        if opts["as_user"]:
            actor = User.objects.filter(username=opts["as_user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {opts['as_user']!r}")
        if opts["urls"]:
            try:
                lines = opts["urls"].read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"cannot read {opts['urls']}: {exc.strerror}") from exc
            fetcher = Fetcher(min_interval=opts["interval"], timeout=opts["timeout"], retries=opts["retries"])
            items, source = read_urls(lines, fetcher), opts["source"] or "url"
        else:
            path = Path(opts["path"])
            if not path.exists():
                raise CommandError(f"no such file or folder: {path}")
            kind, items = read_path(path)
            source = opts["source"] or f"{kind}:{path.name}"
        err = self.stderr
        started = time.monotonic()

        def report(items):
            for item in items:
                if item.error:
                    err.write(f"{item.where}: {item.error}; skipped")
                yield item

        def progress(result):
            if sys.stderr.isatty() or result.total % 5000 < opts["batch_size"]:
                err.write(f"{result.total} posts ingested ({result.created} new) "
                          f"in {time.monotonic() - started:.0f} s")

        try:
            result = actions.ingest_posts(actor=actor, items=report(items), source=source,
                                          batch_size=opts["batch_size"], progress=progress)
        except GugusError as exc:
            raise CommandError(exc.message) from exc
        levels = result.levels
        self.stdout.write(
            f"{result.created} new posts ({levels['high']} high, {levels['medium']} medium, {levels['low']} low; "
            f"{result.reposts} reposts grouped), {result.seen_again} seen again, {len(result.errors)} skipped, "
            f"{result.alerts} alerts; {time.monotonic() - started:.1f} s"
        )
