"""The plain Splink baseline of bench/linkage.py, and FEBRL data in file-mode form.

The baseline follows the pattern of Splink's documentation quick start (DuckDB, library
comparisons such as NameComparison / DateOfBirthComparison / ExactMatch with term-frequency
adjustment, ``block_on`` rules, prior from a deterministic rule, u by random sampling, EM on two
blocking rules, clustering at 0.95) applied to the raw columns: no Indonesian preparation.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

FILE_COLUMNS = (
    "record_id",
    "source",
    "full_name",
    "nik",
    "birth_date",
    "sex",
    "origin_region",
    "phone",
    "passport",
)
FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
)
# The same training budget as the Gugus engine (data/engine.toml), so the comparison is fair.
U_MAX_PAIRS = 5e6
EM_MAX_PAIRS = 3e6


def _settings(kind: str) -> tuple[Any, list[Any], list[Any], Any]:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if kind == "indonesian":
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("full_name").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("birth_date", input_is_string=True),
                cl.ExactMatch("nik"),
                cl.ExactMatch("phone"),
                cl.ExactMatch("passport"),
                cl.ExactMatch("sex"),
                cl.ExactMatch("origin_region").configure(term_frequency_adjustments=True),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("full_name"),
                block_on("birth_date", "sex"),
                block_on("nik"),
                block_on("phone"),
                block_on("passport"),
            ],
            retain_intermediate_calculation_columns=False,
        )
        deterministic = [block_on("full_name", "birth_date")]
        em_rules = [block_on("full_name"), block_on("birth_date")]
    else:
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
                cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
                cl.ExactMatch("postcode"),
                cl.ExactMatch("state"),
                cl.LevenshteinAtThresholds("address_1", [1, 2]),
                cl.ExactMatch("street_number"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("given_name", "surname"),
                block_on("surname", "date_of_birth"),
                block_on("given_name", "date_of_birth"),
                block_on("postcode", "street_number"),
                block_on("date_of_birth"),
            ],
            retain_intermediate_calculation_columns=False,
        )
        deterministic = [block_on("given_name", "surname", "date_of_birth")]
        em_rules = [block_on("given_name", "surname"), block_on("date_of_birth")]
    return settings, deterministic, em_rules, block_on


def run(input_csv: str, output_csv: str, *, kind: str, threads: int, memory_limit: str) -> int:
    """Link ``input_csv`` with the plain model; write ``record_id,cluster_id``; return pair count."""
    import duckdb
    from splink import DuckDBAPI, Linker

    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute(
        "CREATE TABLE raw AS SELECT row_number() OVER () - 1 AS unique_id, * "
        "FROM read_csv(?, all_varchar = true, header = true)",
        [input_csv],
    )
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("raw")
    settings, deterministic, em_rules, _ = _settings(kind)
    linker = Linker(df, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=42)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs = con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95
    )
    con.execute(
        f"""
        COPY (
            SELECT r.record_id, f.record_id AS cluster_id
            FROM raw r
            JOIN {clusters.physical_name} c ON c.unique_id = r.unique_id
            JOIN (SELECT cluster_id, min(unique_id) AS first_id FROM {clusters.physical_name}
                  GROUP BY cluster_id) m ON m.cluster_id = c.cluster_id
            JOIN raw f ON f.unique_id = m.first_id
            ORDER BY r.unique_id
        ) TO '{output_csv}' (HEADER, DELIMITER ',')
        """
    )
    return int(pairs)


def _iso(date: Any) -> str:
    text = str(date or "")
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return ""


def write_febrl_csv(frames: list[Any], path: Path) -> list[str]:
    """Write FEBRL records (``soc_sec_id`` dropped) with both the file-mode columns and FEBRL's own.

    Returns:
        The true entity of each written record ("rec-12-dup-0" → "12").
    """
    truth: list[str] = []
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow((*FILE_COLUMNS, *FEBRL_COLUMNS))
        for frame in frames:
            frame = frame.drop(columns=["soc_sec_id"])
            for rec_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
                clean = {k: ("" if v != v or v is None else str(v).strip()) for k, v in row.items()}
                name = " ".join(p for p in (clean["given_name"], clean["surname"]) if p)
                writer.writerow(
                    (
                        rec_id,
                        "febrl",
                        name,
                        "",
                        _iso(clean["date_of_birth"]),
                        "",
                        "",
                        "",
                        "",
                        *(clean[c] for c in FEBRL_COLUMNS),
                    )
                )
                truth.append(rec_id.split("-")[1])
    return truth
