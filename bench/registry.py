"""Case-registry benchmark: page latency on PostgreSQL at national scale, under concurrent users.

    python -m bench.registry [--persons 1000000 --cases 300000] [--users 20 --seconds 90]

1. Data: a PostgreSQL database (``--database-url``, default ``gugus_bench`` on 127.0.0.1) migrated, with
   the regions and the demo loaded, and a synthetic national registry of ``--persons`` persons and
   ``--cases`` cases made by ``gugus demo-data --persons N --cases M`` (skipped when the database already
   holds them; the generation time is then read from the ``demo.generate`` audit event).
2. Server: gunicorn (``--workers``, default 2 × cores + 1, sync workers) serving ``gugus.wsgi`` on
   127.0.0.1 with ``GUGUS_DEMO=1`` (the demo users skip the second factor); Django's ``runserver`` if
   gunicorn is not installed.
3. Load: ``--users`` threads in this process (a separate process from the server), each signed in as the
   national-scope demo investigator ``penyidik.bareskrim`` with its own session and keep-alive
   connection, each sending requests for ``--seconds`` after ``--warmup`` seconds, with a pause of
   ``--think`` seconds on average between them (exponential; ``--think 0``: back to back, i.e. the
   saturation throughput and queueing), choosing at random among
   * ``home``: the home page, the cheapest authenticated page (the reference for the ratio);
   * ``countries``: ``/api/v1/countries/`` (249 rows of JSON, for comparison);
   * ``search``: ``/orang/?q=<a real name with a typo>`` (spelling-tolerant name search);
   * ``list``: ``/kasus/?region=35&exploitation_type=ForcedLabour&child=true`` and similar filters;
   * ``case``: ``/kasus/<id>/`` for random cases.
   Every kind runs in the same time window under the same load, so the ratio p95(kind) / p95(home)
   compares like with like. The client shares the machine's cores with the server and the database.
4. After the load, in-process, one query at a time: the name search against the trigram search it
   replaced, on the same misspelt names (time to the first page, and whether the misspelt person is on it).
5. With ``--profile``: query counts per page (Django test client) and PostgreSQL's EXPLAIN ANALYZE of
   the name search and the filtered list, printed (not written to the docs).

The figures go into docs/benchmarks.md between the bench:registry markers; the rest of that file belongs
to other benchmarks. A benchmark measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench._docs import write_section as write_docs_section
from bench._registry_load import Client, misspell

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:registry:start -->"
END = "<!-- bench:registry:end -->"
USER = "penyidik.bareskrim"
LIST_FILTERS = [
    "region=35&exploitation_type=ForcedLabour&child=true",
    "region=33&exploitation_type=SexualExploitation&child=true",
    "region=52&exploitation_type=ForcedLabour&child=false",
    "region=32&exploitation_type=ForcedLabour&child=true",
    "region=35.07&exploitation_type=SexualExploitation&child=true",
    "region=35&stage=p21",
]
KINDS = ("home", "countries", "search", "list", "case")


def _python() -> str:
    return sys.executable


def _env(args) -> dict:
    env = dict(os.environ)
    env.update({"DATABASE_URL": args.database_url, "GUGUS_DATA_DIR": str(args.data_dir), "GUGUS_DEMO": "1",
                "DJANGO_SETTINGS_MODULE": "gugus.settings", "GUGUS_LOG_LEVEL": "WARNING"})
    env.pop("GUGUS_DEBUG", None)
    return env


def _gugus(args, *command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([_python(), "-m", "gugus", *command], env=_env(args), cwd=ROOT, check=True, **kwargs)


def _django(args) -> None:
    os.environ.update(_env(args))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    """Creates the bench database if the server does not have it yet (never drops anything)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_data(args) -> dict:
    """Migrates, loads regions and the demo, generates the registry if missing; returns what is there."""
    ensure_database(args.database_url)
    _gugus(args, "migrate", "--noinput", stdout=subprocess.DEVNULL)
    _django(args)
    from gugus.audit.models import AuditEvent
    from gugus.cases.models import Case, Person
    from gugus.regions.models import Region

    if not Region.objects.filter(level=4).exists():
        _gugus(args, "load-regions")
    generated_now = None
    if Person.objects.count() < args.persons or Case.objects.count() < args.cases:
        started = time.monotonic()
        _gugus(args, "demo-data", "--persons", str(args.persons), "--cases", str(args.cases), "--seed",
               str(args.seed))
        generated_now = time.monotonic() - started
    else:
        _gugus(args, "demo-data", stdout=subprocess.DEVNULL)  # the demo logins file
    _analyse(vacuum=generated_now is not None)
    event = AuditEvent.objects.filter(action="demo.generate").order_by("-seq").first()
    return {"generated_now_s": generated_now, "generation": event.data if event else {}}


