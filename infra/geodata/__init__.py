"""Open map data shipped with Commonplace: the lines on the close-up maps.

``outlines.json`` is built by ``python -m infra.geodata.build`` from Natural Earth and
US Census boundaries (docs/maps.md says which versions, and their licences).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from infra.geodata.lines import Box, Line

OUTLINES = Path(__file__).resolve().parent / "outlines.json"


@cache
def _lines() -> dict[str, list[tuple[Box, Line]]]:
    data = json.loads(OUTLINES.read_text())
    step = 1 / data["precision"]
    found: dict[str, list[tuple[Box, Line]]] = {}
    for kind, lines in data["lines"].items():
        found[kind] = [_boxed(flat, step) for flat in lines]
    return found


@cache
def _land() -> list[tuple[Box, Line]]:
    data = json.loads(OUTLINES.read_text())
    return [_boxed(flat, 1 / data["precision"]) for flat in data.get("land", [])]


def _boxed(flat: list[int], step: float) -> tuple[Box, Line]:
    line = [(flat[i] * step, flat[i + 1] * step) for i in range(0, len(flat), 2)]
    lons, lats = [p[0] for p in line], [p[1] for p in line]
    return (min(lons), min(lats), max(lons), max(lats)), line


def land_in(box: Box) -> list[Line]:
    """The shipped land polygons (closed rings) that reach into ``box``."""
    return [ring for ring_box, ring in _land() if _meets(ring_box, box)]


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def lines_in(box: Box) -> list[tuple[str, Line]]:
    """(kind, line) for every shipped line that crosses ``box`` (west, south, east, north),
    kinds in drawing order: border, state, admin1 (first-level subdivisions outside the
    US, such as the UK's counties and unitary authorities), county, coast, lake, river."""
    found = []
    for kind, lines in _lines().items():
        found += [(kind, line) for line_box, line in lines if _meets(line_box, box)]
    return found
