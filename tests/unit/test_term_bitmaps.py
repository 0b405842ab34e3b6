"""Term counts by per-term bitmaps agree with counting the matching rows' bit sets."""

from __future__ import annotations

import numpy as np

from infra.search.term_bitmaps import TermBitmaps


def by_rows(bits: np.ndarray, rows: np.ndarray, terms: int) -> list[int]:
    return [int(((bits[rows, t // 64] >> np.uint64(t % 64)) & np.uint64(1)).sum())
            for t in range(terms)]  # fmt: skip


def random_bits(rng: np.random.Generator, size: int, words: int) -> np.ndarray:
    return rng.integers(0, 2**63, size=(size, words), dtype=np.uint64) | np.uint64(1 << 63)


def test_counts_match_a_row_by_row_count_across_words() -> None:
    rng = np.random.default_rng(1)
    bits = random_bits(rng, 1000, 2)  # 128 term codes over two words, a ragged last map word
    rows = np.sort(rng.choice(1000, 700, replace=False))
    counts = TermBitmaps().counts(bits, rows, 128)
    assert counts.tolist() == by_rows(bits, rows, 128)


def test_a_written_row_is_patched_in() -> None:
    rng = np.random.default_rng(2)
    bits = random_bits(rng, 300, 1)
    maps = TermBitmaps()
    everything = np.arange(300)
    maps.counts(bits, everything, 64)
    bits[[5, 200]] = [[0], [np.uint64(0b1011)]]
    maps.update(bits, [5, 200], 64)
    assert maps.maps is not None  # patched, not dropped
    assert maps.counts(bits, everything, 64).tolist() == by_rows(bits, everything, 64)


def test_many_changes_or_a_new_term_rebuild_the_maps() -> None:
    rng = np.random.default_rng(3)
    bits = random_bits(rng, 400, 1)
    maps = TermBitmaps()
    maps.counts(bits, np.arange(400), 63)
    maps.update(bits, [1], 64)  # a term code the maps do not cover
    assert maps.maps is None
    maps.counts(bits, np.arange(400), 64)
    bits[:] = 0
    maps.update(bits, list(range(300)), 64)
    assert maps.maps is None
    assert maps.counts(bits, np.arange(400), 64).tolist() == [0] * 64


def test_the_cheaper_way_depends_on_the_number_of_matches() -> None:
    assert TermBitmaps.cheaper(90_000, 1, 56, 100_000)
    assert not TermBitmaps.cheaper(500, 1, 56, 100_000)
