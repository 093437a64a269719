"""Encryption of identifiers at rest, and keyed blind indexes for exact lookup.

Identifiers (NIK, passport, phone, bank account, handles) are stored as Fernet tokens (AES-128-CBC with
HMAC-SHA256, from the `cryptography` package). Equality search uses a separate HMAC-SHA256 "blind index"
of the normalised value, so the database never holds the plain value and an index leak does not reveal it
without the key. Keys come from settings (GUGUS_FIELD_KEYS, newest first; GUGUS_INDEX_KEY).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("GUGUS_FIELD_KEYS is empty: identifiers cannot be encrypted.")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.GUGUS_FIELD_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must never look like an empty value
        raise RuntimeError("An encrypted value could not be decrypted: check GUGUS_FIELD_KEYS.") from exc


def rotate(token: str) -> str:
    """Re-encrypts a token under the newest key (used by key rotation)."""
    return fernet().rotate(token.encode()).decode()


def blind_index(kind: str, normalised_value: str) -> str:
    """A keyed hash for exact lookup; ``kind`` separates e.g. NIK from phone so equal digits don't match."""
    key = settings.GUGUS_INDEX_KEY.encode()
    return hmac.new(key, f"{kind}:{normalised_value}".encode(), hashlib.sha256).hexdigest()
