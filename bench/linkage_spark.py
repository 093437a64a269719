"""Spark backend benchmark: the linkage engine on Spark local mode against DuckDB, same records.

    python -m bench.linkage_spark --records 10000 --records 100000

Generates synthetic multi-agency records (held-out seed), links them with the engine on DuckDB and
then on Spark (``local[threads]``, the same settings translated to Spark SQL), and reports wall
time per step, CPU time (the Python process, and for Spark also its JVM), the JVM's peak RSS,
pairwise F1 against the ground truth, and how far the two backends' clusterings agree. The
figures go into docs/benchmarks.md between the bench:linkage-spark markers; the rest of the file
is left as it is. A benchmark measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench._docs import markers, write_section
from gugus.linkage import spark as gspark
from gugus.linkage import synthetic
from gugus.linkage.engine import EngineOptions, LinkageEngine
from gugus.linkage.evaluation import pairwise_scores

SECTION = "linkage-spark"
#: Held out: the model was tuned on seed 1 (the same seed bench/linkage.py reports on).
HELD_OUT_SEED = 2027
STEPS = ("prepare", "block", "compare", "train", "predict", "cluster")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _jvm_pid(session: Any) -> int | None:
    proc = getattr(session.sparkContext._gateway, "proc", None)
    return getattr(proc, "pid", None)


def _jvm_cpu(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _jvm_peak_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _run(backend: str, rows: list[dict[str, str]], options: EngineOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"backend": backend, "session": 0.0}
    jvm = None
    if backend == "spark":
        start = time.perf_counter()
        session = gspark.spark_session(options)
        result["session"] = time.perf_counter() - start
        jvm = _jvm_pid(session)
    jvm_cpu0, cpu0, start = _jvm_cpu(jvm), _cpu(), time.perf_counter()
    engine = LinkageEngine(backend=backend, options=options, progress=lambda m: print(backend, m, file=sys.stderr))
    clusters = engine.link(rows)
    result.update(
        wall=time.perf_counter() - start,
        cpu=_cpu() - cpu0,
        jvm_cpu=_jvm_cpu(jvm) - jvm_cpu0,
        jvm_peak_mb=_jvm_peak_mb(jvm),
        clusters=clusters,
        stats=engine.stats,
        load=os.getloadavg()[0],
    )
    return result


def _markdown(sizes: list[tuple[list[str], list[dict[str, Any]]]], args: argparse.Namespace, command: str) -> str:
    start, end = markers(SECTION)
    lines = [
        start,
        "## Record linkage on Spark local mode (`bench/linkage_spark.py`)",
        "",
        f"- Command: `{command}`",
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, pyspark "
        f"{_pyspark_version()}, Java {gspark.java_major_version(gspark.find_java() or 'java')}; "
        f"both backends {args.threads} threads; Spark driver memory {gspark.spark_memory(args.memory_limit)}, "
        f"DuckDB memory limit {args.memory_limit}",
        f"- Data: synthetic records, generator seed {args.seed} (held out); "
        f'run {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}. The machine is shared: "load" is '
        "the 1-minute load average when the run ended.",
        "- Time is the engine's run (prepare → cluster) on records already in memory; Spark's session "
        "start (JVM, UDF jar) is shown apart. CPU: the Python process, and for Spark also its JVM.",
        "",
        "| records | backend | session start | " + " | ".join(STEPS) + " | total | CPU (py + JVM) "
        "| JVM peak RSS | candidate pairs | F1 vs truth | load |",
        "|---:|---|" + "---:|" * (len(STEPS) + 7),
    ]
    agreements = []
    for truth, runs in sizes:
        for r in runs:
            steps = " | ".join(f"{r['stats'].timings.get(s, 0):.1f} s" for s in STEPS)
            jvm = f" + {r['jvm_cpu']:.0f} s" if r["backend"] == "spark" else ""
            peak = f"{r['jvm_peak_mb'] / 1024:.2f} GiB" if r["backend"] == "spark" else "–"
            lines.append(
                f"| {len(truth):,} | {r['backend']} | {r['session']:.1f} s | {steps} | {r['wall']:.1f} s | "
                f"{r['cpu']:.0f} s{jvm} | {peak} | {r['stats'].blocked_pairs:,} | "
                f"{pairwise_scores(r['clusters'], truth).f1:.4f} | {r['load']:.1f} |"
            )
        duck, spark = runs
        agreement = pairwise_scores(spark["clusters"], duck["clusters"])
        same = sum(a == b for a, b in zip(spark["clusters"], duck["clusters"], strict=True)) / len(truth)
        agreements.append(
            f"- {len(truth):,} records: pairwise precision {agreement.precision:.4f}, recall "
            f"{agreement.recall:.4f}, F1 {agreement.f1:.4f}; {same:.2%} of records have the same cluster id on both."
        )
    lines += ["", "Agreement of the two clusterings (DuckDB's as reference):", "", *agreements, "", end]
    return "\n".join(lines)


def _pyspark_version() -> str:
    import pyspark

    return pyspark.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.linkage_spark", description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, action="append", help="data size; repeat for several (default 10000)")
    parser.add_argument("--seed", type=int, default=HELD_OUT_SEED)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit and Spark driver memory")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    gspark.require_spark()
    options = EngineOptions(threads=args.threads, memory_limit=args.memory_limit)
    sizes = []
    for n in args.records or [10_000]:
        rows = list(synthetic.generate(n, seed=args.seed))
        sizes.append(
            ([r["person_id"] for r in rows], [_run(backend, rows, options) for backend in ("duckdb", "spark")])
        )
    gspark.stop_session()
    command = "python -m bench.linkage_spark " + " ".join(argv if argv is not None else sys.argv[1:])
    text = _markdown(sizes, args, command.strip())
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
