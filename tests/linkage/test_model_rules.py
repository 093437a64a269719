"""The clustering guard and the comparison levels added for errors seen at 1,000,000 records."""

import duckdb
import pytest

from gugus.linkage.clustering import attach_weak_pairs
from gugus.linkage.engine import load_settings
from gugus.linkage.prepare import prepare_record


def test_a_weak_pair_attaches_a_single_record():
    # 0-1 and 2-3 are strong clusters; 4 is alone.
    groups = [0, 0, 2, 2, 4]
    assert attach_weak_pairs(groups, [(1, 4)]) == [0, 0, 2, 2, 0]


def test_a_weak_pair_never_merges_two_clusters():
    groups = [0, 0, 2, 2, 4]
    assert attach_weak_pairs(groups, [(1, 2)]) == groups
    # Once 4 is attached to 0-1 its group is no longer single: the next weak pair to 2-3 is refused.
    assert attach_weak_pairs(groups, [(0, 4), (4, 3)]) == [0, 0, 2, 2, 0]


def test_weak_pairs_join_two_single_records_and_a_larger_cap_allows_more():
    assert attach_weak_pairs([0, 1, 2], [(1, 2)]) == [0, 1, 1]
    assert attach_weak_pairs([0, 0, 2, 2], [(1, 3)], max_size=2) == [0, 0, 0, 0]


def _level(comparison: str, left: dict, right: dict) -> str:
    """The label of the first level of ``comparison`` whose condition holds for two raw records."""
    levels = next(c for c in load_settings()["comparisons"] if c["output_column_name"] == comparison)[
        "comparison_levels"
    ]
    a, b = prepare_record(left), prepare_record(right)
    con = duckdb.connect()
    columns = ", ".join(
        f"${side}{i} AS {name}_{side}" for side, rec in (("l", a), ("r", b)) for i, name in enumerate(rec)
    )
    params = {f"{side}{i}": value for side, rec in (("l", a), ("r", b)) for i, value in enumerate(rec.values())}
    con.execute(f"CREATE TABLE pair AS SELECT {columns}", params)  # noqa: S608 — column names are ours
    for level in levels:
        condition = "TRUE" if level["sql_condition"] == "ELSE" else level["sql_condition"]
        if con.execute(f"SELECT coalesce(({condition}), false) FROM pair").fetchone()[0]:  # noqa: S608
            return level["label_for_charts"]
    raise AssertionError("no level matched")


@pytest.mark.parametrize(
    ("name_a", "name_b", "expected"),
    [
        # A mistyped NIK of one person: the names agree.
        ("Iis Nurhayati", "Iis Nurhayati", "one digit off, names alike"),
        ("Moh. Rizki", "Muhammad Rizki", "one digit off, names alike"),
        # Two women born the same day in one district: their NIKs differ by one digit, they share
        # only a common first name. That must be no evidence, not a strong match.
        ("Iis Nurhayati", "Iis Bamasari", "one digit off, names differ"),
        ("Rosmawati Hutagalung", "Rosmawaty Simanjuntak Silalahi", "one digit off, names differ"),
    ],
)
def test_nik_one_digit_off_counts_only_when_the_names_agree(name_a, name_b, expected):
    label = _level(
        "nik",
        {"full_name": name_a, "nik": "3673226307900001"},
        {"full_name": name_b, "nik": "3603226307900001"},
    )
    assert label.startswith(expected)
    if expected.endswith("differ"):
        level = next(
            lvl
            for c in load_settings()["comparisons"]
            if c["output_column_name"] == "nik"
            for lvl in c["comparison_levels"]
            if lvl["label_for_charts"] == label
        )
        assert level.get("is_null_level") is True


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1989-04-01", "1990-04-01", "year off by one"),
        ("1999-12-31", "2000-12-31", "year off by one"),
        ("1975-06-21", "1976-06-21", "year off by one"),
        ("1989-04-01", "1991-04-01", "different"),
        ("1989-04-01", "1989-01-04", "day and month swapped"),
        ("1989-04-01", "1989-04-02", "one digit off"),
        ("1989-04-01", "1990-04-02", "within about a year"),
    ],
)
def test_birth_date_levels(a, b, expected):
    assert _level("dob", {"birth_date": a}, {"birth_date": b}) == expected
