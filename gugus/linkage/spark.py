"""Splink's Spark backend for `gugus.linkage.engine`: a local SparkSession and DuckDB → Spark SQL.

The model is the same one the DuckDB backend runs (``data/splink_settings.json`` and
``data/engine.toml``): its SQL is written for DuckDB and translated here, function by function,
to Spark SQL. The string similarities Spark lacks (Jaro-Winkler, Damerau-Levenshtein) come from
the Scala UDF jar that Splink ships (``scala-udf-similarity-0.2.1_spark4.x.jar``, built against
Spark 4.1.1 and Scala 2.13): it is loaded from the installed package, nothing is downloaded.

The session runs in local mode (``local[N]``) on loopback only, without the web UI, with its
shuffle files, checkpoints and intermediate tables in a temporary directory that is removed when
the process ends. Preparation stays on the driver (Python normalisers, then DuckDB for the rare
name keys); the prepared table reaches Spark as one Parquet file.
"""

from __future__ import annotations

import atexit
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gugus.linkage.engine import EngineOptions, LinkageError

if TYPE_CHECKING:
    import duckdb

#: Spark 4 needs Java 17 or later.
MIN_JAVA = 17
#: Driver heap when the run gives no memory limit.
DEFAULT_DRIVER_MEMORY = "2g"
#: Prepared columns that hold lists (DuckDB ``len()`` on them is Spark's ``size()``).
LIST_COLUMNS = frozenset({"name_tokens"})
#: About this many records per Spark partition of the big intermediate tables.
RECORDS_PER_PARTITION = 50_000

_state: dict[str, Any] = {}


# -- requirements ---------------------------------------------------------------------------------
def find_java() -> str | None:
    """The ``java`` that Spark will start: ``$JAVA_HOME/bin/java``, else the one on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def java_major_version(java: str) -> int | None:
    """17 for ``openjdk version "17.0.15"``, 8 for ``"1.8.0_392"``; None if it cannot be told."""
    try:
        out = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def require_spark() -> None:
    """Raise `LinkageError` with what to install when pyspark or Java is missing."""
    try:
        import pyspark
    except ImportError as exc:
        raise LinkageError(
            "The Spark backend needs pyspark 4.1: pip install 'gugus[spark]' (or use --backend duckdb)."
        ) from exc
    if int(pyspark.__version__.split(".", 1)[0]) < 4:
        raise LinkageError(f"The Spark backend needs pyspark 4.1; pyspark {pyspark.__version__} is installed.")
    java = find_java()
    if java is None:
        raise LinkageError(
            f"The Spark backend needs Java {MIN_JAVA} or later, and no java was found "
            "(neither $JAVA_HOME/bin/java nor java on PATH); install a JDK/JRE or use --backend duckdb."
        )
    version = java_major_version(java)
    if version is not None and version < MIN_JAVA:
        raise LinkageError(f"The Spark backend needs Java {MIN_JAVA} or later; {java} is Java {version}.")


# -- session --------------------------------------------------------------------------------------
def spark_memory(limit: str | None) -> str:
    """DuckDB-style "6GB" / "512MB" → Spark's "6g" / "512m" (default `DEFAULT_DRIVER_MEMORY`)."""
    if not limit:
        return DEFAULT_DRIVER_MEMORY
    match = re.fullmatch(r"\s*(\d+)\s*([kmgt])(?:i?b)?\s*", limit, re.IGNORECASE)
    if not match:
        raise LinkageError(f"Cannot read the memory limit {limit!r}; write it like 4GB or 512MB.")
    return f"{match.group(1)}{match.group(2).lower()}"


def _work_dir(options: EngineOptions) -> Path:
    work = Path(tempfile.mkdtemp(prefix="gugus-spark-", dir=options.temp_directory or None))
    (work / "log4j2.properties").write_text(
        # Spark's INFO/WARN chatter (hostname, native Hadoop, shuffle) is noise for a batch run.
        "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
        "appender.console.type = Console\nappender.console.name = console\n"
        "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
        "appender.console.layout.pattern = spark %p %c{1}: %m%n\n",
        encoding="utf-8",
    )
    return work


