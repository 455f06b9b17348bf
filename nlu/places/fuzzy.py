"""Bounded fuzzy lookup of misspelt names ("Belmopn", "Camalot", "Benqe Viejo").

A deletion-neighbourhood index (every form of a name with one or two characters deleted) finds
the names within edit distance 1 (names of 5-7 characters) or 2 (8 or more) of a query with a
few dozen dictionary look-ups, then an exact optimal-string-alignment distance (Levenshtein
plus adjacent transpositions) confirms them. The first letter must match: people rarely get
it wrong, and it keeps ordinary words from turning into places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

MIN_LENGTH = 5
QUERY_CACHE_SIZE = 8192


def max_distance(length: int) -> int:
    if length < MIN_LENGTH:
        return 0
    return 1 if length <= 7 else 2


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or limit + 1 once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


class FuzzyIndex:
    def __init__(self, keys: Iterable[str]) -> None:
        self._index: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            depth = max_distance(len(key))
            if depth == 0:
                continue
            for form in _deletes(key, depth):
                self._index[form].add(key)
        # The same words are looked up again and again ("market", "station"): each query's
        # answer is kept (bounded; the index never changes).
        self._answers = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._closest)

    def best(self, query: str) -> list[str]:
        """The closest indexed keys within the allowed distance (several on a tie)."""
        return list(self._answers(query))

    def clear_cache(self) -> None:
        self._answers.cache_clear()

    def _closest(self, query: str) -> tuple[str, ...]:
        depth = max_distance(len(query))
        if depth == 0:
            return ()
        candidates: set[str] = set()
        index = self._index
        for form in _deletes(query, depth):
            keys = index.get(form)
            if keys:
                candidates |= keys
        best: list[tuple[int, str]] = []
        for key in candidates:
            if key[0] != query[0] or key == query:
                continue
            limit = min(depth, max_distance(len(key)))
            distance = osa_distance(query, key, limit)
            if distance <= limit:
                best.append((distance, key))
        if not best:
            return ()
        closest = min(distance for distance, _ in best)
        return tuple(sorted(key for distance, key in best if distance == closest))
