"""Step 3b: the text model -- TF-IDF word and character n-grams with logistic regression.

Trained on the generated seed corpus (``corpus.py``) plus reviewers' decisions (JSONL). Saved with
joblib under ``<DATA_DIR>/models/``; when no saved model exists the engine trains one from the
seed corpus in memory (a few seconds; nothing is downloaded).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from gugus.watch import corpus
from gugus.watch.normalize import normalize
from gugus.watch.resources import data_dir

MODEL_FILENAME = "watch-model.joblib"
SEED_SIZE = 8000
SEED = 20261123
_DIGITS_RE = re.compile(r"\d")
WORD_PATTERN = r"(?u)\b\w[\w-]*\b"


def model_text(normalized_text: str) -> str:
    """What the model reads: the normalised text with digits flattened (amounts keep their length)."""
    return _DIGITS_RE.sub("0", normalized_text)


def build_pipeline() -> Pipeline:
    features = FeatureUnion(
        [
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                     token_pattern=WORD_PATTERN, max_features=60000, dtype=np.float32)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=3, sublinear_tf=True,
                                     max_features=60000, dtype=np.float32)),
        ]
    )
    clf = LogisticRegression(C=2.0, max_iter=2000, class_weight="balanced")
    return Pipeline([("features", features), ("clf", clf)])


@dataclass
class TrainedModel:
    pipeline: Pipeline
    version: str
    trained_at: str
    n_seed: int
    n_reviewed: int
    sklearn_version: str = sklearn.__version__
    _names: np.ndarray | None = field(default=None, repr=False)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities for already *normalised* texts."""
        return self.pipeline.predict_proba([model_text(t) for t in texts])[:, 1]

    def predict_with_terms(self, texts: list[str], k: int = 3, min_p: float = 0.5):
        """Probabilities, and for posts at or above ``min_p`` the word n-grams pushing most towards risk."""
        feats = self.pipeline.named_steps["features"]
        clf = self.pipeline.named_steps["clf"]
        X = feats.transform([model_text(t) for t in texts]).tocsr()
        proba = clf.predict_proba(X)[:, 1]
        coef = clf.coef_[0]
        n_word = len(feats.transformer_list[0][1].vocabulary_)
        if self._names is None:
            self._names = feats.transformer_list[0][1].get_feature_names_out()
        terms: list[list[str]] = []
        for i, p in enumerate(proba):
            if p < min_p:
                terms.append([])
                continue
            start, end = X.indptr[i], X.indptr[i + 1]
            idx = X.indices[start:end]
            word = idx < n_word
            idx = idx[word]
            contrib = X.data[start:end][word] * coef[idx]
            order = np.argsort(-contrib)[:k]
            # Placeholder tokens (__phone__, __wa__) are not words a reviewer can check.
            terms.append([str(self._names[idx[j]]) for j in order if contrib[j] > 0
                          and "__" not in self._names[idx[j]]])
        return proba, terms


def read_reviewed(paths: Iterable[Path]) -> tuple[list[str], list[int]]:
    """Reviewer-labelled JSONL: ``{"text": ..., "label": 0|1}`` or ``"decision": "confirmed"|"dismissed"``."""
    texts, labels = [], []
    for path in paths:
        with Path(path).open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    text = row["text"]
                    decided = row["label"] if "label" in row else {"confirmed": 1, "dismissed": 0}[row["decision"]]
                    label = int(decided)
                    if label not in (0, 1) or not isinstance(text, str):
                        raise ValueError("label must be 0 or 1 and text a string")
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{path}:{lineno}: not a labelled post ({exc})") from exc
                texts.append(text)
                labels.append(label)
    return texts, labels


def train(*, reviewed: Iterable[Path] = (), n_seed: int = SEED_SIZE, seed: int = SEED) -> TrainedModel:
    """Train on ``n_seed`` generated posts (training templates only) plus reviewed posts."""
    posts = list(corpus.generate(n_seed, seed=seed, split="train"))
    texts = [p.text for p in posts]
    labels = [p.label for p in posts]
    r_texts, r_labels = read_reviewed(reviewed)
    texts += r_texts
    labels += r_labels
    norm = [model_text(normalize(t).text) for t in texts]
    pipeline = build_pipeline()
    pipeline.fit(norm, labels)
    digest = hashlib.sha256()
    for t, y in zip(norm, labels, strict=True):
        digest.update(f"{y}\t{t}\n".encode())
    digest.update(repr(pipeline.get_params()).encode())
    return TrainedModel(
        pipeline=pipeline,
        version=f"tfidf-lr-{digest.hexdigest()[:10]}",
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        n_seed=n_seed,
        n_reviewed=len(r_texts),
    )


def default_path() -> Path:
    return data_dir() / "models" / MODEL_FILENAME


def save(model: TrainedModel, path: Path | None = None) -> Path:
    path = Path(path or default_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    model._names = None
    tmp = path.with_suffix(".tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)  # atomic: a screening run never reads half a model
    return path


def load(path: Path | None = None) -> TrainedModel | None:
    path = Path(path or default_path())
    if not path.is_file():
        return None
    model = joblib.load(path)  # our own file under DATA_DIR, written by save()
    if not isinstance(model, TrainedModel):
        raise ValueError(f"{path} is not a Gugus screening model; retrain with `gugus watch-train`")
    return model


@lru_cache(maxsize=1)
def get_model() -> TrainedModel:
    """The saved model, or one trained from the seed corpus now (kept in memory only)."""
    return load() or train()
