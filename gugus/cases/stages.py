"""Stages of the criminal process, read from ``gugus/cases/data/stages.toml``.

The stage list, the allowed moves between stages and the messages are data (a new KUHAP, UU 20/2025,
applies from 2 January 2026; a new file version is all a change of procedure should need). This
module holds pure functions only: no Django, no database.

A *history* is a sequence of entries in the order they happened, each either a ``(stage, date)``
pair, a mapping with keys ``"stage"`` and ``"date"``, or an object with attributes ``stage`` and
``date`` (e.g. a model instance). Checks return a list of :class:`StageProblem`; an empty list
means the history is consistent.

Example::

    >>> from datetime import date
    >>> from gugus.cases.stages import check_history
    >>> problems = check_history([("lp", date(2024, 3, 1)), ("putusan", date(2024, 2, 1))])
    >>> [p.code for p in problems]
    ['not_allowed', 'before_report']
    >>> problems[1].message("en")
    'The date of Putusan (2024-02-01) is before the police report (2024-03-01).'
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

STAGES_FILE = Path(__file__).resolve().parent / "data" / "stages.toml"
REPORT_STAGE = "lp"


class StageDataError(ValueError):
    """The stages file is inconsistent (unknown codes in ``next``, duplicate codes, ...)."""


@dataclass(frozen=True)
class Stage:
    code: str
    order: int
    short: str
    en: str
    id: str
    next: tuple[str, ...]
    initial: bool = False
    terminal: bool = False
    may_end: bool = False
    forms: tuple[str, ...] = ()

    def label(self, lang: str = "id") -> str:
        return self.id if lang.split("-")[0].lower() == "id" else self.en


@dataclass(frozen=True)
class StageProblem:
    """One thing wrong with a transition or a stage history, in both languages.

    ``code`` names the rule broken (``not_allowed``, ``before_report``, ``date_decreasing``, ...);
    ``index`` is the 0-based position of the offending entry in the history, if any.
    """

    code: str
    id: str
    en: str
    stage: str | None = None
    index: int | None = None

    def message(self, lang: str = "id") -> str:
        return self.id if lang.split("-")[0].lower() == "id" else self.en

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class StageList:
    version: str
    source: str
    stages: tuple[Stage, ...]
    messages: Mapping[str, Mapping[str, str]]

    def __contains__(self, code: object) -> bool:
        return any(s.code == code for s in self.stages)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages)

    def get(self, code: str) -> Stage | None:
        for s in self.stages:
            if s.code == code:
                return s
        return None

    def choices(self, lang: str = "id") -> list[tuple[str, str]]:
        return [(s.code, s.label(lang)) for s in sorted(self.stages, key=lambda s: s.order)]

    def initial_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.stages if s.initial)

    def problem(
        self, code: str, values: Mapping[str, Any], *, at: str | None = None, index: int | None = None
    ) -> StageProblem:
        """The message ``code`` of the file, filled with ``values``, about stage ``at``."""
        template = self.messages[code]
        text = {lang: template[lang].format_map(_Values(values)) for lang in ("id", "en")}
        return StageProblem(code=code, id=text["id"], en=text["en"], stage=at, index=index)


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def parse_stages(data: Mapping[str, Any]) -> StageList:
    """Build a :class:`StageList` from parsed TOML and check it. Raises :class:`StageDataError`."""
    stages = tuple(
        Stage(
            code=raw["code"],
            order=int(raw["order"]),
            short=raw.get("short", raw["code"]),
            en=raw["en"],
            id=raw["id"],
            next=tuple(raw.get("next", ())),
            initial=bool(raw.get("initial", False)),
            terminal=bool(raw.get("terminal", False)),
            may_end=bool(raw.get("may_end", False)),
            forms=tuple(raw.get("forms", ())),
        )
        for raw in data["stages"]
    )
    codes = [s.code for s in stages]
    if len(set(codes)) != len(codes):
        raise StageDataError("duplicate stage codes")
    for s in stages:
        unknown = set(s.next) - set(codes)
        if unknown:
            raise StageDataError(f"stage {s.code!r}: unknown next stage(s) {sorted(unknown)}")
        if s.terminal and s.next:
            raise StageDataError(f"stage {s.code!r} is terminal but has next stages")
        if not s.terminal and not s.next:
            raise StageDataError(f"stage {s.code!r} has no next stage; mark it terminal")
    if not any(s.initial for s in stages):
        raise StageDataError("no initial stage")
    messages = data.get("messages", {})
    needed = {"unknown_stage", "not_initial", "terminal", "not_allowed", "missing_date",
              "before_report", "date_decreasing", "in_future"}
    missing = needed - set(messages)
    if missing:
        raise StageDataError(f"missing message(s) {sorted(missing)}")
    return StageList(version=str(data["version"]), source=data["source"], stages=stages, messages=messages)


@cache
def load_stages(path: Path = STAGES_FILE) -> StageList:
    """Load (once per path) the stage list."""
    with Path(path).open("rb") as fh:
        return parse_stages(tomllib.load(fh))


def _stages(stages: StageList | None) -> StageList:
    return stages if stages is not None else load_stages()


def _name(stages: StageList, code: str) -> str:
    s = stages.get(code)
    return s.short if s else str(code)


def allowed_next(code: str | None, *, stages: StageList | None = None) -> tuple[str, ...]:
    """Codes that may follow ``code`` (``None``: codes a history may start with)."""
    sl = _stages(stages)
    if code is None:
        return sl.initial_codes()
    s = sl.get(code)
    return s.next if s else ()


def check_transition(
    from_stage: str | None, to_stage: str, *, stages: StageList | None = None
) -> list[StageProblem]:
    """Whether a case may move from ``from_stage`` (``None``: no stage yet) to ``to_stage``.

    Returns an empty list when the move is allowed, else the problems in both languages.
    """
    sl = _stages(stages)
    problems = [sl.problem("unknown_stage", {"stage": c}, at=c) for c in (from_stage, to_stage)
                if c is not None and c not in sl]
    if problems:
        return problems
    allowed = allowed_next(from_stage, stages=sl)
    if to_stage in allowed:
        return []
    names = ", ".join(_name(sl, c) for c in allowed)
    values = {"from": _name(sl, from_stage) if from_stage else "", "to": _name(sl, to_stage),
              "allowed": names}
    if from_stage is None:
        return [sl.problem("not_initial", values, at=to_stage)]
    if sl.get(from_stage).terminal:
        return [sl.problem("terminal", values, at=to_stage)]
    return [sl.problem("not_allowed", values, at=to_stage)]


def _entry(item: Any) -> tuple[str, date | None]:
    if isinstance(item, Mapping):
        stage, when = item.get("stage"), item.get("date")
    elif isinstance(item, Sequence) and not isinstance(item, str):
        stage, when = item[0], item[1]
    else:
        stage, when = item.stage, item.date
    if isinstance(when, datetime):
        when = when.date()
    return str(stage), when


def check_dates(
    history: Iterable[Any],
    *,
    report_date: date | None = None,
    today: date | None = None,
    stages: StageList | None = None,
) -> list[StageProblem]:
    """Check the dates of a stage history, given in the order the stages happened.

    Rules: every stage has a date; no stage is dated before the police report (``report_date``,
    or else the date of the history's ``lp`` entry); dates never go back from one entry to the
    next; with ``today`` given, no date lies in the future.
    """
    sl = _stages(stages)
    entries = [_entry(item) for item in history]
    if report_date is None:
        report_date = next((d for code, d in entries if code == REPORT_STAGE and d), None)
    problems: list[StageProblem] = []
    previous: tuple[str, date] | None = None
    for index, (code, when) in enumerate(entries):
        name = _name(sl, code)
        if when is None:
            problems.append(sl.problem("missing_date", {"stage": name, "index": index + 1},
                                       at=code, index=index))
            continue
        if report_date is not None and when < report_date:
            problems.append(sl.problem("before_report", {
                "stage": name, "date": when.isoformat(), "report_date": report_date.isoformat()},
                at=code, index=index))
        elif previous is not None and when < previous[1]:
            problems.append(sl.problem("date_decreasing", {
                "stage": name, "date": when.isoformat(), "previous": _name(sl, previous[0]),
                "previous_date": previous[1].isoformat()}, at=code, index=index))
        if today is not None and when > today:
            problems.append(sl.problem("in_future", {"stage": name, "date": when.isoformat()},
                                       at=code, index=index))
        if previous is None or when >= previous[1]:
            previous = (code, when)
    return problems


def check_history(
    history: Iterable[Any],
    *,
    report_date: date | None = None,
    today: date | None = None,
    stages: StageList | None = None,
) -> list[StageProblem]:
    """Every transition of the history (starting from no stage) and its dates, in one list."""
    sl = _stages(stages)
    entries = [_entry(item) for item in history]
    problems: list[StageProblem] = []
    previous: str | None = None
    for index, (code, _) in enumerate(entries):
        for p in check_transition(previous, code, stages=sl):
            problems.append(StageProblem(code=p.code, id=p.id, en=p.en, stage=p.stage, index=index))
        previous = code
    problems.extend(check_dates(entries, report_date=report_date, today=today, stages=sl))
    return problems


def current_stage(history: Iterable[Any]) -> str | None:
    """The stage a case is at: the last entry of its history, or ``None`` for an empty history."""
    entries = [_entry(item) for item in history]
    return entries[-1][0] if entries else None
