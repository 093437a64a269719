"""Evaluation on labelled posts the model never saw: generated with another seed from the held-out
templates (``corpus.generate(split="heldout")``). Compares the combined score with the rules alone
and the model alone, so the benefit of each part is measured, not assumed.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from gugus.watch import corpus
from gugus.watch.model import TrainedModel
from gugus.watch.rules import RuleSet
from gugus.watch.screening import Screener

EVAL_SEED = 777  # differs from model.SEED: no generated post is shared with training


def evaluate(model: TrainedModel | None = None, *, n: int = 5000, seed: int = EVAL_SEED,
             rules: RuleSet | None = None, details: bool = False) -> dict:
    """Precision and recall at the "high" level, and ROC-AUC, for combined / rules / model."""
    screener = Screener(model=model, rules=rules, group=False)
    posts = list(corpus.generate(n, seed=seed, split="heldout"))
    results = screener.screen_batch([{"id": p.id, "text": p.text} for p in posts])
    y = np.array([p.label for p in posts])
    high = screener.rules.levels["high"]
    scores = {
        "combined": np.array([r.risk for r in results]),
        "rules": np.array([r.rules_risk for r in results]),
        "model": np.array([r.model_risk for r in results]),
    }
    report = {}
    for name, s in scores.items():
        pred = s >= high
        report[name] = {
            "precision": float(precision_score(y, pred, zero_division=0)),
            "recall": float(recall_score(y, pred, zero_division=0)),
            "auc": float(roc_auc_score(y, s)),
        }
        if details:
            flagged = Counter(p.category for p, f in zip(posts, pred, strict=True) if f)
            total = Counter(p.category for p in posts)
            report[name]["high_share_by_category"] = {c: flagged[c] / total[c] for c in sorted(total)}
    if details:
        report["n"] = n
        report["positives"] = int(y.sum())
    return report
