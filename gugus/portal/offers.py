"""The job-offer check: the Watch engine's score and reasons, in plain language for the public.

Only ``gugus.watch.screening.Screener.screen_one`` and the fields of its result are used here, so the
engine can change inside without touching the portal. Nothing is fetched: a link is recorded only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

_lock = threading.Lock()
_screener = None


def screener():
    """One engine per process (loading or training the model takes a moment; scoring a text, milliseconds)."""
    global _screener
    if _screener is None:
        with _lock:
            if _screener is None:
                from gugus.watch.screening import Screener

                _screener = Screener(group=False)
    return _screener


def set_screener(value) -> None:
    """For tests: use an engine built from an already trained model."""
    global _screener
    _screener = value


@dataclass
class OfferResult:
    risk: float
    level: str
    flags: list[dict] = field(default_factory=list)  # {"code", "text"}: red flags, strongest first
    reassuring: list[dict] = field(default_factory=list)  # context that lowered the score
    licensed: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # listed in the registry but expired or revoked
    unlisted: list[str] = field(default_factory=list)
    rules_version: str = ""
    model_version: str = ""

    @property
    def codes(self) -> list[str]:
        return [f["code"] for f in self.flags + self.reassuring]


def check_offer(text: str, lang: str = "id") -> OfferResult:
    lang = "en" if lang.startswith("en") else "id"
    screened = screener().screen_one(text)
    flags, reassuring = [], []
    for reason in screened.reasons:
        item = reason.as_dict(lang) if hasattr(reason, "as_dict") else {"code": reason.code, "text": reason.text}
        (flags if getattr(reason, "weight", 1) > 0 else reassuring).append(item)
    ent = screened.entities
    return OfferResult(
        risk=float(screened.risk),
        level=screened.level,
        flags=flags,
        reassuring=reassuring,
        licensed=list(getattr(ent, "agencies_licensed", [])),
        invalid=list(getattr(ent, "agencies_invalid", [])),
        unlisted=list(getattr(ent, "agencies_unlisted", [])),
        rules_version=str(getattr(screened, "rules_version", "")),
        model_version=str(getattr(screened, "model_version", "")),
    )
