"""Bounded load test of the public report endpoint, on loopback.

    /work/main/.venv/bin/python -m bench.portal_load                      # 20 clients x 25 reports
    /work/main/.venv/bin/python -m bench.portal_load --clients 40 --reports 25 --flood

1. Prepares a scratch installation (a temporary data folder, SQLite unless ``--database-url`` names an
   empty scratch database): migrations, the regions of Jawa Timur, task forces for the province and
   Kab. Malang.
2. Starts the product under gunicorn (``--workers``, ``--threads``) on 127.0.0.1 and a free port.
3. ``--clients`` threads each send ``--reports`` reports the way a browser does (GET the form with its
   CSRF cookie and one-time token, POST it); every ``--double-every``-th report is sent twice at the
   same moment (a double click). With ``--flood`` the flood threshold is low, so most forms carry the
   proof-of-work puzzle and the clients solve it as portal.js does.
4. Checks in the database that every accepted report is there exactly once (none lost, none
   duplicated: a double submit must return the first report's tracking code), and prints requests,
   concurrency, p50/p95 latency of the POST, errors and throughput.

The figures go into docs/benchmarks.md between the bench:portal markers; the rest of that file belongs
to other benchmarks. ``run_load`` is also used by tests/portal/test_load.py against pytest's live server.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench._docs import write_section as write_docs_section

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:portal:start -->"
END = "<!-- bench:portal:end -->"

TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BITS_RE = re.compile(r'data-pow-bits="(\d+)"')
CODE_RE = re.compile(r'data-testid="tracking-code">([^<]+)<')


def _zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(token: str, bits: int) -> str:
    n = 0
    while _zero_bits(hashlib.sha256(f"{token}:{n}".encode()).digest()) < bits:
        n += 1
    return str(n)


@dataclass
class Outcome:
    sent: int = 0  # POSTs of a report (double submits count twice)
    forms: int = 0
    accepted: dict = field(default_factory=dict)  # form token -> tracking code
    mismatched: list = field(default_factory=list)  # a double submit that got another code
    errors: list = field(default_factory=list)
    retried: int = 0  # 429 answers asking for the puzzle (the client sends the form again)
    latencies: list = field(default_factory=list)  # seconds per report POST
    lock: threading.Lock = field(default_factory=threading.Lock)


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


class Retry:
    """A 429 answer that carries the form again (a puzzle is now required): the client sends it again."""

    def __init__(self, html: str):
        self.html = html


def _post(opener, url: str, data: dict, out: Outcome) -> str | Retry | None:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    t0 = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            html = response.read().decode()
    except urllib.error.HTTPError as exc:
        page = exc.read().decode(errors="replace")
        if exc.code == 429 and TOKEN_RE.search(page):
            with out.lock:
                out.retried += 1
            return Retry(page)
        with out.lock:
            out.errors.append(f"HTTP {exc.code}")
        return None
    except OSError as exc:
        with out.lock:
            out.errors.append(type(exc).__name__)
        return None
    finally:
        with out.lock:
            out.latencies.append(time.perf_counter() - t0)
            out.sent += 1
    found = CODE_RE.search(html)
    if not found:
        with out.lock:
            out.errors.append("no tracking code in the answer")
        return None
    return found.group(1)


def _fill(html: str, data: dict) -> str:
    """Takes the form's CSRF value, one-time token and puzzle from ``html`` into ``data``."""
    token = TOKEN_RE.search(html).group(1)
    data["csrfmiddlewaretoken"] = CSRF_RE.search(html).group(1)
    data["form_token"] = token
    bits = int(BITS_RE.search(html).group(1))
    data.pop("pow", None)
    if bits:
        data["pow"] = solve(token, bits)
    return token


def _client(base: str, n_reports: int, index: int, double_every: int, out: Outcome) -> None:
    opener = _opener()
    for i in range(n_reports):
        try:
            with opener.open(base + "/portal/lapor/", timeout=60) as response:
                html = response.read().decode()
        except OSError as exc:
            with out.lock:
                out.errors.append(f"form: {type(exc).__name__}")
            continue
        with out.lock:
            out.forms += 1
        data = {
            "what": f"Load test report {index}-{i}: direkrut ke Kamboja, paspor ditahan.",
            "province": "35", "regency": "35.07" if i % 2 else "35.05",
            "anonymous": "on", "contact_way": "phone", "contact": f"0812{index:04d}{i:04d}", "website": "",
        }
        double = bool(double_every) and i % double_every == double_every - 1
        for _attempt in range(3):  # a form refused for want of a puzzle comes back with one
            token = _fill(html, data)
            if double:
                results: list = [None, None]

                def send(slot, data=data, results=results):
                    results[slot] = _post(opener, base + "/portal/lapor/", data, out)

                pair = [threading.Thread(target=send, args=(s,)) for s in (0, 1)]
                for t in pair:
                    t.start()
                for t in pair:
                    t.join()
            else:
                results = [_post(opener, base + "/portal/lapor/", data, out)]
            got = [c for c in results if isinstance(c, str)]
            if len(set(got)) > 1:
                with out.lock:
                    out.mismatched.append(tuple(got))
            if got:
                with out.lock:
                    out.accepted[token] = got[0]
                break
            retry = next((r for r in results if isinstance(r, Retry)), None)
            if retry is None:
                break
            html = retry.html


