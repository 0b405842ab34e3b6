"""Per term, a bitmap of the rowids that have it, for counting terms over large match sets.

``Columns`` keeps each document's terms as a bit set per row. Counting the terms of a
match set from those rows costs a histogram over every matching row's bytes, which at
a million documents and a common word (900,000 matches) is about 100 ms. Turned on
its side (one bitmap of rowids per term), the same count is the match set packed into
a bitmap, then one AND and one popcount per term over ``size / 64`` words: a few
milliseconds whatever the number of matches. The bitmaps are built on first use and
patched row by row when a few documents change; a larger change drops them, and the
next count that needs them builds them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
PATCH_ROWS = 256  # from this many changed rows on, build again rather than patch


class TermBitmaps:
    """``maps[t]``: bit ``r % 64`` of word ``r // 64`` set if rowid ``r`` has term ``t``."""

    def __init__(self) -> None:
        self.maps: Array | None = None
        self.rows = 0  # the number of rowids (the columns' size) the maps were built for
        self.terms = 0  # the number of term codes they cover

    @staticmethod
    def cheaper(matches: int, words: int, terms: int, size: int) -> bool:
        """Whether counting by bitmaps costs less than a histogram of the matching rows."""
        histogram = 3 * matches * words * 8
        bitmaps = size // 4 + terms * size // 32
        return bitmaps < histogram

    def counts(self, bits: Array, rows: Array, terms: int, packed: Array | None = None) -> Array:
        """How many of ``rows`` have each term code (``bits``: the columns' bit sets;
        ``packed``: ``rows`` as made by ``pack``, if already at hand)."""
        if self.maps is None or self.rows != len(bits) or self.terms != terms:
            self._build(bits, terms)
        assert self.maps is not None
        if packed is None:
            packed = pack(rows, len(bits))
        found: Array = np.bitwise_count(self.maps & packed).sum(axis=1, dtype=np.int64)
        return found

    def update(self, bits: Array, changed: Sequence[int], terms: int) -> None:
        """Bring the maps up to date after ``changed`` rowids were written into ``bits``."""
        if self.maps is None:
            return
        if len(changed) >= PATCH_ROWS or self.rows != len(bits) or self.terms != terms:
            self.maps = None  # built again when next needed
            return
        codes = np.arange(terms)
        words, shifts = codes // 64, (codes % 64).astype(np.uint64)
        for rowid in changed:
            word, bit = divmod(int(rowid), 64)
            has = (bits[rowid, words] >> shifts) & np.uint64(1)
            cleared = self.maps[:, word] & ~np.uint64(1 << bit)
            self.maps[:, word] = cleared | (has << np.uint64(bit))

    def _build(self, bits: Array, terms: int) -> None:
        width = (len(bits) + 63) // 64
        maps = np.zeros((terms, width), dtype=np.uint64)
        column = np.zeros(width * 64, dtype=bool)
        for code in range(terms):
            word, bit = divmod(code, 64)
            column[: len(bits)] = (bits[:, word] >> np.uint64(bit)) & np.uint64(1)
            maps[code] = np.packbits(column, bitorder="little").view(np.uint64)
        self.maps, self.rows, self.terms = maps, len(bits), terms


def pack(rows: Array, size: int) -> Array:
    """``rows`` (rowids below ``size``) as a bitmap in the maps' layout."""
    chosen = np.zeros((size + 63) // 64 * 64, dtype=bool)
    chosen[rows] = True
    packed: Array = np.packbits(chosen, bitorder="little").view(np.uint64)
    return packed
