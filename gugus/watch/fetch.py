"""Fetching a list of post URLs politely: robots.txt, a per-host rate limit, time-outs, retries with backoff,
and a User-Agent that says who is asking.

Only the standard library (``urllib.request``, ``urllib.robotparser``). A host whose robots.txt cannot be
read because of a server error or time-out is skipped (we do not guess permission); a missing robots.txt
(404) allows everything, 401/403 forbids everything, as ``RobotFileParser.read`` does.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit, urlunsplit

from gugus.watch.ingest import BadItem, Item, decode_html, parse_html

USER_AGENT = "GugusWatch/1.0 (Gugus Tugas PP TPPO job-post monitoring; +https://github.com/gugus-tppo/gugus)"
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(Exception):
    pass


@dataclass
class Fetcher:
    """Fetches pages one by one, never faster than ``min_interval`` seconds per host (or the host's
    robots.txt ``Crawl-delay`` when longer).

    Args:
        min_interval: seconds between two requests to the same host.
        timeout: seconds to wait for a connection or a read.
        retries: further attempts after a time-out, a connection error or HTTP 429/5xx.
        backoff: the first wait before a retry; doubled each time (``Retry-After`` is honoured up to ``max_wait``).
        max_bytes: a larger body is cut off.
    """

    min_interval: float = 2.0
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 1.0
    max_wait: float = 60.0
    max_bytes: int = 2_000_000
    user_agent: str = USER_AGENT
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _robots: dict = field(default_factory=dict)
    _last: dict = field(default_factory=dict)
    requests: int = 0

    # --- one request ------------------------------------------------------------------------------------

    def _wait_turn(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + delay - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def _open(self, url: str) -> tuple[int, bytes, Message]:
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError("not an http(s) link")
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- scheme checked above
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 -- http(s) only
                return response.status, response.read(self.max_bytes), response.headers
        except urllib.error.HTTPError as exc:
            body = exc.read(self.max_bytes) if exc.fp else b""
            return exc.code, body, exc.headers

    def get(self, url: str, *, delay: float | None = None) -> tuple[int, bytes, Message]:
        """GET with the host's rate limit and retries. Raises FetchError when every attempt failed."""
        host = _host(url)
        attempt, wait = 0, self.backoff
        while True:
            self._wait_turn(host, self.min_interval if delay is None else delay)
            try:
                status, body, headers = self._open(url)
            except (OSError, http.client.HTTPException) as exc:  # URLError, time-outs, resets are OSErrors
                reason = getattr(exc, "reason", exc)
                problem = "timed out" if isinstance(reason, TimeoutError) else f"failed ({reason})"
                if attempt >= self.retries:
                    raise FetchError(f"{problem} after {attempt + 1} attempt(s)") from None
            else:
                if status not in RETRY_STATUS or attempt >= self.retries:
                    return status, body, headers
                wait = max(wait, _retry_after(headers))
            attempt += 1
            self.sleep(min(wait, self.max_wait))
            wait *= 2

    # --- robots.txt -------------------------------------------------------------------------------------

    def robots(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        """The host's parsed robots.txt; None when it could not be read (the host is then skipped)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._robots:
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            parser = urllib.robotparser.RobotFileParser(robots_url)
            try:
                status, body, _headers = self.get(robots_url)
            except FetchError:
                parser = None
            else:
                if status in (401, 403):
                    parser.disallow_all = True
                elif 400 <= status < 500:
                    parser.allow_all = True
                elif status >= 500:
                    parser = None
                else:
                    parser.parse(body.decode("utf-8", errors="replace").splitlines())
            self._robots[key] = parser
        return self._robots[key]

    # --- a page -----------------------------------------------------------------------------------------

    def fetch_post(self, url: str) -> dict:
        """The post on one page. Raises FetchError or BadItem with a reason a person can act on."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadItem("not an http(s) link")
        robots = self.robots(url)
        if robots is None:
            raise FetchError("robots.txt could not be read; host skipped")
        if not robots.can_fetch(self.user_agent, url):
            raise FetchError("disallowed by robots.txt")
        crawl_delay = robots.crawl_delay(self.user_agent)
        delay = max(self.min_interval, float(crawl_delay or 0))
        status, body, headers = self.get(url, delay=delay)
        if status != 200:
            raise FetchError(f"HTTP {status}")
        content_type = headers.get_content_type() if headers else "text/html"
        charset = headers.get_content_charset() if headers else None
        text = decode_html(body, charset)
        if content_type == "text/plain":
            from gugus.watch.ingest import clean_post

            return clean_post({"text": text, "url": url})
        return parse_html(text, url=url)


def _host(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


def _retry_after(headers) -> float:
    value = headers.get("Retry-After") if headers else None
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def read_urls(lines: Iterable[str], fetcher: Fetcher | None = None) -> Iterator[Item]:
    """Fetch every URL of a list (one per line; blank lines and ``#`` comments ignored)."""
    fetcher = fetcher or Fetcher()
    for lineno, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"line {lineno}"
        try:
            post = fetcher.fetch_post(url)
        except (FetchError, BadItem) as exc:
            yield Item(where, error=f"{url}: {exc}")
            continue
        post["url"] = post["url"] or url
        yield Item(where, post=post)
