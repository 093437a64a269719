"""Pairwise precision, recall and F1 of a clustering against ground truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    """Counts and scores over record pairs placed in the same cluster."""

    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(counts: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> PairwiseScores:
    """Score a clustering: ``predicted[i]`` and ``truth[i]`` are record i's cluster labels.

    A pair of records is a predicted match when both carry the same predicted label, a true match
    when both carry the same true label.
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must have one label per record")
    return PairwiseScores(
        true_positives=_pairs(Counter(zip(predicted, truth, strict=True))),
        predicted_pairs=_pairs(Counter(predicted)),
        true_pairs=_pairs(Counter(truth)),
    )
