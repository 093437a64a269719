"""Abuse resistance without third-party services: rate limits, flood detection, proof of work, one-time
form tokens. Counters live in Django's cache (configure a shared cache, e.g. Redis, when several processes
serve the portal); addresses are kept there only as keyed hashes.

Limits come from settings (``GUGUS_PORTAL_*``) or the environment, with the defaults below.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from gugus.core.crypto import blind_index

DEFAULTS = {
    # Reports accepted from one address per hour.
    "REPORTS_PER_HOUR": 10,
    # Status look-ups and offer checks from one address per hour.
    "LOOKUPS_PER_HOUR": 30,
    "CHECKS_PER_HOUR": 60,
    # Reports from everyone in the current minute above which every new report needs proof of work.
    "FLOOD_PER_MINUTE": 30,
    # Leading zero bits of sha256(challenge:counter) the browser must find (2^16 hashes ≈ 1 s in a phone).
    "POW_BITS": 16,
    # Without JavaScript, the wait that replaces the puzzle (seconds since the form was issued).
    "POW_WAIT_SECONDS": 20,
    # How long a form (its one-time token and puzzle) stays valid.
    "FORM_MAX_AGE": 6 * 3600,
}


def limit(name: str) -> int:
    value = getattr(settings, f"GUGUS_PORTAL_{name}", None)
    if value is None:
        value = os.environ.get(f"GUGUS_PORTAL_{name}", DEFAULTS[name])
    return int(value)


def _who(ip: str | None) -> str:
    return blind_index("portal-ip", ip or "unknown")[:32]


def _bucket_key(kind: str, ip: str | None, window: int) -> str:
    return f"portal:rl:{kind}:{_who(ip)}:{int(time.time()) // window}"


def over_limit(kind: str, ip: str | None, per_hour: int) -> bool:
    """True when ``ip`` already used its ``per_hour`` allowance of ``kind`` in this clock hour."""
    return (cache.get(_bucket_key(kind, ip, 3600)) or 0) >= per_hour


def count(kind: str, ip: str | None) -> None:
    key = _bucket_key(kind, ip, 3600)
    if not cache.add(key, 1, 3700):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, 3700)


def _flood_key() -> str:
    return f"portal:flood:{int(time.time()) // 60}"


def note_report() -> None:
    """Counts one accepted report towards the global per-minute rate."""
    key = _flood_key()
    if not cache.add(key, 1, 120):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, 120)


def flooding() -> bool:
    """Under a flood (more reports this minute or last than the threshold), new reports need proof of work."""
    now = int(time.time()) // 60
    threshold = limit("FLOOD_PER_MINUTE")
    current = cache.get(f"portal:flood:{now}") or 0
    previous = cache.get(f"portal:flood:{now - 1}") or 0
    return max(current, previous) >= threshold


# --- one-time form tokens and the puzzle -------------------------------------------------------------

_SALT = "gugus.portal.form"


def issue_form(*, pow_required: bool) -> dict:
    """A signed form token: a random one-time value, when it was issued, and the puzzle if one is needed."""
    payload = {"t": secrets.token_urlsafe(24), "at": int(time.time())}
    if pow_required:
        payload["pow"] = limit("POW_BITS")
    signed = signing.dumps(payload, salt=_SALT, compress=False)
    return {"token": signed, "pow_bits": payload.get("pow", 0), "wait": limit("POW_WAIT_SECONDS")}


class BadToken(Exception):
    pass


def read_form(token: str) -> dict:
    """The payload of a token this server issued and that has not expired."""
    try:
        return signing.loads(token or "", salt=_SALT, max_age=limit("FORM_MAX_AGE"))
    except signing.BadSignature as exc:
        raise BadToken() from exc


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def pow_ok(token: str, bits: int, counter: str) -> bool:
    """Hashcash: sha256("<token>:<counter>") starts with ``bits`` zero bits."""
    if not counter or len(counter) > 20 or not counter.isdigit():
        return False
    return leading_zero_bits(hashlib.sha256(f"{token}:{counter}".encode()).digest()) >= bits


def solve_pow(token: str, bits: int) -> str:
    """The puzzle's answer (what portal.js computes; used by the load test and the tests)."""
    n = 0
    while not pow_ok(token, bits, str(n)):
        n += 1
    return str(n)


def puzzle_passed(payload: dict, token: str, counter: str) -> bool:
    """A form issued with a puzzle passes when the puzzle is solved or, without JavaScript, after the wait."""
    bits = payload.get("pow", 0)
    if not bits:
        return True
    if pow_ok(token, bits, counter):
        return True
    return time.time() - payload.get("at", 0) >= limit("POW_WAIT_SECONDS")