def spark_session(options: EngineOptions) -> Any:
    """The process's local SparkSession with Splink's UDF jar, started on first use.

    Later calls return the same session (the JVM's threads and memory are fixed when it starts).
    """
    session = _state.get("session")
    if session is not None and session.sparkContext._jsc is not None:
        return session
    require_spark()
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    threads = int(options.threads or os.cpu_count() or 2)
    work = _work_dir(options)
    log_config = f"-Dlog4j2.configurationFile=file:{work / 'log4j2.properties'}"
    # Loopback only: no hostname lookup, nothing listens beyond this machine.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Any Python worker Spark starts uses this interpreter (the engine itself needs none).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("gugus-linkage")
        .config("spark.driver.memory", spark_memory(options.memory_limit))
        .config("spark.driver.extraJavaOptions", log_config)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.jars", similarity_jar_location())
        .config("spark.local.dir", str(work / "local"))
        .config("spark.sql.warehouse.dir", str(work / "warehouse"))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # DuckDB semantics: a bad cast or a division by zero is NULL, size(NULL) is NULL.
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.legacy.sizeOfNull", "false")
        .config("spark.sql.shuffle.partitions", str(2 * threads))
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # pyspark raises its own runtime errors when the JVM cannot start
        shutil.rmtree(work, ignore_errors=True)
        raise LinkageError(f"Spark could not start in local mode: {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    # py4j logs each closed connection at INFO, also at interpreter exit into closed streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    if session.sparkContext.getCheckpointDir() is None:
        session.sparkContext.setCheckpointDir(str(work / "checkpoints"))
    _state.update(session=session, work=work, threads=threads)
    atexit.register(_stop, session, work)
    return session


def _stop(session: Any, work: Path) -> None:
    try:
        session.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def stop_session() -> None:
    """Stop the process's SparkSession (if one was started here) and remove its temporary files."""
    session, work = _state.pop("session", None), _state.pop("work", None)
    _state.pop("threads", None)
    if session is not None and work is not None:
        _stop(session, work)


def spark_api(options: EngineOptions) -> Any:
    """A Splink `SparkAPI` on the local session; intermediate tables are written as Parquet."""
    spark = spark_session(options)
    from splink import SparkAPI

    api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    if not spark.catalog.functionExists("jaro_winkler"):
        raise LinkageError(
            "Splink's Spark UDF jar did not load (jaro_winkler is missing); the SparkSession must be "
            "started by gugus.linkage.spark with spark.jars set to splink's similarity_jar_location()."
        )
    return api


def register_prepared(db_api: Any, con: duckdb.DuckDBPyConnection, table: str) -> Any:
    """Hand the prepared DuckDB ``table`` to Spark through one Parquet file; register it with Splink.

    The partition count of Splink's large intermediate tables is set from the number of records.
    """
    records = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])  # noqa: S608 - our own name
    name = f"{table}_{uuid.uuid4().hex[:8]}"
    path = Path(db_api.spark.sparkContext.getCheckpointDir().removeprefix("file:")) / f"{name}.parquet"
    quoted = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM {table} ORDER BY unique_id) TO '{quoted}' (FORMAT parquet)")  # noqa: S608
    # Splink divides this by up to 10 for its smaller tables; too few leaves cores idle on the
    # cross join of the u sample, too many makes small runs pay per-task overhead.
    partitions = max(4 * int(_state.get("threads", 2)), math.ceil(records / RECORDS_PER_PARTITION))
    db_api.spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    db_api.num_partitions_on_repartition = partitions
    db_api.spark.read.parquet(str(path)).createOrReplaceTempView(name)
    return db_api.register(name)


def fetch_rows(db_api: Any, sql: str) -> list[tuple[Any, ...]]:
    """Run Spark SQL and return its rows as tuples (through Arrow, not row by row over Py4J)."""
    table = db_api.spark.sql(sql).toArrow()
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


# -- SQL ------------------------------------------------------------------------------------------
def _is_list(node: Any) -> bool:
    from sqlglot import exp

    if isinstance(node, exp.Column):
        name = node.name
        if not node.table and name.endswith(("_l", "_r")):
            name = name[:-2]
        return name in LIST_COLUMNS
    return isinstance(node, exp.Array | exp.ArrayIntersect | exp.ArrayExcept | exp.ArrayConcat | exp.ArrayDistinct)


def _spark_node(node: Any) -> Any:
    """One DuckDB expression node → its Spark equivalent (children are already translated)."""
    import sqlglot
    from sqlglot import exp

    def spark(sql: str) -> Any:
        return sqlglot.parse_one(sql, read="spark")

    def args(n: Any) -> list[str]:
        return [a.sql(dialect="spark") for a in n.expressions]

    if (
        isinstance(node, exp.LTE | exp.LT)
        and isinstance(node.this, exp.Anonymous)
        and node.this.name.lower() == "damerau_levenshtein"
        and len(node.this.expressions) == 2
        and node.expression.is_int
    ):
        # Splink's UDF is slow (about 5x Spark's native Levenshtein): the native one rejects most
        # pairs first. Exact: Levenshtein <= 2 x Damerau-Levenshtein (a transposition is 2 edits).
        a, b = args(node.this)
        k = int(node.expression.name) - (1 if isinstance(node, exp.LT) else 0)
        return exp.Paren(this=spark(f"levenshtein({a}, {b}) <= {2 * max(k, 0)} AND {node.sql(dialect='spark')}"))
    if isinstance(node, exp.Length) and _is_list(node.this):
        return exp.ArraySize(this=node.this)
    if isinstance(node, exp.JarowinklerSimilarity):
        # Splink's jar: JaroWinklerSimilarity (prefix scale 0.1, up to 4 characters), as DuckDB's.
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name == "list_has_all" and len(node.expressions) == 2:
            # DuckDB list_has_all(a, b): every element of b is in a.
            a, b = args(node)
            return exp.Paren(this=spark(f"size(array_except({b}, {a})) = 0"))
        if name in ("list_intersect", "array_intersect") and len(node.expressions) == 2:
            return exp.ArrayIntersect(expressions=list(node.expressions))
        if name == "jaro_similarity":
            return exp.Anonymous(this="jaro_sim", expressions=list(node.expressions))
    return node


def to_spark_sql(sql: str) -> str:
    """Translate one DuckDB SQL condition of the settings to Spark SQL.

    sqlglot does the grammar; the functions whose names or types differ are rewritten here:
    ``len(list)`` → ``size``, ``list_has_all`` → ``array_except`` test, ``list_intersect`` →
    ``array_intersect``, ``jaro_winkler_similarity`` → Splink's ``jaro_winkler`` UDF;
    ``damerau_levenshtein`` keeps its name (Splink's UDF), behind a native ``levenshtein`` pre-test
    when compared with a constant; ``date_diff('day', a, b)`` is Spark 4's
    ``datediff(DAY, a, b)``.
    """
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    for node in reversed(list(tree.walk(bfs=False))):
        new = _spark_node(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        else:
            node.replace(new)
    return tree.sql(dialect="spark")
