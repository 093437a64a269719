"""Step 4: group reposts of the same offer, and link posts that share a contact.

Reposts are found with MinHash sketches of word 3-shingles and a MinHash LSH index (datasketch).
The text shingled is the normalised text without phones, links and punctuation, so a repost with a new
phone number, another emoji or a word changed lands in the same group. Each group is represented
by its first post. Posts are indexed even when they join a group (a repost may resemble the
previous repost more than the first post), except near-copies; the index keeps at most ``window``
posts (oldest dropped first) so memory stays bounded on an endless stream.

Posts sharing a phone number or bank account are linked to the first post that used it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Hashable

import numpy as np
from datasketch import MinHash, MinHashLSH

_DROP_RE = re.compile(r"__\w+__(?: \S+\.\w+)?|[^\w\s]")
_SPACE_RE = re.compile(r"\s+")


def dedup_text(normalized_text: str) -> str:
    """The part of a post that identifies the offer: words and amounts, no contacts, links or punctuation."""
    return _SPACE_RE.sub(" ", _DROP_RE.sub(" ", normalized_text)).strip()


def shingles(text: str, k: int = 3) -> list[bytes]:
    words = text.split()
    if len(words) <= k:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]


def _crc32(b: bytes) -> int:
    return zlib.crc32(b)


class DuplicateGrouper:
    """Streaming near-duplicate grouping.

    Args:
        threshold: Jaccard similarity of shingle sets above which two posts are the same offer.
        num_perm: MinHash permutations (more = more exact, slower).
        window: at most this many posts are kept in the index (oldest dropped first).
        near_copy: a post at least this similar to an indexed one is grouped but not indexed
            itself: it adds nothing to find, and a wave of identical reposts would otherwise fill
            the LSH buckets and slow every query.

    Example:
        >>> g = DuplicateGrouper()
        >>> g.add("a", "dicari admin online kamboja gaji 15000000 idr tiket gratis hubungi __phone__")
        >>> g.add("b", "dicari admin online kamboja gaji 15000000 idr tiket gratis hubungi __phone__ !!")
        'a'
    """

    def __init__(
        self, *, threshold: float = 0.6, num_perm: int = 128, window: int = 500_000, shingle: int = 3,
        near_copy: float = 0.85,
    ):
        self.threshold = threshold
        self.num_perm = num_perm
        self.window = window
        self.shingle = shingle
        self.near_copy = near_copy
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._perms = MinHash(num_perm=num_perm, seed=1).permutations
        # The index is a ring of `window` slots; the LSH keys are slot numbers. np.empty maps pages
        # lazily, so memory grows with use, not with the window.
        self._sketches = np.empty((window, num_perm), dtype=np.uint32)
        self._slot_ref: list[object] = []  # slot -> ref of the group's first post
        self._slot_exact: list[int] = []  # slot -> exact-text hash
        self._next = 0  # posts indexed so far; the next slot is _next % window
        self._exact: dict[int, int] = {}  # exact-text hash -> slot

    def sketch(self, text: str) -> MinHash | None:
        sh = shingles(text, self.shingle)
        if not sh:
            return None
        m = MinHash(num_perm=self.num_perm, hashfunc=_crc32, permutations=self._perms, scheme="affine32")
        m.update_batch(sh)
        return m

    def add(self, key: Hashable, normalized_text: str, *, ref: object = None) -> object:
        """Register a post; return the ``ref`` (default: ``key``) of its group's first post, or None
        if this post starts a group."""
        ref = key if ref is None else ref
        text = dedup_text(normalized_text)
        if not text:
            return None
        exact = zlib.crc32(text.encode()) ^ (len(text) << 32)
        slot = self._exact.get(exact)
        if slot is not None and self._slot_exact[slot] == exact:
            return self._slot_ref[slot]
        m = self.sketch(text)
        hv = m.hashvalues
        root, best_j = None, 0.0
        cands = self._lsh.query(m)
        if cands:
            idx = np.fromiter(cands, dtype=np.int64, count=len(cands))
            sims = np.count_nonzero(self._sketches[idx] == hv, axis=1)
            best = int(np.argmax(sims))
            best_j = sims[best] / self.num_perm
            if best_j >= self.threshold:
                root = self._slot_ref[idx[best]]
        if root is not None and best_j >= self.near_copy:
            return root
        self._index(m, exact, ref if root is None else root)
        return root

    def _index(self, m: MinHash, exact: int, root_ref: object) -> None:
        slot = self._next % self.window
        if self._next >= self.window:  # the ring is full: drop the oldest post from the index
            self._lsh.remove(slot)
            old_exact = self._slot_exact[slot]
            if self._exact.get(old_exact) == slot:
                del self._exact[old_exact]
            self._slot_ref[slot] = root_ref
            self._slot_exact[slot] = exact
        else:
            self._slot_ref.append(root_ref)
            self._slot_exact.append(exact)
        self._sketches[slot] = m.hashvalues
        self._lsh.insert(slot, m, check_duplication=False)
        self._exact[exact] = slot
        self._next += 1

    def __len__(self) -> int:
        return min(self._next, self.window)


class ContactLinker:
    """Links each post to the earlier posts that used the same phone number or bank account."""

    def __init__(self, *, max_contacts: int = 5_000_000):
        self._first: dict[str, Hashable] = {}
        self.max_contacts = max_contacts

    def add(self, key: Hashable, contacts: list[str]) -> list[Hashable]:
        linked = []
        for c in contacts:
            first = self._first.get(c)
            if first is None:
                if len(self._first) < self.max_contacts:
                    self._first[c] = key
            elif first != key and first not in linked:
                linked.append(first)
        return linked
