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
        for flat in lines:
            line = [(flat[i] * step, flat[i + 1] * step) for i in range(0, len(flat), 2)]
            lons, lats = [p[0] for p in line], [p[1] for p in line]
            box = (min(lons), min(lats), max(lons), max(lats))
            found.setdefault(kind, []).append((box, line))
    return found


def lines_in(box: Box) -> list[tuple[str, Line]]:
    """(kind, line) for every shipped line that crosses ``box`` (west, south, east, north),
    kinds in drawing order: border, state, county, coast, lake, river."""
    west, south, east, north = box
    return [
        (kind, line)
        for kind, lines in _lines().items()
        for (w, s, e, n), line in lines
        if w <= east and e >= west and s <= north and n >= south
    ]