def _analyse(vacuum: bool) -> None:
    """Fresh planner statistics (and, after a bulk load, the visibility map), as autovacuum would leave them."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        if vacuum:
            for table in ("cases_person", "cases_personidentifier", "cases_case", "cases_participant",
                          "cases_traffickingevent", "cases_stageentry", "cases_personnameword",
                          "cases_namewordkey", "cases_nameword"):
                conn.execute(f"VACUUM {table}")
        conn.execute("ANALYZE")  # every table: the regions and agencies too, or the planner misjudges joins


def data_size() -> dict:
    from django.db import connection

    tables = ["cases_person", "cases_personidentifier", "cases_case", "cases_participant",
              "cases_traffickingevent", "cases_stageentry", "cases_verdict", "cases_identification"]
    out = {}
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            out[table.removeprefix("cases_")] = cur.fetchone()[0]
        names = ["cases_nameword", "cases_namewordkey", "cases_personnameword", "cases_personnamepair"]
        for table in names:
            cur.execute(f"SELECT count(*) FROM {table}")
            out[table.removeprefix("cases_")] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(sum(pg_total_relation_size(c))) FROM unnest(%s::regclass[]) c", [names])
        out["name_index_size"] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database())), version()")
        out["database_size"], version = cur.fetchone()
        out["postgres"] = version.split(" on ")[0]
    return out


def targets(args) -> dict:
    """Misspelt names of real persons, case IDs, list filters: drawn once, with the seed."""
    from django.db.models import Max, Min

    from gugus.cases.models import Case, Person

    rng = random.Random(args.seed)
    bounds = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    ids = rng.sample(range(bounds["lo"], bounds["hi"] + 1), min(args.targets, bounds["hi"] - bounds["lo"] + 1))
    people = [(misspell(rng, n), pk) for pk, n in
              Person.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "name_normalised") if len(n) >= 5]
    bounds = Case.objects.aggregate(lo=Min("id"), hi=Max("id"))
    case_ids = list(Case.objects.filter(pk__in=rng.sample(range(bounds["lo"], bounds["hi"] + 1), args.targets))
                    .values_list("pk", flat=True))
    return {"names": [name for name, _pk in people], "people": people, "case_ids": case_ids,
            "filters": LIST_FILTERS}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args) -> tuple[subprocess.Popen, str, str]:
    port = args.port or _free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(_python()).parent)) or shutil.which("gunicorn")
    if gunicorn:
        command = [gunicorn, "gugus.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
                   str(args.workers), "--worker-class", "sync", "--timeout", "120", "--log-level", "warning"]
        label = f"gunicorn {_version(gunicorn)}, {args.workers} sync workers"
    else:
        command = [_python(), "-m", "gugus", "runserver", "--noreload", f"127.0.0.1:{port}"]
        label = "Django runserver (threaded); gunicorn not installed"
    server = subprocess.Popen(command, env=_env(args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sys.stderr,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        stop_server(server)
        raise SystemExit("the server did not start")
    return server, base, label


def _version(gunicorn: str) -> str:
    try:
        return subprocess.run([gunicorn, "--version"], capture_output=True, text=True).stdout.split()[-1].strip(")")
    except (OSError, IndexError):
        return "?"


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def run_load(args, base: str, password: str, goals: dict) -> tuple[dict, dict, float]:
    clients = [Client(base) for _ in range(args.users)]
    for client in clients:
        client.login(USER, password)
    for client in clients:  # a page that needs the session must answer 200, not a redirect to the login
        status, _ = client.get("/kasus/")
        if status != 200:
            raise SystemExit(f"signed-in request answered {status}: check the demo login and GUGUS_DEMO")
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    start = time.monotonic()
    measure_from, stop_at = start + args.warmup, start + args.warmup + args.seconds

    def path_for(kind: str, rng: random.Random) -> str:
        if kind == "home":
            return "/"
        if kind == "countries":
            return "/api/v1/countries/"
        if kind == "search":
            return "/orang/?" + _query({"q": rng.choice(goals["names"])})
        if kind == "list":
            return "/kasus/?" + rng.choice(goals["filters"])
        return f"/kasus/{rng.choice(goals['case_ids'])}/"

    def worker(client: Client, number: int) -> None:
        rng = random.Random(args.seed * 1000 + number)
        while (now := time.monotonic()) < stop_at:
            if args.think:
                time.sleep(rng.expovariate(1 / args.think))
                now = time.monotonic()
            kind = rng.choice(KINDS)
            status, seconds = client.get(path_for(kind, rng))
            if now >= measure_from:
                with lock:
                    samples[kind].append(seconds)
                    if status != 200:
                        errors[kind] += 1

    threads = [threading.Thread(target=worker, args=(c, i), daemon=True) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors, args.seconds


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def summarise(samples: dict, errors: dict, seconds: float) -> dict:
    out = {}
    for kind in KINDS:
        values = sorted(samples.get(kind, []))
        if not values:
            continue
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        out[kind] = {"n": len(values), "errors": errors.get(kind, 0), "p50": cuts[49] * 1000,
                     "p95": cuts[94] * 1000, "p99": cuts[98] * 1000, "mean": statistics.fmean(values) * 1000,
                     "rps": len(values) / seconds}
    return out


def profile(args, goals: dict) -> str:
    """Query counts per page and EXPLAIN ANALYZE of the search and list queries (printed, for fixing)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from gugus.accounts.models import User
    from gugus.cases import selectors

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS.append("testserver")
    user = User.objects.get(username=USER)
    client = DjangoClient()
    client.force_login(user)
    lines = []
    paths = {"home": "/", "search": "/orang/?" + _query({"q": goals["names"][0]}),
             "list": "/kasus/?" + LIST_FILTERS[0], "case": f"/kasus/{goals['case_ids'][0]}/"}
    for kind, path in paths.items():
        with CaptureQueriesContext(connection) as ctx:
            started = time.monotonic()
            response = client.get(path)
            elapsed = (time.monotonic() - started) * 1000
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        lines.append(f"{kind}: {path} → {response.status_code}, {len(ctx.captured_queries)} queries, {elapsed:.0f} ms")
        for q in slowest:
            lines.append(f"    {float(q['time']) * 1000:.1f} ms  {q['sql'][:400]}")
    for label, qs in (
        ("search", selectors.search_persons(user, query=goals["names"][0])),
        ("list", selectors.filter_cases(user, selectors.CaseFilters(region="35", exploitation_type="ForcedLabour",
                                                                     child=True))),
    ):
        # The pages fetch one row more than they show (gugus.core.paging.page_of) and count nothing.
        with connection.cursor() as cur:
            sql, params = qs[:26].query.sql_with_params()
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join("    " + r[0] for r in cur.fetchall())
        lines.append(f"EXPLAIN ANALYZE {label} (page):\n{plan}")
    return "\n".join(lines)


