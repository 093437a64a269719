"""Criminal-process stages: the data file, allowed transitions and the date checks."""

from __future__ import annotations

import tomllib
from collections import deque
from dataclasses import dataclass
from datetime import date

import pytest

from gugus.cases.stages import (
    STAGES_FILE,
    StageDataError,
    allowed_next,
    check_dates,
    check_history,
    check_transition,
    current_stage,
    load_stages,
    parse_stages,
)

D = date


def test_file_has_a_version_and_the_stages_of_the_brief():
    stages = load_stages()
    assert stages.version == "1" and "UU 20/2025" in stages.source
    for code in ["lp", "penyelidikan", "penyidikan", "berkas_dikirim", "p18_p19", "p21", "tahap_2",
                 "penuntutan", "putusan", "inkracht", "restitusi_dibayar", "restitusi_diganti_kurungan"]:
        assert code in stages
    assert stages.initial_codes() == ("lp",)
    assert [c for c, _ in stages.choices("id")][:3] == ["lp", "penyelidikan", "penyidikan"]
    assert stages.get("p21").label("id").startswith("P-21")
    assert stages.get("p21").label("en").startswith("P-21")


def test_every_stage_is_reachable_and_every_path_can_end():
    stages = load_stages()
    seen, queue = {"lp"}, deque(["lp"])
    while queue:
        for nxt in stages.get(queue.popleft()).next:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    assert seen == set(stages.codes)
    for stage in stages.stages:
        # From anywhere, some stage where a case may rest is reachable.
        reach, queue = {stage.code}, deque([stage.code])
        while queue:
            for nxt in stages.get(queue.popleft()).next:
                if nxt not in reach:
                    reach.add(nxt)
                    queue.append(nxt)
        assert any(stages.get(c).may_end for c in reach), stage.code
        assert stage.terminal == (not stage.next)


@pytest.mark.parametrize(
    "frm, to",
    [
        (None, "lp"),
        ("lp", "penyelidikan"),
        ("penyelidikan", "penyidikan"),
        ("penyidikan", "berkas_dikirim"),
        ("berkas_dikirim", "p18_p19"),
        ("p18_p19", "penyidikan"),  # P-19: back to the investigator
        ("p18_p19", "berkas_dikirim"),
        ("berkas_dikirim", "p21"),
        ("p21", "tahap_2"),
        ("tahap_2", "penuntutan"),
        ("penuntutan", "putusan"),
        ("putusan", "upaya_hukum"),
        ("upaya_hukum", "putusan"),
        ("putusan", "inkracht"),
        ("inkracht", "restitusi_dibayar"),
        ("inkracht", "restitusi_diganti_kurungan"),
        ("penyidikan", "dihentikan"),
    ],
)
def test_allowed_transitions(frm, to):
    assert check_transition(frm, to) == []
    assert to in allowed_next(frm)


@pytest.mark.parametrize(
    "frm, to, code",
    [
        (None, "p21", "not_initial"),
        ("lp", "putusan", "not_allowed"),
        ("penyidikan", "p21", "not_allowed"),  # the file must go to the prosecutor first
        ("p21", "p18_p19", "not_allowed"),
        ("putusan", "restitusi_dibayar", "not_allowed"),  # only once the verdict is final
        ("restitusi_dibayar", "lp", "terminal"),
        ("dihentikan", "penyidikan", "terminal"),
        ("lp", "banding", "unknown_stage"),
        ("sidang", "putusan", "unknown_stage"),
    ],
)
def test_refused_transitions_explain_themselves(frm, to, code):
    problems = check_transition(frm, to)
    assert [p.code for p in problems] == [code]
    assert problems[0].message("id") and problems[0].message("en")
    assert problems[0].id != problems[0].en


def test_refusal_names_the_possible_next_stages():
    [problem] = check_transition("p21", "putusan")
    assert problem.en == "Putusan cannot directly follow P-21. Possible next stages: Tahap II."
    assert problem.id == "Dari P-21 tidak dapat langsung ke Putusan. Tahap berikutnya yang mungkin: Tahap II."


