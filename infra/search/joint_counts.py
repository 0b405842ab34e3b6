"""Several small-valued columns as one code per row, so that one histogram counts them all.

Counting kinds, convenings, years and top-level places over a match set of 900,000
rows costs one gather and one ``bincount`` each (about 20 ms together at a million
documents). Each column has few distinct values, so a row's values can be numbered
as one mixed-radix code: one gather and one ``bincount`` then give the joint
histogram, and summing it along the other axes gives each column's counts. The codes
are built on first use and patched when a few rows change; a new distinct value (a
new year, say) or many changed rows drop them, and the next count builds them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
PATCH_ROWS = 256  # from this many changed rows on, build again rather than patch
MAX_CELLS = 1 << 22  # a joint histogram larger than this is not worth it


class JointCounts:
    """``codes[r]``: the mixed-radix number of row ``r``'s values, one digit per column."""

    def __init__(self) -> None:
        self.codes: Array | None = None
        self.values: list[Array] = []  # per column, its distinct values, ascending
        self.lookups: list[Array] = []  # per column, value + 1 -> digit (-1: not seen)
        self.radices: tuple[int, ...] = ()
        self.rows = 0
        self.built = False  # built for the columns as they are (``codes`` None: declined)

    def counts(self, columns: Sequence[Array], rows: Array) -> list[tuple[Array, Array]] | None:
        """Per column, its distinct values and how many of ``rows`` have each (None when
        the joint histogram would be too large: count the columns one by one)."""
        if not self.built or self.rows != len(columns[0]):
            self._build(columns)
        if self.codes is None:
            return None
        cells = int(np.prod(self.radices))
        joint = np.bincount(self.codes[rows], minlength=cells).reshape(self.radices)
        found = []
        for axis, values in enumerate(self.values):
            others = tuple(a for a in range(len(self.radices)) if a != axis)
            found.append((values, joint.sum(axis=others)))
        return found

    def update(self, columns: Sequence[Array], changed: Sequence[int]) -> None:
        """Bring the codes up to date after ``changed`` rows were written into ``columns``."""
        many = len(changed) >= PATCH_ROWS or self.rows != len(columns[0])
        if self.codes is None or many:  # declined: tried again only after many changes
            self.codes, self.built = None, self.built and not many
            return
        where = np.asarray(changed, dtype=np.int64)
        digits = []
        for column, lookup in zip(columns, self.lookups, strict=True):
            raw = column[where].astype(np.int64) + 1
            if (raw < 0).any() or (raw >= len(lookup)).any() or (lookup[raw] < 0).any():
                self.codes, self.built = None, False  # a value not seen when built
                return
            digits.append(lookup[raw])
        self.codes[where] = self._combine(digits)

    def _build(self, columns: Sequence[Array]) -> None:
        self.codes, self.values, self.lookups = None, [], []
        self.built, self.rows = True, len(columns[0])
        radices = []
        for column in columns:
            shifted = column.astype(np.int64) + 1  # values from -1 (none) up
            if len(shifted) and shifted.min() < 0:
                return
            present = np.bincount(shifted) > 0
            lookup = np.where(present, np.cumsum(present) - 1, -1)
            self.values.append(np.flatnonzero(present) - 1)
            self.lookups.append(lookup)
            radices.append(max(1, int(present.sum())))
        self.radices = tuple(radices)
        if np.prod(radices, dtype=np.float64) > MAX_CELLS:
            return
        pairs = zip(columns, self.lookups, strict=True)
        digits = [lookup[column.astype(np.int64) + 1] for column, lookup in pairs]
        self.codes = self._combine(digits)

    def _combine(self, digits: list[Array]) -> Array:
        code = np.zeros(len(digits[0]), dtype=np.int64)
        for digit, radix in zip(digits, self.radices, strict=True):
            code = code * radix + digit
        return code.astype(np.int32)
