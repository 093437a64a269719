"""The load client of bench/registry.py: one signed-in session on one keep-alive connection (stdlib only)."""

from __future__ import annotations

import http.client
import random
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """A browser-like session: cookies, CSRF token, one persistent HTTP/1.1 connection."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.conn = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=120)

    def _headers(self) -> dict:
        headers = {"Accept-Language": "id", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method: str, path: str, body: str | None = None, extra: dict | None = None):
        headers = self._headers() | (extra or {})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = self._connect()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response, data

    def get(self, path: str) -> tuple[int, float]:
        """Status and seconds to the last byte of the body."""
        started = time.perf_counter()
        try:
            response, _data = self.request("GET", path)
        except (http.client.HTTPException, OSError):
            return 599, time.perf_counter() - started
        return response.status, time.perf_counter() - started

    def login(self, username: str, password: str) -> None:
        _response, data = self.request("GET", "/masuk/")
        match = _CSRF_INPUT.search(data.decode("utf-8", "replace"))
        token = match.group(1) if match else self.cookies.get("csrftoken", "")
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        response, _data = self.request("POST", "/masuk/", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{self.host}:{self.port}/masuk/"})
        if response.status not in (302, 303) or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed ({response.status})")


def misspell(rng: random.Random, name: str) -> str:
    """One typo in one word of at least four letters: a letter changed, dropped or swapped."""
    words = name.split()
    candidates = [i for i, w in enumerate(words) if len(w) >= 4] or [0]
    i = rng.choice(candidates)
    w = words[i]
    if len(w) < 3:
        return name
    j = rng.randrange(1, len(w) - 1)
    roll = rng.random()
    if roll < 0.4:
        w = w[:j] + rng.choice("aeiou" if w[j] in "aeiou" else "bdgkmnprst") + w[j + 1:]
    elif roll < 0.7:
        w = w[:j] + w[j + 1:]
    else:
        w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    words[i] = w
    return " ".join(words)