FULL = [
    ("lp", D(2024, 1, 10)),
    ("penyelidikan", D(2024, 1, 11)),
    ("penyidikan", D(2024, 2, 1)),
    ("berkas_dikirim", D(2024, 3, 1)),
    ("p18_p19", D(2024, 3, 10)),
    ("penyidikan", D(2024, 3, 11)),
    ("berkas_dikirim", D(2024, 4, 1)),
    ("p21", D(2024, 4, 10)),
    ("tahap_2", D(2024, 4, 20)),
    ("penuntutan", D(2024, 5, 1)),
    ("putusan", D(2024, 8, 1)),
    ("upaya_hukum", D(2024, 8, 8)),
    ("putusan", D(2024, 11, 1)),
    ("inkracht", D(2024, 11, 15)),
    ("restitusi_diganti_kurungan", D(2025, 1, 15)),
]


def test_a_full_history_with_a_p19_loop_and_an_appeal_is_consistent():
    assert check_history(FULL, today=D(2026, 1, 1)) == []
    assert current_stage(FULL) == "restitusi_diganti_kurungan"
    assert current_stage([]) is None


def test_no_verdict_before_the_report():
    history = [("lp", D(2024, 3, 1)), ("putusan", D(2024, 2, 1))]
    problems = check_dates(history)
    assert [(p.code, p.stage, p.index) for p in problems] == [("before_report", "putusan", 1)]
    assert problems[0].en == "The date of Putusan (2024-02-01) is before the police report (2024-03-01)."
    assert "laporan polisi" in problems[0].id


def test_report_date_can_come_from_the_case():
    assert [p.code for p in check_dates([("penyelidikan", D(2024, 1, 1))], report_date=D(2024, 2, 1))] == [
        "before_report"
    ]


def test_dates_must_not_go_back():
    history = [("lp", D(2024, 1, 1)), ("penyidikan", D(2024, 3, 1)), ("berkas_dikirim", D(2024, 2, 1)),
               ("p21", D(2024, 3, 5))]
    problems = check_dates(history)
    assert [(p.code, p.index) for p in problems] == [("date_decreasing", 2)]
    assert "Penyidikan (2024-03-01)" in problems[0].en


def test_same_day_stages_are_fine():
    assert check_dates([("lp", D(2024, 1, 1)), ("penyelidikan", D(2024, 1, 1))]) == []


def test_missing_and_future_dates():
    problems = check_dates([("lp", D(2024, 1, 1)), ("penyelidikan", None), ("penyidikan", D(2030, 1, 1))],
                           today=D(2025, 1, 1))
    assert [(p.code, p.index) for p in problems] == [("missing_date", 1), ("in_future", 2)]
    assert "row 2" in problems[0].en and "baris 2" in problems[0].id


@dataclass
class Entry:
    stage: str
    date: date


def test_history_entries_may_be_pairs_mappings_or_objects():
    history = [("lp", D(2024, 1, 1)), {"stage": "penyelidikan", "date": D(2024, 1, 2)},
               Entry("penyidikan", D(2023, 1, 1))]
    assert [p.code for p in check_history(history)] == ["before_report"]


def test_check_history_reports_transitions_and_dates_together():
    history = [("penyidikan", D(2024, 1, 1)), ("p21", D(2023, 12, 1))]
    assert [(p.code, p.index) for p in check_history(history)] == [
        ("not_initial", 0), ("not_allowed", 1), ("date_decreasing", 1)]


def test_inconsistent_stage_files_are_refused():
    with STAGES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    data["stages"][0]["next"] = ["nowhere"]
    with pytest.raises(StageDataError, match="nowhere"):
        parse_stages(data)
    with STAGES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    data["stages"][-1]["next"] = ["lp"]  # a terminal stage with a way out
    with pytest.raises(StageDataError, match="terminal"):
        parse_stages(data)


def test_a_new_stage_version_changes_the_rules_without_code():
    with STAGES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    data["version"] = "2"
    for stage in data["stages"]:
        if stage["code"] == "penyidikan":
            stage["next"] = [*stage["next"], "p21"]
    v2 = parse_stages(data)
    assert check_transition("penyidikan", "p21", stages=v2) == []
    assert check_transition("penyidikan", "p21") != []
