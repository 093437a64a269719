"""Step 3a: explainable red-flag rules, read from ``data/rules.toml``.

A rule names features that must (``all``), may (``any``) or must not (``none``) hold. Features are
regular expressions declared in the rules file, or computed here from the extracted entities.
Nothing about *which* combinations are suspicious lives in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from gugus.watch.extract import Entities, gazetteer
from gugus.watch.normalize import Normalized
from gugus.watch.resources import load_toml

COMPUTED_FEATURES = frozenset(
    {
        "dest_hotspot", "dest_transit", "dest_abroad", "dest_moratorium", "dest_domestic_only",
        "job_compound", "job_domestic_worker", "non_work_visa", "salary_high", "salary_very_high",
        "fee_amount", "bank_account", "chat_contact", "agency_licensed", "agency_invalid",
        "agency_unlisted_abroad", "licence_unlisted",
    }
)


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str  # "flag" or "context"
    weight: float
    damp: float
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]
    text: dict  # lang -> text

    def fires(self, features: set[str]) -> bool:
        return (
            all(f in features for f in self.all)
            and (not self.any or any(f in features for f in self.any))
            and not any(f in features for f in self.none)
        )


@dataclass(frozen=True)
class Fired:
    rule: Rule
    contribution: float  # to the logit, after damping


@dataclass(frozen=True)
class RuleSet:
    version: str
    patterns: dict  # feature -> (compiled regex, literal prefixes one of which must occur, or None)
    rules: tuple[Rule, ...]
    combine: dict
    levels: dict
    params: dict
    moratorium: frozenset

    def features(self, norm: Normalized, ent: Entities) -> set[str]:
        text = norm.text
        found = set()
        for name, (rx, prefixes) in self.patterns.items():
            # Cheap literal test first: most features cannot match most posts.
            if (prefixes is None or any(p in text for p in prefixes)) and rx.search(text):
                found.add(name)
        g = gazetteer()
        foreign = [c for c in ent.countries if c != "ID"]
        if foreign:
            found.add("dest_abroad")
        for c in foreign:
            flags = g.country_flags.get(c, {})
            if flags.get("hotspot"):
                found.add("dest_hotspot")
            if flags.get("transit"):
                found.add("dest_transit")
            if c in self.moratorium:
                found.add("dest_moratorium")
        if not foreign and ("ID" in ent.countries or "domestic_signal" in found):
            found.add("dest_domestic_only")
        for j in ent.jobs:
            flags = g.job_flags.get(j, {})
            if flags.get("compound"):
                found.add("job_compound")
            if flags.get("domestic"):
                found.add("job_domestic_worker")
        if any(not g.visa_work.get(v, True) for v in ent.visas):
            found.add("non_work_visa")
        top = max((m.idr for m in ent.salaries), default=0)
        if top >= self.params["high_salary_idr"]:
            found.add("salary_high")
        if top >= self.params["very_high_salary_idr"]:
            found.add("salary_very_high")
        if ent.fees:
            found.add("fee_amount")
        if ent.accounts:
            found.add("bank_account")
        if ent.phones or ent.telegram or "__wa__" in text or "__tg__" in text:
            found.add("chat_contact")
        if ent.agencies_licensed:
            found.add("agency_licensed")
        if ent.agencies_invalid:
            found.add("agency_invalid")
        if any(not a.upper().startswith("SIP") and "/" not in a for a in ent.agencies_unlisted) and foreign:
            found.add("agency_unlisted_abroad")
        if any(a in ent.licences for a in ent.agencies_unlisted):
            found.add("licence_unlisted")
        return found

    def evaluate(self, features: set[str]) -> tuple[list[Fired], float]:
        """Fired rules with their contributions, and the rules' part of the logit (without bias)."""
        flags = [r for r in self.rules if r.kind == "flag" and r.fires(features)]
        contexts = [r for r in self.rules if r.kind == "context" and r.fires(features)]
        damp = min((r.damp for r in contexts), default=1.0)
        fired = [Fired(r, r.weight * damp) for r in flags] + [Fired(r, r.weight) for r in contexts]
        return fired, sum(f.contribution for f in fired)


_META = set("()[]{}?*+|.^$\\")


def _literal_prefix(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with ('' if unknown)."""
    if pattern.startswith("\\b"):
        pattern = pattern[2:]
    if pattern.startswith("(?<"):
        return ""
    prefix = []
    for ch in pattern:
        if ch in _META:
            # A quantifier applies to the previous character, which is then not required.
            if ch in "?*{" and prefix:
                prefix.pop()
            break
        prefix.append(ch)
    return "".join(prefix)


def _compile(patterns: list[str], name: str) -> tuple[re.Pattern, tuple[str, ...] | None]:
    try:
        rx = re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise ValueError(f"rules.toml: feature {name!r} has a bad pattern: {exc}") from exc
    prefixes = [_literal_prefix(p) for p in patterns]
    return rx, (None if any(len(p) < 2 for p in prefixes) else tuple(set(prefixes)))


@cache
def load_rules() -> RuleSet:
    data = load_toml("rules.toml")
    patterns = {name: _compile(pats, name) for name, pats in data["features"].items()}
    known = set(patterns) | COMPUTED_FEATURES
    rules = []
    for raw in data["rule"]:
        rule = Rule(
            code=raw["code"],
            kind=raw.get("kind", "flag"),
            weight=float(raw["weight"]),
            damp=float(raw.get("damp", 1.0)),
            all=tuple(raw.get("all", ())),
            any=tuple(raw.get("any", ())),
            none=tuple(raw.get("none", ())),
            text={"id": raw["id"], "en": raw["en"]},
        )
        unknown = {*rule.all, *rule.any, *rule.none} - known
        if unknown:
            raise ValueError(f"rules.toml: rule {rule.code} uses unknown features {sorted(unknown)}")
        if rule.kind not in {"flag", "context"}:
            raise ValueError(f"rules.toml: rule {rule.code} has kind {rule.kind!r}; use 'flag' or 'context'")
        rules.append(rule)
    moratorium = load_toml("moratorium.toml")
    return RuleSet(
        version=str(data["version"]),
        patterns=patterns,
        rules=tuple(rules),
        combine=data["combine"],
        levels=data["levels"],
        params=data["params"],
        moratorium=frozenset(moratorium["countries"]),
    )
