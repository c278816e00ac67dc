"""A set of character spans that answers "does this overlap anything taken?" in O(log n).

Recognizers that let one pattern's matches shadow another's used to test every new match
against every span taken so far, which is quadratic on a draft full of matches.
"""

from __future__ import annotations

import bisect


class Intervals:
    """The union of the half-open spans added so far, kept as sorted disjoint pieces."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def __len__(self) -> int:
        return len(self._starts)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end) - 1  # last piece starting before ``end``
        return i >= 0 and self._ends[i] > start

    def add(self, start: int, end: int) -> None:
        lo = bisect.bisect_left(self._ends, start)  # first piece ending at or after ``start``
        hi = bisect.bisect_right(self._starts, end)  # pieces [lo, hi) touch the new span
        if lo < hi:
            start = min(start, self._starts[lo])
            end = max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]
