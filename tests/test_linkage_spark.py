"""The linkage engine on Splink's Spark backend, in Spark local mode: the same model finds the same people.

One SparkSession serves the module (started by the first Spark run, stopped at the end). The Spark
tests are skipped only when there is no Java; with Java and pyspark present, a Spark that fails
to start or to run the model fails them.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import sys
from collections import defaultdict

import pytest
from django.core.management import call_command

from gugus.linkage import spark as gspark
from gugus.linkage import synthetic
from gugus.linkage.engine import (
    EngineOptions,
    LinkageError,
    config_for_dialect,
    load_config,
    load_settings,
    settings_for_dialect,
)
from gugus.linkage.evaluation import pairwise_scores
from gugus.linkage.prepare import PREPARED_COLUMNS

needs_java = pytest.mark.skipif(
    gspark.find_java() is None, reason="Spark needs Java 17+: no java in $JAVA_HOME/bin or on PATH"
)

RECORDS = 1_000
SEED = 7  # not a seed the model was tuned on


def _link_file(*args: str) -> tuple[str, str]:
    out, err, progress = io.StringIO(), io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(progress):  # link-file prints its progress to sys.stderr
        call_command("link-file", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue() + progress.getvalue()


def _clusters(path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["record_id", "cluster_id"]
    return [r["cluster_id"] for r in rows]


def _count(progress: str, step: str) -> int:
    match = re.search(rf"^{step}: ([\d,]+) ", progress, re.MULTILINE)
    assert match, progress
    return int(match.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same synthetic file through `gugus link-file --backend spark` and through DuckDB."""
    folder = tmp_path_factory.mktemp("spark")
    path = synthetic.write_csv(folder / "in.csv", RECORDS, seed=SEED)
    with path.open(newline="", encoding="utf-8") as fh:
        given = list(csv.DictReader(fh))
    result = {"given": given}
    for backend in ("duckdb", "spark"):
        out = folder / f"{backend}.csv"
        stdout, progress = _link_file(str(path), "--output", str(out), "--backend", backend, "--threads", "2")
        result[backend] = {"clusters": _clusters(out), "stdout": stdout, "progress": progress, "path": out}
    yield result
    gspark.stop_session()


@needs_java
def test_spark_cli_writes_one_row_per_record_in_input_order(runs):
    given, spark = runs["given"], runs["spark"]
    with spark["path"].open(newline="", encoding="utf-8") as fh:
        written = list(csv.DictReader(fh))
    assert [r["record_id"] for r in written] == [r["record_id"] for r in given]
    ids = {r["record_id"] for r in given}
    assert all(r["cluster_id"] in ids for r in written)
    # A cluster is named by its first record, which belongs to itself.
    by_id = {r["record_id"]: r["cluster_id"] for r in written}
    assert all(by_id[c] == c for c in by_id.values())
    assert f"{RECORDS:,} records" in spark["stdout"]
    for step in ("prepare", "block", "compare", "train", "predict", "cluster"):
        assert f"{step}:" in spark["progress"]
    assert "Traceback" not in spark["progress"]


@needs_java
def test_spark_blocks_the_same_pairs_as_duckdb(runs):
    # Blocking is deterministic: the translated rules must produce exactly DuckDB's candidate pairs.
    assert _count(runs["spark"]["progress"], "block") == _count(runs["duckdb"]["progress"], "block") > RECORDS


@needs_java
def test_spark_and_duckdb_cluster_alike(runs):
    spark, duckdb = runs["spark"]["clusters"], runs["duckdb"]["clusters"]
    # Between the two backends (DuckDB's clusters taken as the reference). The models are
    # trained separately (u by random sampling, EM), so a few borderline pairs may differ: measured
    # F1 0.999 (one pair in about 2,100) on 2,000 records, identical clusters on 1,000.
    agreement = pairwise_scores(spark, duckdb)
    assert agreement.f1 >= 0.98, agreement
    same_record_clusters = sum(a == b for a, b in zip(spark, duckdb, strict=True))
    assert same_record_clusters >= 0.98 * RECORDS
    # Against the ground truth, Spark does as well as DuckDB.
    truth = [r["person_id"] for r in runs["given"]]
    assert pairwise_scores(spark, truth).f1 >= pairwise_scores(duckdb, truth).f1 - 0.02
    assert pairwise_scores(spark, truth).f1 >= 0.9


