"""Job-post screening benchmark: throughput, memory and accuracy of ``gugus.watch``.

    python -m bench.watch --posts 1000000

1. Throughput: streams ``--posts`` generated posts (a held-out generator seed, with about 30 %
   reposts of recent posts carrying new phone numbers and small edits) through the same
   ``Screener`` that ``gugus screen-posts`` uses, in batches, one thread. Reports posts per second
   per core (process CPU time) for scoring alone and for scoring plus duplicate grouping, wall
   time, and the process's peak resident memory. Generating the posts is not counted.
2. Accuracy: precision and recall at the "high" level and ROC-AUC on labelled posts the model
   never saw (another generator seed, and only the held-out templates), for the combined score
   and, in the same run, for the rules alone and the model alone, with ratios.

The figures go into docs/benchmarks.md between the bench:watch markers; the rest of that file
belongs to other benchmarks and is left as it is. A benchmark measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from collections import OrderedDict, deque
from datetime import UTC, datetime
from pathlib import Path

from bench._docs import write_section as write_docs_section

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:watch:start -->"
END = "<!-- bench:watch:end -->"
STREAM_SEED = 4242  # differs from the training seed and the evaluation seed


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def stream(n: int, *, seed: int, repost_rate: float, truth: dict):
    """Generated posts with reposts mixed in; ``truth`` maps a repost's id to its original's id."""
    from gugus.watch import corpus

    rng = random.Random(seed + 1)
    recent: deque = deque(maxlen=2000)
    fresh = corpus.generate(n, seed=seed, id_prefix="p")
    k = 0
    while k < n:
        if recent and rng.random() < repost_rate:
            original = rng.choice(recent)
            post = corpus.repost(original, rng, f"r{k}")
            truth[post.id] = original.id
        else:
            post = next(fresh)
        recent.append(post)
        k += 1
        yield post


def throughput(n: int, *, batch_size: int, window: int, repost_rate: float, model) -> dict:
    from gugus.watch.screening import Screener

    screener = Screener(model=model, window=window)
    truth: dict[str, str] = {}
    # Group root of recent posts, to check that a repost joined its original's group (bounded).
    roots: OrderedDict[str, object] = OrderedDict()
    grouped_ok = reposts = fresh_grouped = fresh = 0
    levels = {"high": 0, "medium": 0, "low": 0}
    batch: list = []
    gen_cpu = 0.0
    t_wall = time.perf_counter()

    def flush():
        nonlocal grouped_ok, reposts, fresh_grouped, fresh
        for post, res in zip(batch, screener.screen_batch([{"id": p.id, "text": p.text} for p in batch]),
                             strict=True):
            levels[res.level] += 1
            root = res.duplicate_of if res.duplicate_of is not None else res.id
            roots[res.id] = root
            if len(roots) > 5000:
                roots.popitem(last=False)
            original = truth.pop(post.id, None)
            if original is not None:
                reposts += 1
                grouped_ok += res.duplicate_of is not None and res.duplicate_of == roots.get(original, original)
            else:
                fresh += 1
                fresh_grouped += res.duplicate_of is not None

    posts = stream(n, seed=STREAM_SEED, repost_rate=repost_rate, truth=truth)
    done = 0
    while True:
        g0 = time.process_time()
        batch = [p for _, p in zip(range(batch_size), posts, strict=False)]
        gen_cpu += time.process_time() - g0
        if not batch:
            break
        flush()
        done += len(batch)
        if done % 100_000 < batch_size:
            el = time.perf_counter() - t_wall
            print(f"  {done} posts, {el:.0f} s, peak {_peak_rss_mb():.0f} MB", file=sys.stderr, flush=True)
    wall = time.perf_counter() - t_wall
    score, group = screener.cpu["score"], screener.cpu["group"]
    return {
        "posts": done,
        "score_cpu": score,
        "group_cpu": group,
        "gen_cpu": gen_cpu,
        "wall": wall,
        "score_rate": done / score,
        "total_rate": done / (score + group),
        "wall_rate": done / (wall - gen_cpu) if wall > gen_cpu else float("nan"),
        "peak_mb": _peak_rss_mb(),
        "levels": levels,
        "reposts": reposts,
        "reposts_grouped": grouped_ok,
        "fresh": fresh,
        "fresh_grouped": fresh_grouped,
        "index_size": len(screener.grouper),
    }


def render(args, command: str, tp: dict, acc: dict, model_version: str, rules_version: str) -> str:
    import datasketch
    import sklearn

    def pct(a, b):
        return f"{100 * a / b:.1f} %" if b else "n/a"

    def ratio(a, b):
        return f"{a / b:.3f}" if b else "n/a"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        START,
        "## Job-post screening (`gugus.watch`)",
        "",
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} with `{command}`.",
        f"Machine: {_cpu_model()}, {os.cpu_count()} cores, {_mem_gib()}; Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, datasketch {datasketch.__version__}; one thread. "
        f"Load average at the end: {load} (other work shares the machine; CPU-time rates are less affected "
        "than wall time).",
        f"Rules {rules_version}, model {model_version} (trained in the run from the seed corpus).",
        "",
        f"### Throughput over {tp['posts']:,} posts",
        "",
        f"Stream: generated posts (seed {STREAM_SEED}), {args.repost_rate:.0%} of them reposts of a recent post "
        f"with new phone numbers and small edits; batches of {args.batch_size}; duplicate index window "
        f"{args.window:,} posts. Rates are posts per CPU-second of the screening process (= per core); "
        "generating the posts is excluded.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| scoring (normalise, extract, rules, model, reasons) | **{tp['score_rate']:,.0f} posts/s/core** |",
        f"| scoring + duplicate grouping + contact links | **{tp['total_rate']:,.0f} posts/s/core** |",
        f"| wall time for screening (generation excluded) | {tp['wall'] - tp['gen_cpu']:,.0f} s "
        f"({tp['wall_rate']:,.0f} posts/s) |",
        f"| peak resident memory of the whole process | **{tp['peak_mb']:,.0f} MB** |",
        f"| posts in the duplicate index at the end | {tp['index_size']:,} |",
        f"| levels | {tp['levels']['high']:,} high, {tp['levels']['medium']:,} medium, {tp['levels']['low']:,} low |",
        f"| reposts put in their original's group | {pct(tp['reposts_grouped'], tp['reposts'])} "
        f"of {tp['reposts']:,} |",
        f"| other posts grouped with an earlier post | {pct(tp['fresh_grouped'], tp['fresh'])} "
        "(the generator reuses templates, so many fresh posts are near-copies) |",
        "",
        f"### Accuracy on {acc['n']:,} held-out labelled posts ({acc['positives']:,} deceptive)",
        "",
        "Posts from templates the model never saw, generated with another seed (777). Precision and recall "
        "count a post as flagged when its score reaches the \"high\" level (0.7).",
        "",
        "| scorer | precision | recall | ROC-AUC |",
        "|---|---|---|---|",
    ]
    for name, label in (("combined", "combined (Gugus)"), ("rules", "rules alone"), ("model", "model alone")):
        m = acc[name]
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['auc']:.4f} |")
    c = acc["combined"]
    lines += ["", "Ratios, combined / reference:", "",
              "| reference | precision | recall | ROC-AUC |", "|---|---|---|---|"]
    for name in ("rules", "model"):
        m = acc[name]
        lines.append(f"| {name} alone | {ratio(c['precision'], m['precision'])} | {ratio(c['recall'], m['recall'])} "
                     f"| {ratio(c['auc'], m['auc'])} |")
    lines += ["", "Share of each category scored high:", "",
              "| category | combined | rules alone | model alone |", "|---|---|---|---|"]
    for cat in acc["combined"]["high_share_by_category"]:
        shares = [acc[n]["high_share_by_category"][cat] for n in ("combined", "rules", "model")]
        lines.append(f"| {cat} | " + " | ".join(f"{100 * s:.1f} %" for s in shares) + " |")
    lines += [
        "",
        "The labelled posts are synthetic (no public labelled set of Indonesian recruitment posts exists); "
        "the figures show that the parts work together and generalise to unseen wording, not how the "
        "engine will do on real posts. Reviewers' decisions (`gugus watch-train --reviewed`) are the way "
        "to measure and improve that.",
        END,
    ]
    return "\n".join(lines)


def write_section(text: str, path: Path = DOCS) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, leaving the rest as it is."""
    write_docs_section("watch", text, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.watch", description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000, help="posts to stream for throughput")
    parser.add_argument("--eval-posts", type=int, default=5000, help="held-out labelled posts for accuracy")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--window", type=int, default=200_000, help="duplicate index window")
    parser.add_argument("--repost-rate", type=float, default=0.3)
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = "python -m bench.watch " + " ".join(sys.argv[1:] if argv is None else argv)

    from threadpoolctl import threadpool_limits

    from gugus.watch import model as watch_model
    from gugus.watch.evaluate import evaluate
    from gugus.watch.rules import load_rules

    with threadpool_limits(1):
        t = time.perf_counter()
        trained = watch_model.train()
        print(f"model {trained.version} trained in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        acc = evaluate(trained, n=args.eval_posts, details=True)
        for name in ("combined", "rules", "model"):
            m = acc[name]
            print(f"{name:9s} precision {m['precision']:.3f} recall {m['recall']:.3f} auc {m['auc']:.4f}")
        tp = throughput(args.posts, batch_size=args.batch_size, window=args.window,
                        repost_rate=args.repost_rate, model=trained)
    print(f"scoring {tp['score_rate']:.0f} posts/s/core; with grouping {tp['total_rate']:.0f} posts/s/core; "
          f"peak {tp['peak_mb']:.0f} MB; reposts grouped {tp['reposts_grouped']}/{tp['reposts']}")
    text = render(args, command, tp, acc, trained.version, load_rules().version)
    if not args.no_write:
        write_section(text)
        print(f"wrote the bench:watch section of {DOCS}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
