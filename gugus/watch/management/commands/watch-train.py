"""``gugus watch-train``: train the screening model and save it under ``<DATA_DIR>/models/``.

Trains on the generated seed corpus plus optional reviewer-labelled JSONL files
(``{"text": ..., "label": 0|1}`` or ``{"text": ..., "decision": "confirmed"|"dismissed"}``), then
reports precision, recall and ROC-AUC on held-out generated posts it never saw.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gugus.watch import model as watch_model
from gugus.watch.evaluate import evaluate


class Command(BaseCommand):
    help = "Train the job-post screening model from the seed corpus and reviewers' decisions."

    def add_arguments(self, parser):
        parser.add_argument("--reviewed", action="append", default=[], type=Path,
                            help="JSONL of reviewer-labelled posts (repeatable)")
        parser.add_argument("--seed-size", type=int, default=watch_model.SEED_SIZE,
                            help="number of generated seed posts")
        parser.add_argument("--output", type=Path, default=None,
                            help=f"where to save (default <DATA_DIR>/models/{watch_model.MODEL_FILENAME})")
        parser.add_argument("--no-eval", action="store_true", help="skip the held-out evaluation")

    def handle(self, *args, **opts):
        for path in opts["reviewed"]:
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
        self.stderr.write(f"training on {opts['seed_size']} seed posts + {len(opts['reviewed'])} reviewed file(s)...")
        try:
            trained = watch_model.train(reviewed=opts["reviewed"], n_seed=opts["seed_size"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path = watch_model.save(trained, opts["output"])
        # A long-lived process in this interpreter picks up the new model on next use.
        getattr(watch_model.get_model, "cache_clear", lambda: None)()
        self.stdout.write(
            f"model {trained.version} ({trained.n_seed} seed + {trained.n_reviewed} reviewed) saved to {path}"
        )
        if not opts["no_eval"]:
            report = evaluate(trained, n=3000)
            for name, m in report.items():
                self.stdout.write(
                    f"held-out {name}: precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
                    f"ROC-AUC {m['auc']:.4f}"
                )
