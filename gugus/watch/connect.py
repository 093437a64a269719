"""Connecting stored posts: repost groups across ingest runs, contacts under the registry's blind index,
and the near-duplicate test for re-appearing removed posts.

The engine's ``DuplicateGrouper`` groups a stream held in memory. The product ingests file after file, so
each run seeds a grouper with the sketches of the most recent stored posts (``RECENT_WINDOW``) and stores
every new post's sketch; group references are content hashes, known before a post has a primary key.
"""

from __future__ import annotations

import zlib

import numpy as np
from datasketch import MinHash

from gugus.cases.identifiers import normalise_identifier
from gugus.core import crypto
from gugus.watch.dedup import DuplicateGrouper, dedup_text

RECENT_WINDOW = 50_000  # stored posts whose sketches seed the grouper of an ingest run
NUM_PERM = 128
SKETCH_DTYPE = np.uint32


def exact_key(text: str) -> int:
    """The grouper's exact-repeat key of a dedup text (same formula as ``DuplicateGrouper.add``)."""
    return zlib.crc32(text.encode()) ^ (len(text) << 32)


class StoredGrouper(DuplicateGrouper):
    """A ``DuplicateGrouper`` that can be seeded with stored sketches and hands back each new sketch."""

    def preload(self, ref: str, sketch: bytes | None, exact: int | None) -> None:
        if not sketch or exact is None:
            return
        hv = np.frombuffer(bytes(sketch), dtype=SKETCH_DTYPE)
        if hv.shape != (self.num_perm,):
            return
        m = MinHash(num_perm=self.num_perm, hashvalues=hv.copy(), seed=1, scheme="affine32")
        self._index(m, exact, ref)

    def add_stored(self, ref: str, normalized_text: str) -> tuple[str | None, bytes | None, int | None]:
        """Group one post. Returns (the group's first post's ref or None, sketch bytes, exact key)."""
        text = dedup_text(normalized_text)
        if not text:
            return None, None, None
        m = self.sketch(text)
        root = self.add(ref, normalized_text, ref=ref)
        return root, m.hashvalues.astype(SKETCH_DTYPE).tobytes() if m is not None else None, exact_key(text)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored sketches."""
    x = np.frombuffer(bytes(a), dtype=SKETCH_DTYPE)
    y = np.frombuffer(bytes(b), dtype=SKETCH_DTYPE)
    if x.shape != y.shape or not len(x):
        return 0.0
    return float(np.count_nonzero(x == y)) / len(x)


def contacts_of(entities) -> list[tuple[str, str, str, str]]:
    """(kind, normalised value, blind index, bank) for the phones and bank accounts the engine extracted.

    Values are normalised with ``cases.identifiers.normalise_identifier``, exactly as the registry does,
    so the blind indexes of a post and of a person agree.
    """
    out = []
    for phone in entities.phones:
        value = normalise_identifier("phone", phone)
        if value:
            out.append(("phone", value, crypto.blind_index("phone", value), ""))
    for account in entities.accounts:
        bank, _sep, digits = account.rpartition(":")
        value = normalise_identifier("bank_account", digits)
        if value:
            out.append(("bank_account", value, crypto.blind_index("bank_account", value), bank[:20]))
    seen, unique = set(), []
    for row in out:
        if (row[0], row[2]) not in seen:
            seen.add((row[0], row[2]))
            unique.append(row)
    return unique


def index_of(kind: str, raw: str) -> str | None:
    """The blind index of a typed-in phone or account (for search), or None."""
    value = normalise_identifier(kind, raw)
    return crypto.blind_index(kind, value) if value else None
