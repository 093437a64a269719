"""Clustering guard: weak pairs may attach a record to a person, never merge two persons' clusters.

Splink's connected components over every pair at or above one threshold let a single uncertain pair
(two people with a common name and the same birth date) join two whole clusters; pairwise, that
costs the product of their sizes. The engine therefore clusters in two passes (thresholds in
``data/engine.toml``): pairs at or above ``strong_threshold`` join freely (Splink), then the pairs
between ``threshold`` and ``strong_threshold`` are added best first by `attach_weak_pairs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def attach_weak_pairs(groups: Sequence[int], pairs: Iterable[tuple[int, int]], max_size: int = 1) -> list[int]:
    """Add weak pairs to a grouping, best pair first.

    Args:
        groups: for each record (0-based position), the position of its group's representative
            (a record that is its own representative), e.g. the strong-pair clusters.
        pairs: record positions of the weak pairs, ordered from the most to the least probable.
        max_size: a pair joins its two groups only when the smaller one has at most this many
            records at that moment (1: a weak pair attaches a single record, or joins two).

    Returns:
        For each record, the smallest position in its final group.
    """
    parent = list(groups)
    size = [0] * len(parent)
    for representative in parent:
        size[representative] += 1

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for left, right in pairs:
        a, b = find(int(left)), find(int(right))
        if a == b or min(size[a], size[b]) > max_size:
            continue
        a, b = min(a, b), max(a, b)
        parent[b] = a
        size[a] += size[b]
    roots = [find(i) for i in range(len(parent))]
    smallest: dict[int, int] = {}
    for i, root in enumerate(roots):
        smallest.setdefault(root, i)
    return [smallest[root] for root in roots]
