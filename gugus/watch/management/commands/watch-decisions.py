"""``gugus watch-decisions --output decisions.jsonl``: reviewers' decisions for ``gugus watch-train --reviewed``.

One line per reviewed post: ``{"id", "text", "decision": "confirmed"|"dismissed", "reason", "reviewed_at",
"url", "rules_version", "model_version"}``. The same file is downloadable at /pantauan/keputusan.jsonl.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from gugus.audit.actions import record_event
from gugus.watch.selectors import decision_lines


class Command(BaseCommand):
    help = "Write reviewers' confirmed and dismissed posts as JSONL for `gugus watch-train --reviewed`."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help="JSONL file to write ('-' for standard output)")

    def handle(self, *args, **opts):
        n = 0
        if opts["output"] == "-":
            for line in decision_lines():
                self.stdout.write(line, ending="")
                n += 1
        else:
            path = Path(opts["output"])
            tmp = path.with_suffix(path.suffix + ".tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                for line in decision_lines():
                    fh.write(line)
                    n += 1
            tmp.replace(path)
        record_event(actor=None, action="watch.decisions_export", data={"lines": n})
        self.stderr.write(f"{n} reviewed posts written")
