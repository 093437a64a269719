"""Identification of trafficking in persons (TPPO): a reasoned screening of one person's situation.

The engine is small and knows no law. All of that is in a versioned rules file,
``gugus/cases/data/identification/rules-v<N>.toml``: the elements of UU 21/2007 Pasal 1 angka 1
(process, means, purpose), the ILO indicators, the child rule, the decisions, the offence articles,
the notes and the wording of every reason. The pipeline:

1. :class:`IdentificationAnswers` (what the investigator observed) is checked against the rules;
2. the answers become *flags*, strings such as ``"means.deception"`` or ``"child.yes"``;
3. the articles' conditions are evaluated, then the decisions in order (first match wins), then the
   notes;
4. the result is an :class:`Assessment`: the outcome, the articles, the reasons in Indonesian and
   English, the child rule used and the rules version, ready to store as JSON (:meth:`to_dict`).

No Django, no database. Example::

    >>> from gugus.cases.identification import IdentificationAnswers, assess
    >>> result = assess(IdentificationAnswers(
    ...     process={"recruitment", "sending"}, means={"deception"}, purpose={"forced_labour"},
    ...     movement="from_indonesia_abroad", age_at_events=24))
    >>> result.outcome, result.likely_articles, result.rules_version
    ('strong_indication', ('pasal_4',), '1')
    >>> print(result.reasons_text("en")[0])
    All elements of the relevant offence article are met on the answers given.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent / "data" / "identification"
_RULES_FILE = re.compile(r"^rules-v(\d+)\.toml$")

OUTCOMES = ("strong_indication", "needs_inquiry", "non_procedural_no_indication", "not_tppo")
#: Element groups answered as sets of item codes, in the order reasons list them.
ELEMENT_GROUPS = ("process", "means", "purpose")
CHECKLIST_GROUPS = ("ilo", "non_procedural")
_CONDITION_KEYS = {"all", "any", "none", "min", "min_of"}


class RulesError(ValueError):
    """A rules file is inconsistent (unknown flag in a condition, missing template, ...)."""


class AnswerError(ValueError):
    """The answers do not fit the rules. ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


# --------------------------------------------------------------------------------------------
# Input


