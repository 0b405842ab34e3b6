"""Sets of term codes as bits: Python integers and rows of little-endian ``uint64`` words."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from infra.search.fts_store import SEPARATOR

Array = npt.NDArray[Any]


def _split(value: str | None) -> list[str]:
    return value.split(SEPARATOR) if value else []


def mask_of(code: Any, value: str | None) -> int:
    found = 0
    for term in _split(value):
        found |= 1 << code(term)
    return found


def words_of(masks: list[int], words: int) -> Array:
    """Python integers as bit sets, cut into ``words`` little-endian uint64 words."""
    low = (1 << 64) - 1
    return np.array(
        [[(m >> (64 * w)) & low for w in range(words)] for m in masks], dtype=np.uint64
    ).reshape(len(masks), words)


def widen(array: Array, words: int) -> Array:
    wider = np.zeros((len(array), words), dtype=np.uint64)
    wider[:, : array.shape[1]] = array
    return wider


def bits_of(codes: list[int], words: int) -> Array:
    found = np.zeros(words, dtype=np.uint64)
    for code in codes:
        word, bit = divmod(code, 64)
        found[word] |= np.uint64(1 << bit)
    return found