@needs_java
def test_spark_puts_obvious_duplicates_together(runs):
    # Records with the same NIK, name and birth date are one person on any backend.
    cluster_of = dict(zip((r["record_id"] for r in runs["given"]), runs["spark"]["clusters"], strict=True))
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in runs["given"]:
        if r["nik"] and r["full_name"] and r["birth_date"]:
            groups[(r["nik"], r["full_name"].lower(), r["birth_date"])].append(r["record_id"])
    duplicates = [ids for ids in groups.values() if len(ids) > 1]
    assert duplicates
    for ids in duplicates:
        assert len({cluster_of[i] for i in ids}) == 1, ids


@needs_java
def test_every_translated_condition_resolves_in_spark(runs):
    """Each comparison level and blocking/training rule is valid Spark SQL on the prepared columns.

    Spark analyses a query when it is built: an unknown function or a type error raises here.
    """
    spark = gspark.spark_session(EngineOptions(threads=2))
    columns = [*PREPARED_COLUMNS, "rare_key", "name_key_u", "rare_key_u"]
    typed = [f"{c} {'array<string>' if c in gspark.LIST_COLUMNS else 'string'}" for c in columns]
    side = spark.createDataFrame([], ", ".join(["unique_id bigint", *typed]))
    side.createOrReplaceTempView("gugus_t")
    pairs = spark.createDataFrame(
        [], ", ".join(f"{t.split()[0]}_{s} {t.split(' ', 1)[1]}" for t in typed for s in "lr")
    )
    settings = settings_for_dialect(load_settings(), "spark")
    train = config_for_dialect(load_config(), "spark")["train"]
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"] != "ELSE":
                pairs.selectExpr(f"CASE WHEN {level['sql_condition']} THEN 1 ELSE 0 END")
    rules = settings["blocking_rules_to_generate_predictions"] + [
        rule for key in ("deterministic_rules", "fallback_rules", "em_blocking_rules") for rule in train[key]
    ]
    for rule in rules:
        spark.sql(f"SELECT count(*) FROM gugus_t l JOIN gugus_t r ON {rule}")  # noqa: S608


def test_duckdb_functions_are_translated_to_spark():
    tr = gspark.to_spark_sql
    assert tr("jaro_winkler_similarity(name_l, name_r) >= 0.94") == "JARO_WINKLER(name_l, name_r) >= 0.94"
    assert tr("len(list_intersect(name_tokens_l, name_tokens_r)) > 0") == (
        "SIZE(ARRAY_INTERSECT(name_tokens_l, name_tokens_r)) > 0"
    )
    # list_has_all(a, b): every element of b is in a.
    assert tr("list_has_all(name_tokens_l, name_tokens_r)") == "(SIZE(ARRAY_EXCEPT(name_tokens_r, name_tokens_l)) = 0)"
    assert tr("len(name_l) > 3") == "LENGTH(name_l) > 3"  # a string stays a string
    assert tr("damerau_levenshtein(nik_l, nik_r) <= 1") == (
        "(LEVENSHTEIN(nik_l, nik_r) <= 2 AND DAMERAU_LEVENSHTEIN(nik_l, nik_r) <= 1)"
    )
    assert "DATEDIFF(DAY" in tr("abs(date_diff('day', CAST(dob_l AS DATE), CAST(dob_r AS DATE))) <= 400")
    settings = settings_for_dialect(load_settings(), "spark")
    conditions = [lvl["sql_condition"] for c in settings["comparisons"] for lvl in c["comparison_levels"]]
    text = " ".join(conditions + settings["blocking_rules_to_generate_predictions"]).upper()
    for duckdb_only in ("JAROWINKLER_SIMILARITY", "LIST_HAS_ALL", "LIST_INTERSECT", "LENGTH(NAME_TOKENS"):
        assert duckdb_only not in text


def test_memory_limit_is_read_in_duckdb_syntax():
    assert gspark.spark_memory("6GB") == "6g"
    assert gspark.spark_memory("512MB") == "512m"
    assert gspark.spark_memory(None) == gspark.DEFAULT_DRIVER_MEMORY
    with pytest.raises(LinkageError, match="memory limit"):
        gspark.spark_memory("lots")


def test_missing_pyspark_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError
    with pytest.raises(LinkageError, match=r"needs pyspark .*--backend duckdb"):
        gspark.require_spark()


def test_missing_java_ends_the_command_with_a_message(tmp_path):
    path = synthetic.write_csv(tmp_path / "in.csv", 20, seed=3)
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path / "no-java-here")
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gugus",
            "link-file",
            str(path),
            "--output",
            str(tmp_path / "out.csv"),
            "--backend",
            "spark",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "needs Java 17 or later" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()
