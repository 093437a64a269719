"""The screening engine: a small facade over normalise -> extract -> rules + model -> group.

Example:
    >>> from gugus.watch.screening import Screener
    >>> s = Screener()
    >>> r = s.screen_one("Loker Kamboja customer service gaji 15jt tiket gratis hubungi WA 081234567890")
    >>> r.level
    'high'

``Screener.screen(posts)`` scores an iterable of ``{"id", "text", ...}`` dicts in batches and yields
one ``Screened`` per post, in order, with duplicate grouping and contact links across the stream.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gugus.watch.dedup import ContactLinker, DuplicateGrouper
from gugus.watch.extract import Entities, extract
from gugus.watch.model import TrainedModel, get_model
from gugus.watch.normalize import normalize
from gugus.watch.rules import RuleSet, load_rules

LANGS = ("id", "en")
MODEL_REASON = {
    "id": "Model teks menilai mirip rekrutmen menipu (p={p:.2f}){terms}",
    "en": "The text model finds it similar to deceptive recruitment (p={p:.2f}){terms}",
}
MODEL_TERMS = {"id": "; kata kunci: {}", "en": "; key terms: {}"}


@dataclass(slots=True)
class Reason:
    code: str
    text: dict  # lang -> text
    weight: float  # contribution to the logit

    def as_dict(self, lang: str = "id") -> dict:
        return {"code": self.code, "text": self.text[lang]}


@dataclass(slots=True)
class Screened:
    id: object
    risk: float
    level: str
    reasons: list[Reason]
    entities: Entities
    rules_risk: float
    model_risk: float
    rules_version: str
    model_version: str
    duplicate_of: object = None
    linked: list = field(default_factory=list)

    def as_output(self, lang: str = "id", *, full: bool = False) -> dict:
        """The file-mode output line. ``full`` adds all entities, versions and the two part-scores."""
        out = {
            "id": self.id,
            "risk": round(self.risk, 4),
            "level": self.level,
            "reasons": [r.as_dict(lang) for r in self.reasons],
            "duplicate_of": self.duplicate_of,
            "entities": {
                "phones": self.entities.phones,
                "accounts": self.entities.accounts,
                "countries": self.entities.countries,
            },
        }
        if full:
            out["entities"] = self.entities.as_dict()
            out["linked"] = self.linked
            out["rules_risk"] = round(self.rules_risk, 4)
            out["model_risk"] = round(self.model_risk, 4)
            out["rules_version"] = self.rules_version
            out["model_version"] = self.model_version
        return out


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float, clip: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return max(-clip, min(clip, math.log(p / (1 - p))))


class Screener:
    """Scores posts. One instance per stream: duplicate groups and contact links live in it.

    Args:
        model: a trained model; default the saved one, else one trained from the seed corpus.
        rules: a rule set; default ``data/rules.toml``.
        group: group reposts and link contacts across the posts screened by this instance.
        window: how many recent posts the duplicate index keeps.
    """

    def __init__(self, *, model: TrainedModel | None = None, rules: RuleSet | None = None,
                 group: bool = True, window: int = 200_000):
        self.model = model or get_model()
        self.rules = rules or load_rules()
        self.grouper = DuplicateGrouper(window=window) if group else None
        self.linker = ContactLinker() if group else None
        self._seq = 0  # grouping keys: post ids need not be unique or hashable
        # CPU seconds spent scoring and grouping (for the benchmark; two clock reads per batch).
        self.cpu = {"score": 0.0, "group": 0.0}

    def level(self, risk: float) -> str:
        lv = self.rules.levels
        return "high" if risk >= lv["high"] else "medium" if risk >= lv["medium"] else "low"

    def screen_batch(self, posts: list[dict]) -> list[Screened]:
        """Score a list of posts (dicts with ``id`` and ``text``), in order."""
        t0 = time.process_time()
        norms = [normalize(p["text"]) for p in posts]
        comb = self.rules.combine
        probs, terms = self.model.predict_with_terms([n.text for n in norms], min_p=comb["model_reason_min"])
        out = []
        for post, norm, p, words in zip(posts, norms, probs, terms, strict=True):
            ent = extract(norm)
            fired, rules_logit = self.rules.evaluate(self.rules.features(norm, ent))
            model_logit = comb["model_weight"] * _logit(float(p), comb["model_clip"])
            risk = _sigmoid(comb["bias"] + rules_logit + model_logit)
            reasons = [Reason(f.rule.code, f.rule.text, round(f.contribution, 3)) for f in fired]
            if p >= comb["model_reason_min"]:
                quoted = ", ".join(f'"{w}"' for w in words)
                text = {}
                for lang in LANGS:
                    terms_text = MODEL_TERMS[lang].format(quoted) if words else ""
                    text[lang] = MODEL_REASON[lang].format(p=p, terms=terms_text)
                reasons.append(Reason("MODEL_TEXT", text, round(model_logit, 3)))
            # Strongest push towards risk first, so a reviewer reads the main reason first.
            reasons.sort(key=lambda r: -r.weight)
            screened = Screened(
                id=post.get("id"),
                risk=risk,
                level=self.level(risk),
                reasons=reasons,
                entities=ent,
                rules_risk=_sigmoid(comb["bias"] + rules_logit),
                model_risk=float(p),
                rules_version=self.rules.version,
                model_version=self.model.version,
            )
            out.append(screened)
        t1 = time.process_time()
        if self.grouper is not None:
            for screened, norm in zip(out, norms, strict=True):
                self._seq += 1
                screened.duplicate_of = self.grouper.add(self._seq, norm.text, ref=screened.id)
                screened.linked = self.linker.add(screened.id, screened.entities.phones + screened.entities.accounts)
        self.cpu["score"] += t1 - t0
        self.cpu["group"] += time.process_time() - t1
        return out

    def screen(self, posts: Iterable[dict], *, batch_size: int = 1000) -> Iterator[Screened]:
        """Score a stream of posts in batches, holding one batch in memory at a time."""
        batch: list[dict] = []
        for post in posts:
            batch.append(post)
            if len(batch) >= batch_size:
                yield from self.screen_batch(batch)
                batch = []
        if batch:
            yield from self.screen_batch(batch)

    def screen_one(self, text: str, post_id: object = None) -> Screened:
        """Score one text without grouping (the public job-offer check uses this)."""
        grouper, linker = self.grouper, self.linker
        self.grouper = self.linker = None
        try:
            return self.screen_batch([{"id": post_id, "text": text}])[0]
        finally:
            self.grouper, self.linker = grouper, linker