def compare_search(goals: dict) -> dict:
    """The name search against the reference it replaced (trigram word similarity over the whole normalised
    name, GIN index), in-process, one query at a time, on the same misspelt names: time for the first page
    (26 rows, as the page fetches) and how often the misspelt person is on it (25 shown)."""
    from gugus.accounts.models import User
    from gugus.cases import selectors
    from gugus.linkage.prepare import normalise_name

    user = User.objects.get(username=USER)

    def trigram(name: str):
        return selectors.whole_name_search(selectors.persons_visible_to(user), normalise_name(name) or name)

    searches = {"word index": lambda name: selectors.search_persons(user, query=name), "trigram": trigram}
    out = {}
    for label, search in searches.items():
        times, found = [], 0
        for name, pk in goals["people"]:
            started = time.perf_counter()
            page = [p.pk for p in search(name)[:26]]
            times.append(time.perf_counter() - started)
            found += pk in page[:25]
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        out[label] = {"n": len(times), "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "max": max(times) * 1000,
                      "found": found}
    return out


def _machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        ram = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    return {"cores": os.cpu_count(), "cpu": model, "ram": ram}


def load_average() -> str:
    """The 1-minute load average: other work on a shared machine takes cores from the server."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def render(args, data: dict, size: dict, server: str, results: dict, command: str, compared: dict) -> str:
    machine = _machine()
    generation = data["generation"]
    gen_s = data["generated_now_s"] or generation.get("seconds")
    home = results.get("home", {}).get("p95")
    rows = []
    labels = {"home": "home page `/` (reference)", "countries": "`/api/v1/countries/` (249 rows JSON)",
              "search": "name search, misspelt (`/orang/?q=…`)", "list": "filtered case list (`/kasus/?region=…`)",
              "case": "case page (`/kasus/<id>/`)"}
    for kind in KINDS:
        r = results.get(kind)
        if not r:
            continue
        ratio = f"{r['p95'] / home:.2f}×" if home else "–"
        rows.append(f"| {labels[kind]} | {r['n']:,} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | "
                    f"{r['p99']:.0f} | {ratio} |")
    worst = max((results[k]["p95"] for k in ("search", "list", "case") if k in results), default=0)
    worst_ratio = worst / home if home else 0
    return "\n".join([
        START,
        "## Case registry: page latency at national scale (`bench/registry.py`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Command: `{command}`",
        "",
        f"- Machine: {machine['cores']} cores ({machine['cpu']}), {machine['ram']} RAM; {size['postgres']} on the "
        f"same machine; the load client runs there too (shared cores). 1-minute load average before / after "
        f"the run: {args.load_before} / {load_average()}.",
        f"- Server: {server}, `GUGUS_DEMO=1`; signed in as `{USER}` (national scope: sees every record).",
        f"- Data: {size['person']:,} persons ({size['personidentifier']:,} encrypted identifiers), "
        f"{size['case']:,} cases, {size['participant']:,} participants, {size['traffickingevent']:,} events, "
        f"{size['stageentry']:,} stage entries, {size['verdict']:,} verdicts, {size['identification']:,} "
        f"identifications; database {size['database_size']}.",
        f"- Name index (`gugus.cases.name_index`): {size['nameword']:,} words, {size['namewordkey']:,} deletion "
        f"keys, {size['personnameword']:,} person-word rows, {size['personnamepair']:,} word pairs; "
        f"{size['name_index_size']} with their indexes.",
        f"- Generation (`gugus demo-data --persons {generation.get('persons', args.persons):,} --cases "
        f"{generation.get('cases', args.cases):,}`): {gen_s / 60:.1f} min." if gen_s else "- Generation: not measured.",
        f"- Load: {args.users} concurrent users, each a signed-in session on a keep-alive connection, "
        + (f"pausing {args.think:g} s on average (exponential) between requests" if args.think
           else "sending requests back to back (saturation)")
        + f"; kinds drawn at random, all in the same window; {args.warmup} s warm-up, {args.seconds} s measured; "
        f"{sum(r['n'] for r in results.values()) / args.seconds:.0f} requests/s served.",
        "",
        "| request | n | errors | p50 ms | p95 ms | p99 ms | p95 / home p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Goal (issue 3): p95 ≤ 150 ms and ≤ 3× the cheapest authenticated page. Slowest of the three: "
        f"p95 {worst:.0f} ms, {worst_ratio:.2f}× the home page.",
        "",
        "### Name search against the trigram search it replaced (same run, same names, in-process)",
        "",
        f"Each of the {compared['word index']['n']} misspelt names above, searched once by each method after the "
        "load, one at a time, as the national investigator; time to the first page (26 rows, as the page "
        "fetches); *found*: the misspelt person is among the 25 shown. Reference: trigram word similarity of the "
        "whole normalised name at PostgreSQL's default threshold (0.6), GIN index, best first: the search "
        "before the word index, and still its fallback when no person matches word by word.",
        "",
        "| method | p50 ms | p95 ms | max ms | found | p95 / trigram p95 |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {label} | {c['p50']:.1f} | {c['p95']:.1f} | {c['max']:.0f} | {c['found']}/{c['n']} | "
          f"{c['p95'] / compared['trigram']['p95']:.2f} |" for label, c in compared.items()],
        END,
    ])


def write_section(text: str, path: Path = DOCS) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, leaving the rest as it is."""
    write_docs_section("registry", text, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get(
        "GUGUS_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gugus_bench"))
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-registry",
                        help="GUGUS_DATA_DIR of the bench (keys and demo logins; must match the database)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a user between requests, seconds (exponential; 0: back to back)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--targets", type=int, default=500, help="distinct names and cases to request")
    parser.add_argument("--profile", action="store_true", help="print query counts and EXPLAIN ANALYZE")
    parser.add_argument("--no-docs", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.registry " + " ".join(argv if argv is not None else sys.argv[1:])

    data = ensure_data(args)
    size = data_size()
    print(f"data: {size}", file=sys.stderr)
    goals = targets(args)
    if args.profile:
        print(profile(args, goals), file=sys.stderr)
    logins = tomllib.loads((args.data_dir / "demo-logins.toml").read_text())["logins"]
    args.load_before = load_average()
    server, base, label = start_server(args)
    try:
        samples, errors, seconds = run_load(args, base, logins[USER], goals)
    finally:
        stop_server(server)
    results = summarise(samples, errors, seconds)
    compared = compare_search(goals)
    for method, c in compared.items():
        print(f"{method}: {c}", file=sys.stderr)
    for kind, r in results.items():
        print(f"{kind:10} n={r['n']:6} err={r['errors']:3} p50={r['p50']:7.1f} p95={r['p95']:7.1f} "
              f"p99={r['p99']:7.1f} ms  {r['rps']:.1f}/s", file=sys.stderr)
    text = render(args, data, size, label, results, command.strip(), compared)
    if args.no_docs:
        print(text)
    else:
        write_section(text)
        print(f"wrote the bench:registry section of {DOCS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