def run_load(base: str, *, clients: int, reports: int, double_every: int = 5) -> tuple[Outcome, float]:
    """``clients`` threads x ``reports`` reports against ``base``; returns the outcome and the wall time."""
    out = Outcome()
    threads = [threading.Thread(target=_client, args=(base, reports, c, double_every, out)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, time.perf_counter() - t0


def verify(out: Outcome) -> dict:
    """Every accepted tracking code is in the database exactly once, and no other report was stored (a
    double submit must not make a second row)."""
    from gugus.portal.models import Report

    codes = set(out.accepted.values())
    stored = list(Report.objects.values_list("tracking_code", flat=True))
    return {
        "accepted": len(out.accepted),
        "stored": len(stored),
        "lost": len(codes - set(stored)),
        # Rows no client was told about: duplicates of a double submit, or a report stored without answer.
        "extra rows": len(stored) - len(codes & set(stored)),
        "double-submit mismatches": len(out.mismatched),
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q * (len(values) - 1))))
    return values[k]


# --- the scratch installation and the server ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(env: dict) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gugus.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from gugus.accounts import actions as accounts
    from gugus.accounts.models import AgencyKind, Level
    from gugus.regions.actions import load_regions

    call_command("migrate", verbosity=0)
    load_regions(provinces=["35"], max_level=2)
    national = accounts.create_agency(actor=None, name="Bench Setgas Pusat", kind=AgencyKind.SECRETARIAT,
                                      level=Level.NATIONAL, region_code=None)
    jatim = accounts.create_agency(actor=None, name="Bench Setgas Jatim", kind=AgencyKind.SECRETARIAT,
                                   level=Level.PROVINCE, region_code="35")
    malang = accounts.create_agency(actor=None, name="Bench Setgas Malang", kind=AgencyKind.SECRETARIAT,
                                    level=Level.REGENCY, region_code="35.07")
    accounts.create_task_force(actor=None, name="GT Pusat", level=Level.NATIONAL, secretariat=national)
    accounts.create_task_force(actor=None, name="GT Jatim", level=Level.PROVINCE, region_code="35", secretariat=jatim)
    accounts.create_task_force(actor=None, name="GT Malang", level=Level.REGENCY, region_code="35.07",
                               secretariat=malang)


def _start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "gugus.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--threads", str(threads),
           "--log-level", "warning", "--timeout", "120"]
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=str(ROOT))
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


def _write_docs(text: str, path: Path = DOCS) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, leaving the rest as it is."""
    write_docs_section("portal", text, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (threads)")
    parser.add_argument("--reports", type=int, default=25, help="reports per client")
    parser.add_argument("--double-every", type=int, default=5, help="every n-th report is double-submitted")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--flood", action="store_true", help="low flood threshold: forms carry the puzzle")
    parser.add_argument("--pow-bits", type=int, default=12)
    parser.add_argument("--database-url", default="", help="an EMPTY scratch database (default: SQLite)")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the benchmarks page to update")
    args = parser.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="gugus-portal-bench-"))
    env = {
        "GUGUS_DATA_DIR": str(scratch),
        "GUGUS_PORTAL_REPORTS_PER_HOUR": "1000000",
        "GUGUS_PORTAL_FLOOD_PER_MINUTE": "5" if args.flood else "1000000",
        "GUGUS_PORTAL_POW_BITS": str(args.pow_bits),
        "GUGUS_PORTAL_POW_WAIT_SECONDS": "3600",
        "GUGUS_LOG_LEVEL": "WARNING",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    proc = None
    try:
        _prepare(env)
        from django.db import connection

        engine = connection.vendor
        port = _free_port()
        proc = _start_server(env, port, args.workers, args.threads)
        out, wall = run_load(f"http://127.0.0.1:{port}", clients=args.clients, reports=args.reports,
                             double_every=args.double_every)
        check = verify(out)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)

    lat = out.latencies
    figures = {
        "report POSTs": out.sent,
        "form GETs": out.forms,
        "concurrency": args.clients,
        "p50 (ms)": round(percentile(lat, 0.50) * 1000, 1),
        "p95 (ms)": round(percentile(lat, 0.95) * 1000, 1),
        "max (ms)": round(max(lat) * 1000, 1) if lat else 0,
        "errors": len(out.errors),
        "re-sent with a puzzle (429)": out.retried,
        "reports/s": round(check["stored"] / wall, 1) if wall else 0,
        "wall (s)": round(wall, 1),
    }
    ok = check["lost"] == 0 and check["extra rows"] == 0 and check["double-submit mismatches"] == 0
    for k, v in {**figures, **check}.items():
        print(f"{k:>26}: {v}")
    print("OK: no report lost, none duplicated" if ok else "FAILED: reports lost or duplicated")
    if out.errors:
        print("errors:", sorted(set(out.errors))[:10])

    if not args.no_docs:
        command = "python -m bench.portal_load " + " ".join(argv if argv is not None else sys.argv[1:])
        rows = "\n".join(f"| {k} | {v} |" for k, v in {**figures, **check}.items())
        text = "\n".join([
            START,
            "## Public report endpoint (`gugus.portal`)",
            "",
            f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} with `{command.strip()}` on "
            f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, {engine}; "
            f"gunicorn {args.workers} workers x {args.threads} threads on 127.0.0.1; "
            f"{args.clients} client threads x {args.reports} reports, every {args.double_every}th sent twice at once"
            + (f"; flood mode (proof of work, {args.pow_bits} bits, solved by the clients)" if args.flood else "")
            + ". Latency is one report POST as the client sees it (including the double submits).",
            "",
            "| figure | value |",
            "|---|---|",
            rows,
            "",
            "**Result: " + ("no report lost, none duplicated.**" if ok else "reports lost or duplicated.**"),
            END,
        ])
        _write_docs(text, args.docs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
