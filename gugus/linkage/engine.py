"""The linkage engine: a small facade over Splink with named pipeline steps.

    prepare → block → compare → train → predict → cluster

The model (comparisons, blocking rules) is data in ``data/splink_settings.json`` (Splink's own
settings format); how it is trained and applied is data in ``data/engine.toml``. The backend is
chosen by name: DuckDB (embedded, the default) or Spark in local mode (`gugus.linkage.spark`), which
runs the same settings, their SQL translated from DuckDB's dialect by `settings_for_dialect`.

Example:
    >>> engine = LinkageEngine()
    >>> clusters = engine.link(rows)          # rows: dicts with the file-mode columns
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from gugus.linkage.prepare import DATA_DIR, PREPARED_COLUMNS, prepare_record

SETTINGS_PATH = DATA_DIR / "splink_settings.json"
CONFIG_PATH = DATA_DIR / "engine.toml"

Progress = Callable[[str], None]


class LinkageError(Exception):
    """A linkage run cannot go on; the message says what to change."""


@dataclass
class EngineOptions:
    """How the backend runs: threads, memory cap (DuckDB syntax, e.g. "6GB"), spill directory."""

    threads: int | None = None
    memory_limit: str | None = None
    temp_directory: str | None = None


def _duckdb_api(options: EngineOptions) -> Any:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    if options.threads:
        con.execute(f"SET threads = {int(options.threads)}")
    if options.memory_limit:
        con.execute("SET memory_limit = ?", [options.memory_limit])
    if options.temp_directory:
        con.execute("SET temp_directory = ?", [options.temp_directory])
    con.execute("SET preserve_insertion_order = false")
    if not sys.stderr.isatty():
        # DuckDB's bar is useful progress on a terminal, noise in logs and tests.
        con.execute("SET enable_progress_bar = false")
    return DuckDBAPI(connection=con)


def _spark_api(options: EngineOptions) -> Any:
    # Splink's SparkAPI on a local SparkSession (gugus.linkage.spark); LinkageError without pyspark or Java.
    from gugus.linkage.spark import spark_api

    return spark_api(options)


#: Backend name → factory of a Splink database API. The settings' SQL is written for DuckDB.
BACKENDS: dict[str, tuple[str, Callable[[EngineOptions], Any]]] = {
    "duckdb": ("duckdb", _duckdb_api),
    "spark": ("spark", _spark_api),
}


def load_settings(path: Path = SETTINGS_PATH) -> dict[str, Any]:
    """The Splink settings dictionary (comparisons, blocking rules) from JSON."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_config(path: Path = CONFIG_PATH) -> dict[str, Any]:
    """Training and threshold configuration from TOML."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def settings_for_dialect(settings: Mapping[str, Any], dialect: str) -> dict[str, Any]:
    """Translate the settings' SQL (written for DuckDB) to another Splink dialect with sqlglot.

    Returns a deep copy; DuckDB settings are returned unchanged.
    """
    out = copy.deepcopy(dict(settings))
    if dialect == "duckdb":
        return out
    tr = _sql_translator(dialect)

    out["blocking_rules_to_generate_predictions"] = [
        tr(r) for r in out.get("blocking_rules_to_generate_predictions", [])
    ]
    for comparison in out.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = tr(level["sql_condition"])
    return out


def config_for_dialect(config: Mapping[str, Any], dialect: str) -> dict[str, Any]:
    """Translate the training rules of ``engine.toml`` (DuckDB SQL) like `settings_for_dialect`."""
    out = copy.deepcopy(dict(config))
    if dialect == "duckdb":
        return out
    tr = _sql_translator(dialect)
    train = out.setdefault("train", {})
    for key in ("deterministic_rules", "fallback_rules", "em_blocking_rules"):
        if key in train:
            train[key] = [tr(rule) for rule in train[key]]
    if dialect == "spark":
        # The same u estimate over the same sample size, in one pass: Splink's default 10 chunks (and
        # a probe) per comparison cost a Spark job each, most of a small run's time.
        train.setdefault("u_num_chunks", 1)
    return out


def _sql_translator(dialect: str) -> Callable[[str], str]:
    """DuckDB SQL → ``dialect``: sqlglot, plus the function mapping of `gugus.linkage.spark` for Spark."""
    import sqlglot

    def tr(sql: str) -> str:
        if sql.strip().upper() == "ELSE":
            return sql
        if dialect == "spark":
            from gugus.linkage.spark import to_spark_sql

            return to_spark_sql(sql)
        return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]

    return tr


@dataclass
class LinkStats:
    """What a run did, for progress messages and the benchmark."""

    records: int = 0
    blocked_pairs: int = 0
    scored_pairs: int = 0
    clusters: int = 0
    timings: dict[str, float] = field(default_factory=dict)


class LinkageEngine:
    """Deduplicate person records across agencies with a Splink model.

    Args:
        backend: a key of `BACKENDS` ("duckdb", "spark").
        settings: a Splink settings dict; defaults to ``data/splink_settings.json``.
        config: training/threshold configuration; defaults to ``data/engine.toml``.
        options: backend resources (threads, memory limit).
        progress: called with one-line messages as the steps advance (e.g. print to stderr).
    """

    def __init__(
        self,
        *,
        backend: str = "duckdb",
        settings: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        options: EngineOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise LinkageError(f"Unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
        dialect, factory = BACKENDS[backend]
        self.backend = backend
        self.options = options or EngineOptions()
        self.settings = settings_for_dialect(settings or load_settings(), dialect)
        self.config = config_for_dialect(config or load_config(), dialect)
        self._progress = progress or (lambda message: None)
        self._factory = factory
        self.db_api: Any = None
        self.linker: Any = None
        self._table: Any = None
        self._predictions: Any = None
        self.stats = LinkStats()
        # Splink warns about untrained levels on small inputs; progress says what matters.
        logging.getLogger("splink").setLevel(logging.ERROR)

    # -- steps -----------------------------------------------------------------------------------
    def prepare(self, rows: Iterable[Mapping[str, Any]], *, total: int | None = None) -> int:
        """Normalise records (see `gugus.linkage.prepare`) and load them into the backend.

        Record order is kept: ``unique_id`` is the 0-based position of the input row.

        Returns:
            The number of records.
        """
        columns: dict[str, list[Any]] = {c: [] for c in PREPARED_COLUMNS}
        count = 0
        step = 100_000
        for count, row in enumerate(rows, start=1):
            prepared = prepare_record(row)
            for c in PREPARED_COLUMNS:
                columns[c].append(prepared[c])
            if count % step == 0:
                self._progress(f"prepare: {count:,}" + (f" of {total:,}" if total else "") + " records")
        if count == 0:
            raise LinkageError("No records to link.")
        table = pa.table(
            {
                "unique_id": pa.array(range(count), pa.int64()),
                **{
                    c: pa.array(columns[c], pa.list_(pa.string()) if c == "name_tokens" else pa.string())
                    for c in PREPARED_COLUMNS
                },
            }
        )
        self.db_api = self._factory(self.options)
        self._table = self._with_rare_key(table)
        self.stats.records = count
        self._progress(f"prepare: {count:,} records ready")
        return count

    def _with_rare_key(self, table: pa.Table) -> Any:
        # The rarest name token of each record: blocks on it survive a dropped or added common
        # token (Siti, Muhammad, a Balinese birth-order name) and any change in the other tokens.
        # The *_u columns keep a key only where few records share it, so a block on the key alone
        # stays small even when thousands of records are called "Siti Aminah".
        # The keys are computed in DuckDB for every backend (locally, for Spark) and handed over.
        con = self.db_api.duckdb_con if self.backend == "duckdb" else _duckdb_api(self.options).duckdb_con
        con.register("gugus_prepared_arrow", table)
        con.execute(
            """
            CREATE TABLE gugus_prepared AS
            WITH tokens AS (
                SELECT unique_id, unnest(name_tokens) AS token FROM gugus_prepared_arrow
            ), freq AS (
                SELECT token, count(*) AS n FROM tokens GROUP BY token
            ), rare AS (
                SELECT t.unique_id, arg_min(t.token, f.n * 1000 - length(t.token)) AS rare_key
                FROM tokens t JOIN freq f USING (token) GROUP BY t.unique_id
            ), joined AS (
                SELECT p.*, rare.rare_key FROM gugus_prepared_arrow p LEFT JOIN rare USING (unique_id)
            )
            SELECT *,
                CASE WHEN count(*) OVER (PARTITION BY name_key) <= $cap THEN name_key END AS name_key_u,
                CASE WHEN count(*) OVER (PARTITION BY rare_key) <= $cap THEN rare_key END AS rare_key_u
            FROM joined
            """,
            {"cap": int(self.config["block"]["max_group"])},
        )
        con.unregister("gugus_prepared_arrow")
        if self.backend == "spark":
            from gugus.linkage.spark import register_prepared

            return register_prepared(self.db_api, con, "gugus_prepared")
        return self.db_api.register("gugus_prepared")

    def block(self) -> int:
        """Build the Splink linker and materialise the candidate pairs of the blocking rules.

        Returns:
            The number of candidate pairs.
        """
        from splink import Linker

        self._require(self._table, "prepare")
        self.linker = Linker(self._table, copy.deepcopy(self.settings), log_level=None)
        pairs = self.linker.inference.compute_blocked_pairs_for_predict()
        # Table names below are Splink's own, never user input.
        self.stats.blocked_pairs = int(self._rows(f"SELECT count(*) FROM {pairs.physical_name}")[0][0])  # noqa: S608
        self._progress(f"block: {self.stats.blocked_pairs:,} candidate pairs")
        return self.stats.blocked_pairs

    def compare(self) -> None:
        """Compute the term-frequency tables the comparisons use (common names weigh less)."""
        self._require(self.linker, "block")
        for column in sorted(self._tf_columns()):
            self.linker.table_management.compute_tf_table(column)
        self._progress("compare: term frequencies ready for " + ", ".join(sorted(self._tf_columns())))

    def train(self) -> None:
        """Estimate the model: the prior from deterministic rules, u by random sampling, m by EM."""
        self._require(self.linker, "block")
        from splink.internals.exceptions import EMTrainingException, SplinkException

        cfg = self.config["train"]
        training = self.linker.training
        default_prior = float(self.settings["probability_two_random_records_match"])
        for rules_key, recall_key in (
            ("deterministic_rules", "deterministic_recall"),
            ("fallback_rules", "fallback_recall"),
        ):
            # A rule set that finds no pair leaves the prior at 0 or raises: try the next one.
            with contextlib.suppress(SplinkException, ZeroDivisionError, ValueError):
                training.estimate_probability_two_random_records_match(
                    list(cfg[rules_key]), recall=float(cfg[recall_key])
                )
            if 0 < self._prior() < 1:
                break
        else:
            # No pair passes any strict rule (tiny file, no shared NIK or name + birth date).
            self.linker._settings_obj._probability_two_random_records_match = default_prior
        self._progress(f"train: prior match probability {self._prior():.3g}")
        training.estimate_u_using_random_sampling(
            max_pairs=float(cfg["u_max_pairs"]), seed=int(cfg["u_seed"]), num_chunks=int(cfg.get("u_num_chunks", 10))
        )
        self._progress("train: u probabilities estimated")
        # Sampling EM pairs only pays off on large inputs; on small ones it can sample nothing.
        em_max_pairs = float(cfg["em_max_pairs"]) if self.stats.records > int(cfg["em_sample_above"]) else None
        trained = skipped = 0
        prior = self._prior()
        rules = list(cfg["em_blocking_rules"])
        for rule in rules:
            try:
                training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_max_pairs)
            except EMTrainingException:
                self._progress(f"train: EM on {rule} skipped: no record pairs")
                skipped += 1
                if skipped == 1:
                    # A file without NIKs or phones: the sessions that train the name and birth
                    # date comparisons found nothing, so these train them instead.
                    rules += list(cfg.get("em_fallback_rules", []))
                continue
            finally:
                # A session that finds no pairs leaves Splink's prior changed (FEBRL, no NIKs: 8.7e-5
                # became 0.08, then 0.99 after a second such session). The prior is the deterministic
                # rules' estimate; EM only estimates m.
                self.linker._settings_obj._probability_two_random_records_match = prior
            trained += 1
            self._progress(f"train: EM on {rule}")
        if not trained:
            raise LinkageError(
                "No EM training rule found record pairs: the file needs NIKs, or names with birth "
                "dates, that some records share."
            )

    def predict(self, min_match_probability: float | None = None) -> Any:
        """Score the candidate pairs; keep those at or above ``min_match_probability``."""
        self._require(self.linker, "block")
        threshold = (
            min_match_probability
            if min_match_probability is not None
            else float(self.config["predict"]["min_match_probability"])
        )
        self._predictions = self.linker.inference.predict(threshold_match_probability=threshold)
        self.stats.scored_pairs = int(
            self._rows(f"SELECT count(*) FROM {self._predictions.physical_name}")[0][0]  # noqa: S608
        )
        self._progress(f"predict: {self.stats.scored_pairs:,} pairs at or above {threshold}")
        return self._predictions

    def cluster(self, threshold: float | None = None) -> list[int]:
        """Group records whose pairs reach ``threshold``, guarded against chains.

        Pairs at or above ``strong_threshold`` (engine.toml) join records freely (Splink's connected
        components). A pair between ``threshold`` and ``strong_threshold`` joins two groups only when
        the smaller one has at most ``weak_join_max_size`` records, so one uncertain pair attaches a
        record to a person but cannot merge two persons' clusters (see `_attach_weak_pairs`).

        Returns:
            For each input record, in input order, the ``unique_id`` (input position) of the first
            record of its cluster.
        """
        self._require(self._predictions, "predict")
        threshold = threshold if threshold is not None else float(self.config["cluster"]["threshold"])
        strong = max(threshold, float(self.config["cluster"].get("strong_threshold", threshold)))
        clusters = self.linker.clustering.cluster_pairwise_predictions_at_threshold(
            self._predictions, threshold_match_probability=strong
        )
        # Splink's own table name, never user input.
        select = "SELECT unique_id, min(unique_id) OVER (PARTITION BY cluster_id) AS representative"
        sql = f"{select} FROM {clusters.physical_name}"  # noqa: S608
        rows = self._rows(sql)
        out = list(range(self.stats.records))
        for unique_id, representative in rows:
            out[unique_id] = representative
        if strong > threshold:
            out = self._attach_weak_pairs(out, threshold, strong)
        self.stats.clusters = len(set(out))
        self._progress(f"cluster: {self.stats.clusters:,} persons at threshold {threshold}")
        return out

    # -- whole run -------------------------------------------------------------------------------
    def link(
        self,
        rows: Iterable[Mapping[str, Any]],
        *,
        threshold: float | None = None,
        total: int | None = None,
    ) -> list[int]:
        """Run every step; see `cluster` for the result."""
        import time

        steps: list[tuple[str, Callable[[], Any]]] = [
            ("prepare", lambda: self.prepare(rows, total=total)),
            ("block", self.block),
            ("compare", self.compare),
            ("train", self.train),
            ("predict", lambda: self.predict(min(threshold, 0.5) if threshold is not None else None)),
        ]
        for name, step in steps:
            start = time.perf_counter()
            step()
            self.stats.timings[name] = time.perf_counter() - start
        start = time.perf_counter()
        result = self.cluster(threshold)
        self.stats.timings["cluster"] = time.perf_counter() - start
        return result

    def save_model(self, path: str | os.PathLike[str]) -> None:
        """Write the trained model (settings with m/u values) as Splink JSON."""
        self._require(self.linker, "train")
        self.linker.misc.save_model_to_json(str(path), overwrite=True)

    # -- helpers ---------------------------------------------------------------------------------
    def _tf_columns(self) -> set[str]:
        return {
            level["tf_adjustment_column"]
            for comparison in self.settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query on the backend's own tables."""
        if self.backend == "spark":
            from gugus.linkage.spark import fetch_rows

            return fetch_rows(self.db_api, sql)
        return self.db_api.duckdb_con.execute(sql).fetchall()

    def _prior(self) -> float:
        return float(self.linker._settings_obj._probability_two_random_records_match)

    @staticmethod
    def _require(value: Any, step: str) -> None:
        if value is None:
            raise LinkageError(f"Run the {step!r} step first.")

    def _attach_weak_pairs(self, groups: list[int], threshold: float, strong: float) -> list[int]:
        """Add the pairs in [``threshold``, ``strong``) to ``groups``, best first (`attach_weak_pairs`)."""
        from gugus.linkage.clustering import attach_weak_pairs

        # Splink's own table name; the thresholds are floats.
        sql = (
            f"SELECT unique_id_l, unique_id_r FROM {self._predictions.physical_name} "  # noqa: S608
            f"WHERE match_probability >= {float(threshold)!r} AND match_probability < {float(strong)!r} "
            "ORDER BY match_probability DESC, unique_id_l, unique_id_r"
        )
        pairs = self.linker.misc.query_sql(sql, output_type="pandas")
        return attach_weak_pairs(
            groups,
            zip(pairs["unique_id_l"].tolist(), pairs["unique_id_r"].tolist(), strict=True),
            int(self.config["cluster"].get("weak_join_max_size", 1)),
        )
