"""Reading posts from what monitoring teams have: JSONL or CSV exports, saved HTML pages, fetched pages.

Each reader yields ``Item``s: a post dict (``text`` required; ``url``, ``author``, ``posted_at``,
``external_id``, ``platform`` optional) or an error, with where it came from ("line 7", "row 3",
"halaman.html"), so a bad line is reported by its number and the good ones land.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import timezone

MAX_TEXT = 20_000  # characters kept of one post
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Column names monitoring tools use for the same thing.
ALIASES = {
    "text": ("text", "content", "message", "body", "caption", "post_text", "teks", "isi"),
    "url": ("url", "link", "permalink", "post_url", "tautan"),
    "author": ("author", "handle", "username", "account", "user", "page", "akun", "penulis"),
    "posted_at": ("posted_at", "date", "created_at", "published", "timestamp", "time", "tanggal"),
    "external_id": ("id", "post_id", "external_id"),
    "platform": ("platform", "network", "site"),
}
PLATFORMS = {
    "facebook.com": "Facebook", "fb.com": "Facebook", "instagram.com": "Instagram", "tiktok.com": "TikTok",
    "x.com": "X", "twitter.com": "X", "t.me": "Telegram", "telegram.me": "Telegram", "youtube.com": "YouTube",
    "linkedin.com": "LinkedIn", "threads.net": "Threads",
}


class BadItem(ValueError):
    pass


@dataclass
class Item:
    where: str
    post: dict | None = None
    error: str | None = None


def platform_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    for domain, name in PLATFORMS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host[:40]


def parse_when(value) -> dt.datetime | None:
    """ISO 8601 dates and times (a bare date is midnight), Unix seconds; naive times are local time."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise BadItem(f"unreadable time {value!r}") from None
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}", text):
        return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadItem(f"unreadable time {text!r} (use ISO 8601, e.g. 2026-03-01T08:30:00+07:00)") from None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def clean_post(raw: dict) -> dict:
    """A checked post dict from a record with any of the known column names."""
    post = {}
    for field, names in ALIASES.items():
        for name in names:
            if name in raw and raw[name] not in (None, ""):
                post[field] = raw[name]
                break
    text = post.get("text")
    if text is None:
        raise BadItem('missing "text"')
    if not isinstance(text, str):
        raise BadItem(f'"text" must be a string, got {type(text).__name__}')
    text = text.strip()
    if not text:
        raise BadItem('"text" is empty')
    post["text"] = text[:MAX_TEXT]
    for field, limit in (("url", 1000), ("author", 200), ("external_id", 200), ("platform", 40)):
        value = post.get(field)
        if value is None:
            post[field] = ""
        elif isinstance(value, str | int) and not isinstance(value, bool):
            post[field] = str(value).strip()[:limit]
        else:
            raise BadItem(f'"{field}" must be text')
    if post["url"] and urlsplit(post["url"]).scheme not in ("http", "https"):
        raise BadItem(f'"url" must be an http(s) link: {post["url"][:80]!r}')
    post["posted_at"] = parse_when(post.get("posted_at"))
    if not post["platform"] and post["url"]:
        post["platform"] = platform_of(post["url"])
    return post


def read_jsonl(stream: Iterable[bytes]) -> Iterator[Item]:
    for lineno, raw in enumerate(stream, 1):
        where = f"line {lineno}"
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            yield Item(where, error=f"not UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Item(where, error=f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Item(where, error=f"expected a JSON object, got {type(record).__name__}")
            continue
        try:
            yield Item(where, post=clean_post(record))
        except BadItem as exc:
            yield Item(where, error=str(exc))


def read_csv(stream: io.TextIOBase) -> Iterator[Item]:
    """CSV with a header row; the column names of ``ALIASES`` in any case. Rows are numbered as in a
    spreadsheet (the header is row 1)."""
    reader = csv.DictReader(stream)
    if reader.fieldnames is None:
        return
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames]
    if not any(name in reader.fieldnames for name in ALIASES["text"]):
        yield Item("row 1", error=f"no text column (one of: {', '.join(ALIASES['text'])})")
        return
    row_no = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            row_no += 1
            yield Item(f"row {row_no}", error=f"unreadable CSV ({exc})")
            continue
        row_no = reader.line_num
        if None in record:
            yield Item(f"row {row_no}", error="more fields than the header has")
            continue
        try:
            yield Item(f"row {row_no}", post=clean_post(record))
        except BadItem as exc:
            yield Item(f"row {row_no}", error=str(exc))


class _PageText(HTMLParser):
    """The readable text of a page and its metadata (title, canonical link, author, publication time)."""

    SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "article", "section", "tr", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        elif tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)


def parse_html(html: str, *, url: str = "") -> dict:
    """A post dict from one page: the body text (else the description), the canonical or given link,
    the author and the publication time from the usual meta tags."""
    parser = _PageText()
    parser.feed(html)
    parser.close()
    meta = parser.meta
    text = parser.text() or meta.get("og:description") or meta.get("description") or parser.title.strip()
    record = {
        "text": text,
        "url": meta.get("og:url") or meta.get("canonical") or url,
        "author": meta.get("author") or meta.get("article:author") or meta.get("twitter:creator") or "",
        "posted_at": meta.get("article:published_time") or meta.get("datepublished") or "",
        "platform": meta.get("og:site_name", "")[:40],
    }
    if record["url"] and urlsplit(record["url"]).scheme not in ("http", "https"):
        record["url"] = url
    return clean_post(record)


def read_html_folder(folder: Path) -> Iterator[Item]:
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES)
    for path in files:
        where = str(path.relative_to(folder))
        try:
            raw = path.read_bytes()
        except OSError as exc:
            yield Item(where, error=f"cannot read ({exc.strerror})")
            continue
        try:
            yield Item(where, post=parse_html(decode_html(raw)))
        except BadItem as exc:
            yield Item(where, error=str(exc))


def decode_html(raw: bytes, charset: str | None = None) -> str:
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return raw.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    declared = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", raw[:2048], re.I)
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("cp1252", errors="replace")


def read_path(path: Path) -> tuple[str, Iterator[Item]]:
    """The reader for a file or folder: (kind, items). ``.csv`` is CSV, a folder holds HTML pages,
    anything else is JSONL."""
    path = Path(path)
    if path.is_dir():
        return "html", read_html_folder(path)
    if path.suffix.lower() == ".csv":
        return "csv", _csv_file(path)
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html", _one_page(path)
    return "jsonl", _jsonl_file(path)


def _csv_file(path: Path) -> Iterator[Item]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from read_csv(fh)


def _jsonl_file(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        yield from read_jsonl(fh)


def _one_page(path: Path) -> Iterator[Item]:
    try:
        yield Item(path.name, post=parse_html(decode_html(path.read_bytes())))
    except BadItem as exc:
        yield Item(path.name, error=str(exc))


def read_upload(name: str, data: bytes) -> Iterator[Item]:
    """An uploaded export (web page): CSV by its name, else JSONL; one HTML page is read as a page."""
    lower = name.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return iter([Item("row 1", error=f"not UTF-8 ({exc.reason} at byte {exc.start})")])
        return read_csv(io.StringIO(text, newline=""))
    if lower.endswith(HTML_SUFFIXES):
        try:
            return iter([Item(name, post=parse_html(decode_html(data)))])
        except BadItem as exc:
            return iter([Item(name, error=str(exc))])
    return read_jsonl(io.BytesIO(data))