def _frozen(value: Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(value)


@dataclass(frozen=True)
class IdentificationAnswers:
    """What the investigator observed. Codes come from the rules file (see :func:`choices`).

    Attributes:
        process: acts present (``recruitment``, ``transport``, ``harbouring``, ``sending``,
            ``transfer``, ``receipt``).
        means: means present (``threat_of_violence``, ``deception``, ``debt_bondage``, ...).
        purpose: forms of exploitation that happened or were intended (``forced_labour``, ...).
        exploitation_occurred: True if the exploitation happened, False if it was only intended,
            None if unknown. Only meaningful with a purpose.
        ilo_indicators: ILO forced-labour indicators observed.
        age_at_events: the person's age in years when the events happened, if known.
        is_child: whether the person was under 18 then, for when the exact age is not known.
        movement: ``within_indonesia``, ``from_indonesia_abroad``, ``into_indonesia`` or None.
        indonesian_citizen: whether the person is an Indonesian citizen (None: unknown).
        non_procedural: the person left outside the UU 18/2017 procedure.
        non_procedural_signs: the signs of that (``tourist_or_visit_visa``, ``no_licensed_agency``...);
            any sign implies ``non_procedural``.
        adoption: the events happened in the context of a child adoption.
        consent_given: the person agreed to what happened. Legally irrelevant (Pasal 26); recorded
            so the reasons can say so.
        forced_to_commit_crime: the person was made to commit an offence (Pasal 18).
        organised_group: the perpetrators act as an organised group (Pasal 16).
    """

    process: frozenset[str] = frozenset()
    means: frozenset[str] = frozenset()
    purpose: frozenset[str] = frozenset()
    exploitation_occurred: bool | None = None
    ilo_indicators: frozenset[str] = frozenset()
    age_at_events: int | None = None
    is_child: bool | None = None
    movement: str | None = None
    indonesian_citizen: bool | None = None
    non_procedural: bool = False
    non_procedural_signs: frozenset[str] = frozenset()
    adoption: bool = False
    consent_given: bool | None = None
    forced_to_commit_crime: bool = False
    organised_group: bool = False

    def __post_init__(self) -> None:
        for name in ("process", "means", "purpose", "ilo_indicators", "non_procedural_signs"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.movement == "":
            object.__setattr__(self, "movement", None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (sets become sorted lists)."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, frozenset):
                out[key] = sorted(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IdentificationAnswers:
        """Inverse of :meth:`to_dict`; unknown keys are refused."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise AnswerError([f"unknown answer field(s): {', '.join(sorted(unknown))}"])
        return cls(**dict(data))


# --------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Item:
    code: str
    id: str
    en: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return self.id if _lang(lang) == "id" else self.en


@dataclass(frozen=True)
class Group:
    code: str
    id: str
    en: str
    items: tuple[Item, ...]

    def label(self, lang: str) -> str:
        return self.id if _lang(lang) == "id" else self.en

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)

    def item(self, code: str) -> Item:
        return next(i for i in self.items if i.code == code)


@dataclass(frozen=True)
class Rules:
    """A parsed rules file. Build with :func:`load_rules`."""

    version: str
    title_en: str
    title_id: str
    source: str
    default_child_rule: str
    child_age_below: int
    ilo_threshold: int
    child_rules: Mapping[str, Mapping[str, Any]]
    groups: Mapping[str, Group]
    movements: Mapping[str, Mapping[str, str]]
    flag_labels: Mapping[str, Mapping[str, str]]
    outcomes: Mapping[str, Mapping[str, str]]
    decisions: tuple[Mapping[str, Any], ...]
    articles: tuple[Mapping[str, Any], ...]
    notes: tuple[Mapping[str, Any], ...]
    templates: Mapping[str, Mapping[str, str]]

    def text(self, key: str, lang: str, **values: Any) -> str:
        return self.templates[key][_lang(lang)].format(**values)

    def flag_label(self, flag: str, lang: str) -> str:
        lang = _lang(lang)
        if flag in self.flag_labels:
            return self.flag_labels[flag][lang]
        group, _, code = flag.partition(".")
        if group in self.groups and code in self.groups[group].codes:
            return self.groups[group].item(code).label(lang)
        return flag

    def known_flags(self) -> frozenset[str]:
        """Every flag the engine can set under these rules (conditions may use only these)."""
        flags = {"child.yes", "child.no", "child.unknown", "movement.unknown", "ilo.threshold_met",
                 "exploitation.occurred", "exploitation.intended", "exploitation.unknown",
                 "citizen.yes", "citizen.no", "citizen.unknown", "adoption.yes", "consent.given",
                 "forced_criminality.yes", "organised_group.yes", "article.any_met"}
        for g in self.groups.values():
            flags |= {f"{g.code}.{c}" for c in g.codes}
            flags |= {f"{g.code}.{s}" for s in ("present", "absent", "satisfied", "waived")}
        flags |= {f"movement.{m}" for m in self.movements}
        flags |= {f"child_rule.{r}" for r in self.child_rules}
        flags |= {f"article.{a['code']}" for a in self.articles}
        flags |= {f"outcome.{o}" for o in self.outcomes}
        return frozenset(flags)


_REQUIRED_TEMPLATES = {
    "child_yes_age": {"age", "limit"}, "child_yes": {"limit"}, "child_no_age": {"age"}, "child_no": set(),
    "child_unknown": set(), "child_rule": {"rule"}, "group_present": {"group", "items"},
    "group_missing": {"group"}, "group_waived": {"group", "rule"}, "exploitation_occurred": set(),
    "exploitation_unknown": set(), "ilo_observed": {"count", "total", "items", "threshold"},
    "ilo_none": set(), "suggests": {"observed", "source", "target", "suggested"}, "movement": {"movement"},
    "non_procedural_signs": {"items"}, "non_procedural_yes": set(),
    "article_met": {"number", "title", "penalty"}, "article_unmet": {"number", "title", "missing"},
    "conjunction": set(),
}


def parse_rules(data: Mapping[str, Any], *, origin: str = "<data>") -> Rules:
    """Build :class:`Rules` from a parsed rules file and check it. Raises :class:`RulesError`."""
    try:
        groups = {
            code: Group(code=code, id=g["id"], en=g["en"], items=tuple(
                Item(code=i["code"], id=i["id"], en=i["en"],
                     extra={k: v for k, v in i.items() if k not in {"code", "id", "en"}})
                for i in g["items"]))
            for code, g in data["groups"].items()
        }
        rules = Rules(
            version=str(data["version"]), title_en=data["title_en"], title_id=data["title_id"],
            source=data["source"], default_child_rule=data["child_rule"],
            child_age_below=int(data["child_age_below"]), ilo_threshold=int(data["ilo_threshold"]),
            child_rules=data["child_rules"], groups=groups, movements=data["movements"],
            flag_labels=data.get("flag_labels", {}), outcomes=data["outcomes"],
            decisions=tuple(data["decisions"]), articles=tuple(data["articles"]),
            notes=tuple(data.get("notes", ())), templates=data["templates"],
        )
    except KeyError as exc:
        raise RulesError(f"{origin}: missing key {exc}") from None
    _check_rules(rules, origin)
    return rules


def _check_rules(rules: Rules, origin: str) -> None:
    problems: list[str] = []
    for g in (*ELEMENT_GROUPS, *CHECKLIST_GROUPS):
        if g not in rules.groups:
            problems.append(f"group {g!r} missing")
    for g in rules.groups.values():
        if len(set(g.codes)) != len(g.codes):
            problems.append(f"group {g.code!r} has duplicate codes")
    if set(rules.outcomes) != set(OUTCOMES):
        problems.append(f"outcomes must be exactly {', '.join(OUTCOMES)}")
    if rules.default_child_rule not in rules.child_rules:
        problems.append(f"child_rule {rules.default_child_rule!r} is not in [child_rules]")
    for code, rule in rules.child_rules.items():
        if not all(rule.get(k) for k in ("id", "en", "short_id", "short_en")):
            problems.append(f"child rule {code!r} needs id, en, short_id and short_en")
        for g in rule.get("waives", ()):
            if g not in rules.groups:
                problems.append(f"child rule {code!r} waives unknown group {g!r}")
    known = rules.known_flags()

    def check(where: str, cond: Mapping[str, Any], extra: Iterable[str] = ()) -> None:
        for key in set(cond) & _CONDITION_KEYS:
            if key == "min":
                continue
            for flag in cond[key]:
                if flag not in known:
                    problems.append(f"{where}: unknown flag {flag!r}")
        for flag in extra:
            if flag not in known:
                problems.append(f"{where}: unknown flag {flag!r}")
        if ("min" in cond) != ("min_of" in cond):
            problems.append(f"{where}: 'min' and 'min_of' go together")

    for d in rules.decisions:
        check(f"decision {d.get('code')}", d)
        if d.get("outcome") not in OUTCOMES:
            problems.append(f"decision {d.get('code')}: unknown outcome {d.get('outcome')!r}")
    if rules.decisions and any(k in rules.decisions[-1] for k in _CONDITION_KEYS):
        problems.append("the last decision must have no condition (the default outcome)")
    for a in rules.articles:
        check(f"article {a.get('code')}", a.get("context", {}), a.get("elements", ()))
    for n in rules.notes:
        check(f"note {n.get('code')}", n)
    for g in rules.groups.values():
        for i in g.items:
            if "suggests" in i.extra and i.extra["suggests"] not in known:
                problems.append(f"{g.code}.{i.code}: suggests unknown flag {i.extra['suggests']!r}")
    for key, names in _REQUIRED_TEMPLATES.items():
        if key not in rules.templates:
            problems.append(f"template {key!r} missing")
            continue
        for lang in ("id", "en"):
            try:
                rules.templates[key][lang].format(**{n: "x" for n in names})
            except (KeyError, IndexError) as exc:
                problems.append(f"template {key!r} ({lang}) uses unknown placeholder {exc}")
    for kind, entries in (("decision", rules.decisions), ("article", rules.articles), ("note", rules.notes)):
        for e in entries:
            if not (e.get("id") and e.get("en")):
                problems.append(f"{kind} {e.get('code')}: needs both 'id' and 'en' text")
    if problems:
        raise RulesError(f"{origin}: " + "; ".join(problems))


def rules_versions() -> tuple[str, ...]:
    """Versions of the rules files shipped, oldest first (``rules-v2.toml`` -> ``"2"``)."""
    found = [int(m.group(1)) for p in RULES_DIR.glob("rules-v*.toml") if (m := _RULES_FILE.match(p.name))]
    return tuple(str(v) for v in sorted(found))


def latest_rules_version() -> str:
    return rules_versions()[-1]


def load_rules(version: str | int | None = None) -> Rules:
    """Load (once) the rules of ``version`` (``"1"``, ``"v1"``, ``"rules-v1"``; default: the latest).

    Raises :class:`RulesError` for a version that is not shipped or a file that is inconsistent.
    """
    version = str(version) if version is not None else latest_rules_version()
    return _load_rules(version.removeprefix("rules-").removeprefix("v"))


@cache
def _load_rules(version: str) -> Rules:
    path = RULES_DIR / f"rules-v{version}.toml"
    if not version.isdigit() or not path.is_file():
        raise RulesError(f"No rules version {version!r}; shipped: {', '.join(rules_versions())}")
    with path.open("rb") as fh:
        rules = parse_rules(tomllib.load(fh), origin=path.name)
    if rules.version != version:
        raise RulesError(f"{path.name}: version {rules.version!r} does not match the file name")
    return rules


def choices(group: str, lang: str = "id", *, rules: Rules | None = None) -> list[tuple[str, str]]:
    """``(code, label)`` pairs for a form: a group (``process``, ``means``, ``purpose``, ``ilo``,
    ``non_procedural``), ``movement``, ``child_rule`` or ``outcome``."""
    r = rules or load_rules()
    if group == "movement":
        return [(code, m[_lang(lang)]) for code, m in r.movements.items()]
    if group == "child_rule":
        return [(code, c[_lang(lang)]) for code, c in r.child_rules.items()]
    if group == "outcome":
        return [(code, r.outcomes[code][_lang(lang)]) for code in OUTCOMES]
    return [(i.code, i.label(lang)) for i in r.groups[group].items]


# --------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True)
class Reason:
    """One line of explanation. ``kind``: outcome, child, element, indicator, context, article, note."""

    kind: str
    code: str
    id: str
    en: str

    def text(self, lang: str = "id") -> str:
        return self.id if _lang(lang) == "id" else self.en


@dataclass(frozen=True)
class ArticleFinding:
    """An offence article relevant to the situation, and whether its elements are met."""

    code: str
    number: str
    met: bool
    missing: tuple[str, ...]
    id: str
    en: str

    def title(self, lang: str = "id") -> str:
        return self.id if _lang(lang) == "id" else self.en


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`. Store :meth:`to_dict` with the case; it carries the rules version."""

    outcome: str
    outcome_id: str
    outcome_en: str
    decision: str
    rules_version: str
    child_rule: str
    child_rule_id: str
    child_rule_en: str
    child_status: str
    articles: tuple[ArticleFinding, ...]
    reasons: tuple[Reason, ...]
    flags: frozenset[str]
    answers: IdentificationAnswers

    def outcome_label(self, lang: str = "id") -> str:
        return self.outcome_id if _lang(lang) == "id" else self.outcome_en

    def child_rule_label(self, lang: str = "id") -> str:
        return self.child_rule_id if _lang(lang) == "id" else self.child_rule_en

    @property
    def likely_articles(self) -> tuple[str, ...]:
        """Codes of the articles whose elements are all met (e.g. ``("pasal_4",)``)."""
        return tuple(a.code for a in self.articles if a.met)

    def reasons_text(self, lang: str = "id") -> list[str]:
        return [r.text(lang) for r in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the assessment, its answers and the rules it was made under."""
        return {
            "outcome": self.outcome,
            "outcome_label": {"id": self.outcome_id, "en": self.outcome_en},
            "decision": self.decision,
            "rules_version": self.rules_version,
            "child_rule": self.child_rule,
            "child_status": self.child_status,
            "articles": [
                {"code": a.code, "number": a.number, "met": a.met, "missing": list(a.missing),
                 "id": a.id, "en": a.en}
                for a in self.articles
            ],
            "reasons": [{"kind": r.kind, "code": r.code, "id": r.id, "en": r.en} for r in self.reasons],
            "answers": self.answers.to_dict(),
        }


# --------------------------------------------------------------------------------------------
# Engine


def _lang(lang: str | None) -> str:
    return "id" if (lang or "id").split("-")[0].split("_")[0].lower() == "id" else "en"


def _holds(cond: Mapping[str, Any], flags: frozenset[str] | set[str]) -> bool:
    if not all(f in flags for f in cond.get("all", ())):
        return False
    if cond.get("any") and not any(f in flags for f in cond["any"]):
        return False
    if any(f in flags for f in cond.get("none", ())):
        return False
    return "min" not in cond or sum(f in flags for f in cond["min_of"]) >= int(cond["min"])


def validate_answers(answers: IdentificationAnswers, rules: Rules | None = None) -> None:
    """Raise :class:`AnswerError` listing every code or value the rules do not know."""
    r = rules or load_rules()
    problems: list[str] = []
    for attr, group in (("process", "process"), ("means", "means"), ("purpose", "purpose"),
                        ("ilo_indicators", "ilo"), ("non_procedural_signs", "non_procedural")):
        unknown = sorted(getattr(answers, attr) - set(r.groups[group].codes))
        if unknown:
            problems.append(f"{attr}: unknown code(s) {', '.join(unknown)}; "
                            f"valid: {', '.join(r.groups[group].codes)}")
    if answers.movement is not None and answers.movement not in r.movements:
        problems.append(f"movement: unknown {answers.movement!r}; valid: {', '.join(r.movements)}")
    age = answers.age_at_events
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 120):
        problems.append(f"age_at_events: {age!r} is not an age in years")
    elif age is not None and answers.is_child is not None and answers.is_child != (age < r.child_age_below):
        problems.append(f"age_at_events {age} contradicts is_child={answers.is_child}")
    if answers.exploitation_occurred is not None and not answers.purpose:
        problems.append("exploitation_occurred is given but no purpose (form of exploitation) is")
    if problems:
        raise AnswerError(problems)


def _child_status(answers: IdentificationAnswers, rules: Rules) -> str:
    if answers.age_at_events is not None:
        return "yes" if answers.age_at_events < rules.child_age_below else "no"
    if answers.is_child is not None:
        return "yes" if answers.is_child else "no"
    return "unknown"


def _flags(answers: IdentificationAnswers, rules: Rules, child_rule: str) -> set[str]:
    child = _child_status(answers, rules)
    flags = {f"child.{child}", f"child_rule.{child_rule}"}
    waived_groups = set(rules.child_rules[child_rule].get("waives", ())) if child == "yes" else set()
    present = {
        "process": answers.process, "means": answers.means, "purpose": answers.purpose,
        "ilo": answers.ilo_indicators, "non_procedural": answers.non_procedural_signs,
    }
    for group, codes in present.items():
        flags |= {f"{group}.{c}" for c in codes}
        is_present = bool(codes) or (group == "non_procedural" and answers.non_procedural)
        flags.add(f"{group}.present" if is_present else f"{group}.absent")
        if is_present:
            flags.add(f"{group}.satisfied")
        elif group in waived_groups:
            flags |= {f"{group}.satisfied", f"{group}.waived"}
    flags.add(f"movement.{answers.movement}" if answers.movement else "movement.unknown")
    if answers.purpose:
        state = {True: "occurred", False: "intended", None: "unknown"}[answers.exploitation_occurred]
        flags.add(f"exploitation.{state}")
    flags.add({True: "citizen.yes", False: "citizen.no", None: "citizen.unknown"}[answers.indonesian_citizen])
    if len(answers.ilo_indicators) >= rules.ilo_threshold:
        flags.add("ilo.threshold_met")
    for attr, flag in (("adoption", "adoption.yes"), ("consent_given", "consent.given"),
                       ("forced_to_commit_crime", "forced_criminality.yes"),
                       ("organised_group", "organised_group.yes")):
        if getattr(answers, attr):
            flags.add(flag)
    return flags


def _join(parts: list[str], rules: Rules, lang: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {rules.text('conjunction', lang)} {parts[-1]}"


def _reason(kind: str, code: str, rules: Rules, key: str, **values: Any) -> Reason:
    """A reason from template ``key``; values that are callables get the language."""
    texts = {}
    for lang in ("id", "en"):
        filled = {k: (v(lang) if callable(v) else v) for k, v in values.items()}
        texts[lang] = rules.text(key, lang, **filled)
    return Reason(kind=kind, code=code, id=texts["id"], en=texts["en"])


def _items(rules: Rules, group: str, codes: Iterable[str]):
    g = rules.groups[group]
    ordered = [c for c in g.codes if c in set(codes)]
    return lambda lang: _join([g.item(c).label(lang) for c in ordered], rules, lang)


def assess(
    answers: IdentificationAnswers,
    *,
    rules: Rules | str | None = None,
    child_rule: str | None = None,
) -> Assessment:
    """Assess one person's situation under ``rules`` (a :class:`Rules`, a version, or the latest).

    Args:
        answers: what was observed.
        rules: the rules to apply; the result records their version.
        child_rule: ``"palermo"`` or ``"strict"`` (any key of the file's ``[child_rules]``);
            default: the file's ``child_rule``.

    Returns:
        An :class:`Assessment`. Raises :class:`AnswerError` for answers the rules do not know.
    """
    r = rules if isinstance(rules, Rules) else load_rules(rules)
    rule_code = child_rule or r.default_child_rule
    if rule_code not in r.child_rules:
        raise AnswerError([f"child_rule: unknown {rule_code!r}; valid: {', '.join(r.child_rules)}"])
    validate_answers(answers, r)
    flags = _flags(answers, r, rule_code)
    rule_text = r.child_rules[rule_code]

    # Articles: relevant when their context holds; met when all their elements are set too.
    findings: list[ArticleFinding] = []
    for art in r.articles:
        if not _holds(art.get("context", {}), flags):
            continue
        missing = tuple(f for f in art.get("elements", ()) if f not in flags)
        findings.append(ArticleFinding(code=art["code"], number=str(art["number"]), met=not missing,
                                       missing=missing, id=art["id"], en=art["en"]))
        if not missing:
            flags |= {f"article.{art['code']}", "article.any_met"}

    decision = next(d for d in r.decisions if _holds(d, flags))
    outcome = decision["outcome"]
    flags.add(f"outcome.{outcome}")

    reasons: list[Reason] = [Reason("outcome", decision["code"], decision["id"], decision["en"])]

    # Child status and the rule used.
    child = _child_status(answers, r)
    age, limit = answers.age_at_events, r.child_age_below
    key = {"yes": "child_yes", "no": "child_no", "unknown": "child_unknown"}[child]
    if age is not None and child != "unknown":
        key += "_age"
    reasons.append(_reason("child", f"child_{child}", r, key, age=age, limit=limit))
    reasons.append(_reason("child", f"child_rule_{rule_code}", r, "child_rule",
                           rule=lambda lang: rule_text[lang]))

    # The three elements.
    for group in ELEMENT_GROUPS:
        g = r.groups[group]
        codes = getattr(answers, group)
        if codes:
            reasons.append(_reason("element", f"{group}_present", r, "group_present",
                                   group=g.label, items=_items(r, group, codes)))
        elif f"{group}.waived" in flags:
            reasons.append(_reason("element", f"{group}_waived", r, "group_waived", group=g.label,
                                   rule=lambda lang: rule_text.get(f"short_{lang}", rule_text[lang])))
        else:
            reasons.append(_reason("element", f"{group}_missing", r, "group_missing", group=g.label))
    if "exploitation.occurred" in flags:
        reasons.append(_reason("element", "exploitation_occurred", r, "exploitation_occurred"))
    elif "exploitation.unknown" in flags:
        reasons.append(_reason("element", "exploitation_unknown", r, "exploitation_unknown"))

    # ILO indicators, and what observations suggest that was not recorded.
    ilo = r.groups["ilo"]
    if answers.ilo_indicators:
        reasons.append(_reason("indicator", "ilo_observed", r, "ilo_observed",
                               count=len(answers.ilo_indicators), total=len(ilo.items),
                               items=_items(r, "ilo", answers.ilo_indicators), threshold=r.ilo_threshold))
    else:
        reasons.append(_reason("indicator", "ilo_none", r, "ilo_none"))
    for group in CHECKLIST_GROUPS:
        for item in r.groups[group].items:
            suggested = item.extra.get("suggests")
            if f"{group}.{item.code}" in flags and suggested and suggested not in flags:
                target = r.groups[suggested.partition(".")[0]]
                reasons.append(_reason("indicator", f"suggests_{item.code}", r, "suggests",
                                       observed=item.label, source=r.groups[group].label,
                                       target=target.label,
                                       suggested=lambda lang, s=suggested: r.flag_label(s, lang)))

    # Where the person was moved, and how they left.
    if answers.movement:
        reasons.append(_reason("context", "movement", r, "movement",
                               movement=lambda lang: r.movements[answers.movement][_lang(lang)]))
    if answers.non_procedural_signs:
        reasons.append(_reason("context", "non_procedural", r, "non_procedural_signs",
                               items=_items(r, "non_procedural", answers.non_procedural_signs)))
    elif answers.non_procedural:
        reasons.append(_reason("context", "non_procedural", r, "non_procedural_yes"))

    # Articles.
    for f in findings:
        art = next(a for a in r.articles if a["code"] == f.code)
        if f.met:
            reasons.append(_reason("article", f.code, r, "article_met", number=f.number, title=f.title,
                                   penalty=lambda lang, a=art: a[f"penalty_{_lang(lang)}"]))
        else:
            reasons.append(_reason("article", f.code, r, "article_unmet", number=f.number, title=f.title,
                                   missing=lambda lang, m=f.missing: _join(
                                       [r.flag_label(x, lang) for x in m], r, lang)))

    # Notes: aggravations, consent, the child rule's effect, what to check next.
    frozen = frozenset(flags)
    for note in r.notes:
        if _holds(note, frozen):
            reasons.append(Reason("note", note["code"], note["id"], note["en"]))

    return Assessment(
        outcome=outcome, outcome_id=r.outcomes[outcome]["id"], outcome_en=r.outcomes[outcome]["en"],
        decision=decision["code"], rules_version=r.version, child_rule=rule_code,
        child_rule_id=rule_text["id"], child_rule_en=rule_text["en"], child_status=child,
        articles=tuple(findings), reasons=tuple(reasons), flags=frozen, answers=answers,
    )
