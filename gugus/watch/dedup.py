"""Step 4: group reposts of the same offer, and link posts that share a contact.

Reposts are found with MinHash sketches of word 3-shingles and a MinHash LSH index (datasketch).
The text shingled is the normalised text without phones, links and punctuation, so a repost with a new
phone number, another emoji or a word changed lands in the same group. Each group is represented
by its first post. Every post is indexed (a repost may resemble the previous repost more than the
first post), and the index keeps at most ``window`` posts (oldest dropped first) so memory stays
bounded on an endless stream.

Posts sharing a phone number or bank account are linked to the first post that used it.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
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
        window: at most this many group representatives are kept in the index.

    Example:
        >>> g = DuplicateGrouper()
        >>> g.add("a", "dicari admin online kamboja gaji 15000000 idr tiket gratis hubungi __phone__")
        >>> g.add("b", "dicari admin online kamboja gaji 15000000 idr tiket gratis hubungi __phone__ !!")
        'a'
    """

    def __init__(
        self, *, threshold: float = 0.6, num_perm: int = 128, window: int = 500_000, shingle: int = 3
    ):
        self.threshold = threshold
        self.num_perm = num_perm
        self.window = window
        self.shingle = shingle
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._perms = MinHash(num_perm=num_perm, seed=1).permutations
        # key -> (sketch bytes, ref of the group's first post)
        self._sketches: OrderedDict[Hashable, tuple[bytes, object]] = OrderedDict()
        self._exact: dict[int, Hashable] = {}

    def sketch(self, text: str) -> MinHash | None:
        sh = shingles(text, self.shingle)
        if not sh:
            return None
        m = MinHash(num_perm=self.num_perm, hashfunc=_crc32, permutations=self._perms, scheme="affine32")
        m.update_batch(sh)
        return m

    def add(self, key: Hashable, normalized_text: str, *, ref: object = None) -> object:
        """Register a post under a unique ``key``; return the ``ref`` (default: key) of the group's first
        post, or None if this post starts a group."""
        ref = key if ref is None else ref
        text = dedup_text(normalized_text)
        if not text:
            return None
        exact = zlib.crc32(text.encode()) ^ (len(text) << 32)
        seen = self._exact.get(exact)
        if seen is not None and seen in self._sketches:
            return self._sketches[seen][1]
        m = self.sketch(text)
        best, best_j = None, self.threshold
        for cand in self._lsh.query(m):
            other = np.frombuffer(self._sketches[cand][0], dtype=m.hashvalues.dtype)
            j = float(np.count_nonzero(other == m.hashvalues)) / self.num_perm
            if j >= best_j:
                best, best_j = cand, j
        root = self._sketches[best][1] if best is not None else None
        self._lsh.insert(key, m, check_duplication=False)
        self._sketches[key] = (m.hashvalues.tobytes(), ref if root is None else root)
        self._exact[exact] = key
        if len(self._sketches) > self.window:
            old, _ = self._sketches.popitem(last=False)
            self._lsh.remove(old)
        if len(self._exact) > 2 * self.window:
            self._exact = {h: k for h, k in self._exact.items() if k in self._sketches}
        return root

    def __len__(self) -> int:
        return len(self._sketches)


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
