"""The helpers that cut the shipped map data to size."""

from __future__ import annotations

from infra.geodata.lines import clip, clip_ring, merge, simplify


def test_a_ring_is_cut_to_the_box() -> None:
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    assert clip_ring(square, (1, 1, 2, 5)) == [(1.0, 1.0), (2.0, 1.0), (2.0, 4.0), (1.0, 4.0)]
    assert clip_ring(square, (5, 5, 6, 6)) == []


def test_a_line_keeps_its_runs_inside_with_a_vertex_either_side() -> None:
    line = [(float(x), 0.0) for x in range(10)]
    assert clip(line, [(2.5, -1, 4.5, 1)]) == [[(2.0, 0.0), (3.0, 0.0), (4.0, 0.0), (5.0, 0.0)]]
    assert clip(line, [(20, 20, 30, 30)]) == []


def test_simplify_drops_vertices_close_to_the_line() -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0)]
    assert simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]


def test_overlapping_boxes_merge() -> None:
    assert merge([(0, 0, 2, 2), (1, 1, 3, 3), (10, 10, 11, 11)]) == [
        (0, 0, 3, 3),
        (10, 10, 11, 11),
    ]
