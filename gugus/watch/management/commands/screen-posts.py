"""``gugus screen-posts INPUT.jsonl --output OUT.jsonl``: score a file of job posts.

Input: one JSON object per line, ``{"id": ..., "text": ..., "url": ..., "posted_at": ...}`` (only id
and text required). Output: one line per valid input line, in input order::

    {"id", "risk", "level", "reasons": [{"code", "text"}], "duplicate_of": id or null,
     "entities": {"phones": [], "accounts": [], "countries": []}}

A malformed line is reported on stderr with its line number and reason, and skipped. Posts are
read and written in batches, so a file of millions of posts streams through bounded memory.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gugus.watch.screening import LANGS, Screener


class MalformedLine(ValueError):
    pass


def parse_line(raw: bytes) -> dict | None:
    """One input line -> post dict; None for a blank line; MalformedLine says what is wrong."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedLine(f"not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if not line.strip():
        return None
    try:
        post = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedLine(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(post, dict):
        raise MalformedLine(f"expected a JSON object, got {type(post).__name__}")
    if "id" not in post:
        raise MalformedLine('missing "id"')
    if isinstance(post["id"], bool) or not isinstance(post["id"], str | int) or post["id"] == "":
        raise MalformedLine('"id" must be a non-empty string or an integer')
    if "text" not in post:
        raise MalformedLine('missing "text"')
    if not isinstance(post["text"], str):
        raise MalformedLine(f'"text" must be a string, got {type(post["text"]).__name__}')
    return post


class Command(BaseCommand):
    help = "Score job posts in a JSONL file for deceptive-recruitment risk, with reasons and duplicate groups."

    def add_arguments(self, parser):
        parser.add_argument("input", help="JSONL file of posts ('-' for standard input)")
        parser.add_argument("--output", "-o", default="-", help="JSONL file to write ('-' for standard output)")
        parser.add_argument("--lang", choices=LANGS, default="id", help="language of the reason texts")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--full", action="store_true",
                            help="also write all entities, contact links, part-scores and versions")
        parser.add_argument("--no-group", action="store_true", help="skip duplicate grouping and contact links")
        parser.add_argument("--window", type=int, default=200_000,
                            help="how many recent posts the duplicate index keeps")

    def handle(self, *args, **opts):
        if opts["batch_size"] < 1 or opts["window"] < 1:
            raise CommandError("--batch-size and --window must be at least 1")
        started = time.monotonic()
        screener = Screener(group=not opts["no_group"], window=opts["window"])
        counts = {"high": 0, "medium": 0, "low": 0}
        stats = {"malformed": 0, "duplicates": 0}
        err = self.stderr
        progress = err.isatty()

        def posts(stream):
            for lineno, raw in enumerate(stream, 1):
                try:
                    post = parse_line(raw)
                except MalformedLine as exc:
                    stats["malformed"] += 1
                    err.write(f"line {lineno}: {exc}; skipped")
                    continue
                if post is not None:
                    yield post

        with ExitStack() as stack:
            if opts["input"] == "-":
                src = sys.stdin.buffer
            else:
                try:
                    src = stack.enter_context(Path(opts["input"]).open("rb"))
                except OSError as exc:
                    raise CommandError(f"cannot read {opts['input']}: {exc.strerror}") from exc
            if opts["output"] == "-":
                out = self.stdout
                write = out.write
                end = ""
            else:
                out = stack.enter_context(Path(opts["output"]).open("w", encoding="utf-8"))
                write = out.write
                end = "\n"
            n = 0
            for res in screener.screen(posts(src), batch_size=opts["batch_size"]):
                write(json.dumps(res.as_output(opts["lang"], full=opts["full"]), ensure_ascii=False) + end)
                counts[res.level] += 1
                stats["duplicates"] += res.duplicate_of is not None
                n += 1
                if progress and n % 100_000 == 0:
                    err.write(f"{n} posts screened ({n / (time.monotonic() - started):.0f}/s)")
        err.write(
            f"screened {n} posts: {counts['high']} high, {counts['medium']} medium, {counts['low']} low; "
            f"{stats['duplicates']} reposts grouped; {stats['malformed']} malformed lines skipped; "
            f"rules {screener.rules.version}, model {screener.model.version}; "
            f"{time.monotonic() - started:.1f} s"
        )
