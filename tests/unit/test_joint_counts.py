"""Counting several small-valued columns through one joint histogram gives each one's counts."""

from __future__ import annotations

import numpy as np

from infra.search.joint_counts import JointCounts


def columns_of(rng: np.random.Generator, size: int) -> list[np.ndarray]:
    kind = rng.integers(-1, 3, size).astype(np.int32)
    year = np.where(rng.random(size) < 0.1, -1, rng.integers(2015, 2027, size)).astype(np.int32)
    place = rng.integers(-1, 40, size).astype(np.int32)
    return [kind, year, place]


def one_by_one(columns: list[np.ndarray], rows: np.ndarray) -> list[dict[int, int]]:
    found = []
    for column in columns:
        values, counts = np.unique(column[rows], return_counts=True)
        found.append({int(v): int(c) for v, c in zip(values, counts, strict=True)})
    return found


def joint(
    counter: JointCounts, columns: list[np.ndarray], rows: np.ndarray
) -> list[dict[int, int]]:
    counted = counter.counts(columns, rows)
    assert counted is not None
    return [{int(v): int(c) for v, c in zip(values, counts, strict=True) if c}
            for values, counts in counted]  # fmt: skip


def test_each_columns_counts_equal_counting_it_alone() -> None:
    rng = np.random.default_rng(4)
    columns = columns_of(rng, 5000)
    rows = np.sort(rng.choice(5000, 3000, replace=False))
    assert joint(JointCounts(), columns, rows) == one_by_one(columns, rows)


def test_changed_rows_are_patched_and_a_new_value_rebuilds() -> None:
    rng = np.random.default_rng(5)
    columns = columns_of(rng, 2000)
    counter, everything = JointCounts(), np.arange(2000)
    joint(counter, columns, everything)
    columns[0][[3, 9]] = [2, -1]
    columns[1][3] = 2016
    counter.update(columns, [3, 9])
    assert counter.codes is not None  # patched: the values were known
    assert joint(counter, columns, everything) == one_by_one(columns, everything)
    columns[1][10] = 2031  # a year no row had
    counter.update(columns, [10])
    assert counter.codes is None
    assert joint(counter, columns, everything) == one_by_one(columns, everything)


def test_a_histogram_too_large_is_declined() -> None:
    rng = np.random.default_rng(6)
    wide = [rng.permutation(5000).astype(np.int32) for _ in range(2)]  # 25 million cells
    counter = JointCounts()
    assert counter.counts(wide, np.arange(100)) is None
    counter.lookups = []  # declined once: not built again for every count
    assert counter.counts(wide, np.arange(100)) is None and counter.lookups == []
    wide[0][:300] = 0
    counter.update(wide, [0])  # a few changed rows: still declined
    assert counter.counts(wide, np.arange(100)) is None and counter.lookups == []
    wide[0][:] = 0
    counter.update(wide, list(range(300)))  # after many it is worth trying again
    assert counter.counts(wide, np.arange(100)) is not None
