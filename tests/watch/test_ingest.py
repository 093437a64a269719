"""Ingest: idempotent storage, JSONL/CSV/HTML readers with per-line errors, the command, polite fetching."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time

import pytest
from django.core.management import call_command

from gugus.audit.models import AuditEvent
from gugus.watch import actions
from gugus.watch import model as watch_model
from gugus.watch.fetch import Fetcher, read_urls
from gugus.watch.ingest import Item, parse_html, read_csv, read_jsonl
from gugus.watch.models import JobPost, PostContact
from gugus.watch.screening import Screener

SCAM = ("Loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat! "
        "Hubungi WA 0812-3456-7890. Biaya admin Rp 500.000 transfer ke rek BCA 1234567890")
REPOST = ("UPDATE loker Kamboja customer service gaji 15jt, tiket gratis, tanpa pengalaman, berangkat cepat!! "
          "Hubungi WA 0857-1111-2222. Biaya admin Rp 500.000 transfer ke rek BCA 1234567890")
AD = "Dicari kasir minimarket di Malang, gaji UMR, datang langsung ke Jl. Soekarno Hatta 12 bawa CV."


@pytest.fixture(autouse=True)
def _small_model(monkeypatch, trained_model):
    monkeypatch.setattr(watch_model, "get_model", lambda: trained_model)


def _items(*posts):
    return [Item(f"line {n}", post={"url": "", "author": "", "external_id": "", "platform": "",
                                    "posted_at": None, **p}) for n, p in enumerate(posts, 1)]


def test_ingest_is_idempotent_and_groups_reposts(db, trained_model):
    screener = Screener(model=trained_model, group=False)
    first = actions.ingest_posts(actor=None, source="test", screener=screener, items=_items(
        {"text": SCAM, "url": "https://www.facebook.com/groups/loker/posts/1"}, {"text": AD}))
    assert (first.created, first.seen_again) == (2, 0)
    post = JobPost.objects.get(url__endswith="/posts/1")
    assert post.level == "high" and post.platform == "" and post.is_group_root
    assert {c.kind for c in post.contacts.all()} == {"phone", "bank_account"}
    seen = post.seen_at

    again = actions.ingest_posts(actor=None, source="test", screener=screener, items=_items(
        {"text": SCAM + "  ", "url": "https://www.facebook.com/groups/loker/posts/1"},
        {"text": REPOST, "url": "https://www.facebook.com/groups/loker/posts/2"}))
    assert (again.created, again.seen_again, again.reposts) == (1, 1, 1)
    assert JobPost.objects.count() == 3
    post.refresh_from_db()
    assert post.seen_at > seen and post.times_seen == 2
    repost = JobPost.objects.get(url__endswith="/posts/2")
    assert repost.group_key == post.content_hash  # grouped across ingest runs
    # The shared bank account links the two posts without storing the number in clear.
    shared = PostContact.objects.filter(kind="bank_account").values_list("index", flat=True)
    assert len(set(shared)) == 1 and "1234567890" not in set(shared)
    assert AuditEvent.objects.filter(action="watch.ingest").count() == 2


def test_jsonl_and_csv_readers_report_bad_lines_by_number():
    raw = (b'{"text": "a"}\nnot json\n\n{"id": 3}\n[1]\n{"text": "b", "url": "ftp://x"}\n'
           b'{"text": "c", "posted_at": "kemarin"}\n')
    items = list(read_jsonl(io.BytesIO(raw)))
    assert [(i.where, bool(i.post)) for i in items] == [
        ("line 1", True), ("line 2", False), ("line 4", False), ("line 5", False), ("line 6", False),
        ("line 7", False)]
    assert "invalid JSON" in items[1].error and 'missing "text"' in items[2].error
    csv_text = "Message,Link,Date,Handle\nhalo,https://t.me/loker/5,2026-03-01,@agen\n,https://x.com/a,,\n"
    rows = list(read_csv(io.StringIO(csv_text)))
    assert rows[0].post["platform"] == "Telegram" and rows[0].post["author"] == "@agen"
    assert rows[0].post["posted_at"].year == 2026
    assert rows[1].where == "row 3" and "text" in rows[1].error


def test_html_page_text_and_metadata():
    page = """<html><head><title>Loker</title><meta property="og:url" content="https://www.tiktok.com/@agen/video/9">
    <meta name="author" content="agen.kerja">
    <meta property="article:published_time" content="2026-02-01T10:00:00+07:00">
    <script>var x = "gaji 99jt";</script><style>p{}</style></head>
    <body><nav>Menu</nav><p>Dicari admin online &amp; CS</p><div>Kamboja, gaji 15jt</div></body></html>"""
    post = parse_html(page)
    assert post["text"] == "Dicari admin online & CS\nKamboja, gaji 15jt"
    assert post["url"] == "https://www.tiktok.com/@agen/video/9" and post["platform"] == "TikTok"
    assert post["author"] == "agen.kerja" and post["posted_at"].day == 1


def test_command_ingests_files_and_folders(db, tmp_path, capsys):
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(json.dumps({"id": "a1", "text": SCAM, "url": "https://x.com/a/status/1"}) + "\n"
                     + "{broken\n" + json.dumps({"text": AD}) + "\n", encoding="utf-8")
    call_command("watch-ingest", str(jsonl))
    out = capsys.readouterr()
    assert "line 2: invalid JSON" in out.err and "2 new posts" in out.out
    call_command("watch-ingest", str(jsonl))
    assert "0 new posts" in capsys.readouterr().out and JobPost.objects.count() == 2

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(f"<html><body><p>{REPOST}</p></body></html>", encoding="utf-8")
    (folder / "empty.html").write_text("<html><body><script>x</script></body></html>", encoding="utf-8")
    call_command("watch-ingest", str(folder), "--source", "simpanan")
    out = capsys.readouterr()
    assert "empty.html: " in out.err and "1 new posts" in out.out
    assert JobPost.objects.get(source="simpanan").group_key == JobPost.objects.get(external_id="a1").content_hash


# --- polite fetching against a local server (127.0.0.1 only) -------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    hits: dict = {}
    agents: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 -- http.server's name
        counts = type(self).hits
        counts[self.path] = counts.get(self.path, 0) + 1
        type(self).agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/robots.txt":
            return self._send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path == "/slow":
            time.sleep(0.5)
            return self._send(200, "<p>late</p>")
        if self.path == "/flaky" and counts[self.path] < 3:
            return self._send(503, "busy")
        if self.path in ("/flaky", "/ok", "/private/secret"):
            return self._send(200, f"<html><body><p>{SCAM}</p></body></html>")
        return self._send(404, "no")

    def _send(self, status, body, content_type="text/html; charset=utf-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server():
    _Handler.hits, _Handler.agents = {}, []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetching_respects_robots_retries_and_times_out(server):
    waits = []
    fetcher = Fetcher(min_interval=0.01, timeout=0.2, retries=2, backoff=0.01, sleep=lambda s: waits.append(s)
                      or time.sleep(s))
    items = list(read_urls([f"{server}/ok", f"{server}/private/secret", "", f"{server}/flaky", f"{server}/slow",
                            "# comment", "file:///etc/passwd"], fetcher))
    by_line = {i.where: i for i in items}
    assert by_line["line 1"].post["url"] == f"{server}/ok" and "Kamboja" in by_line["line 1"].post["text"]
    assert "disallowed by robots.txt" in by_line["line 2"].error
    assert "/private/secret" not in _Handler.hits  # never requested
    assert by_line["line 4"].post is not None and _Handler.hits["/flaky"] == 3  # two 503s, then success
    assert "timed out after 3 attempt(s)" in by_line["line 5"].error
    assert "not an http(s) link" in by_line["line 7"].error
    assert _Handler.hits["/robots.txt"] == 1  # read once per host
    assert all(a.startswith("GugusWatch/") for a in _Handler.agents)
    assert any(w >= 0.01 for w in waits)  # backoff before retries


def test_rate_limit_spaces_requests_to_one_host(server):
    fetcher = Fetcher(min_interval=0.15, timeout=2, retries=0)
    started = time.monotonic()
    items = list(read_urls([f"{server}/ok", f"{server}/ok"], fetcher))
    assert all(i.post for i in items)
    # robots.txt + two pages, each at least 0.15 s after the previous request to the host
    assert time.monotonic() - started >= 0.3


def test_command_fetches_a_url_list(db, server, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{server}/ok\n{server}/private/secret\n{server}/missing\n", encoding="utf-8")
    call_command("watch-ingest", "--urls", str(urls), "--interval", "0.01", "--timeout", "2", "--retries", "0")
    out = capsys.readouterr()
    assert "line 2: " in out.err and "disallowed by robots.txt" in out.err
    assert "line 3: " in out.err and "HTTP 404" in out.err
    assert "1 new posts" in out.out and JobPost.objects.get().source == "url"
