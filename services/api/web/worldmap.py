"""Maps drawn as SVG on the server: no tiles, no outside service, no JavaScript.

The world outline is a deliberately coarse, hand-made set of polygons (longitude,
latitude) in an equirectangular projection. Close-up maps of a region draw the
borders, US state and county lines, other countries' first-level subdivisions (the UK's
counties and unitary authorities), coast, lakes and rivers shipped in infra/geodata, cut
to the map's frame, with a small locator map of the country around them when they are
close enough that no such line may cross them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from babel.numbers import format_decimal

from infra.geodata import land_in, lines_in
from infra.geodata.lines import Box, clip, clip_ring, simplify
from services.api.web import i18n
from services.api.web.world_outlines import OUTLINES

WORLD = (-180.0, -60.0, 180.0, 85.0)  # west, south, east, north
CLOSE_UP_RATIO = 2.0
LOCATOR_KM = 240.0  # close-ups narrower than this get a locator map
LOCATOR_SPAN_KM = 600.0
PIXEL_TOLERANCE = 0.4  # vertices closer than this to a line's course are not drawn
Project = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Point:
    slug: str
    label: str
    url: str
    count: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Marker:
    label: str
    url: str
    count: int
    x: float
    y: float
    r: float
    label_left: bool


@dataclass(frozen=True)
class Map:
    title: str
    width: int
    height: int
    outlines: list[str]  # SVG path data
    grid: list[str]
    markers: list[Marker]
    note: str
    # west, north, pixels per degree of latitude, longitude squeeze: lets a script turn a
    # point on the drawing back into coordinates (the place picker).
    frame: tuple[float, float, float, float] | None = None
    lines: tuple[tuple[str, str], ...] = ()  # (kind, SVG path data), one a kind: border, coast…
    land: tuple[str, ...] = ()  # filled without a stroke: the coast is one of the lines
    locator: Map | None = None  # a wider map, drawn in a corner of this one
    extent: tuple[float, float, float, float] | None = None  # x, y, w, h of a close-up inside
    pin: Pin | None = None


@dataclass(frozen=True)
class Pin:
    """A chosen point, and the circle of a search radius around it (an ellipse on the map)."""

    x: float
    y: float
    rx: float
    ry: float
    label: str


def _frame(points: list[Point], margin: float) -> tuple[float, float, float, float]:
    west = min(p.lon for p in points)
    east = max(p.lon for p in points)
    south = min(p.lat for p in points)
    north = max(p.lat for p in points)
    pad_lon = max(margin, (east - west) * 0.25)
    pad_lat = max(margin * 0.7, (north - south) * 0.25)
    return west - pad_lon, south - pad_lat, east + pad_lon, north + pad_lat


def draw(title: str, points: list[Point], *, world: bool, width: int = 960) -> Map:
    """A map of ``points``: the whole world with outlines, or a close-up around them."""
    west, south, east, north = WORLD if world or not points else _frame(points, 0.05)
    # Equirectangular, with longitudes shrunk by the cosine of the middle latitude
    # for close-ups so that distances look right.
    squeeze = 1.0 if world else math.cos(math.radians((north + south) / 2))
    if not world:
        west, south, east, north = _widen(west, south, east, north, squeeze)
    scale = width / ((east - west) * squeeze)
    height = round((north - south) * scale)

    xy = _projector((west, north, scale, squeeze))
    outlines = []
    lines: tuple[tuple[str, str], ...] = ()
    land: tuple[str, ...] = ()
    if not world:
        lines, land = _shipped((west, south, east, north), (west, north, scale, squeeze))
    if world:
        for polygon in OUTLINES.values():
            coords = [xy(lon, lat) for lon, lat in polygon]
            outlines.append("M" + " L".join(f"{x},{y}" for x, y in coords) + " Z")
    biggest = max((p.count for p in points), default=1)
    markers = []
    for point in sorted(points, key=lambda p: -p.count):
        x, y = xy(point.lon, point.lat)
        radius = 5 + 9 * math.sqrt(point.count / biggest)
        markers.append(
            Marker(point.label, point.url, point.count, x, y, round(radius, 1), x > width * 0.55)
        )
    drawn = Map(title, width, height, outlines, _grid(west, south, east, north, xy), markers,
                _note(west, east, squeeze), (west, north, scale, squeeze), lines, land)  # fmt: skip
    if not world and (east - west) * squeeze * 111.32 < LOCATOR_KM:
        return replace(drawn, locator=_locator((west, south, east, north)))
    return drawn


def _projector(frame: tuple[float, float, float, float]) -> Project:
    """(lon, lat) to the map's pixels, for a frame of west, north, scale and squeeze."""
    west, north, scale, squeeze = frame

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * squeeze * scale, 1), round((north - lat) * scale, 1)

    return xy


@lru_cache(maxsize=64)
def _shipped(
    box: Box, frame: tuple[float, float, float, float]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The shipped lines and land of a close-up, kept for the next visit to the same map."""
    xy = _projector(frame)
    return _lines(box, xy), _land(box, xy)


def _lines(box: Box, xy: Project) -> tuple[tuple[str, str], ...]:
    """The shipped lines crossing ``box``, cut to it, as one SVG path a kind (several
    subpaths), kinds in drawing order, in the map's pixels."""
    paths: dict[str, list[str]] = {}
    for kind, line in lines_in(box):
        for piece in clip(line, [box]):
            pixels = simplify([xy(lon, lat) for lon, lat in piece], PIXEL_TOLERANCE)
            paths.setdefault(kind, []).append("M" + " L".join(f"{x},{y}" for x, y in pixels))
    return tuple((kind, " ".join(found)) for kind, found in paths.items())


def _land(box: Box, xy: Project) -> tuple[str, ...]:
    """The shipped land reaching into ``box``, cut to it, as closed SVG paths."""
    rings = (clip_ring(ring, box) for ring in land_in(box))
    return tuple(_path(ring, xy) + " Z" for ring in rings if ring)


def _path(points: Iterable[tuple[float, float]], xy: Project) -> str:
    """SVG path data through (lon, lat) points."""
    return "M" + " L".join("{},{}".format(*xy(lon, lat)) for lon, lat in points)


def _locator(box: tuple[float, float, float, float]) -> Map | None:
    """A map of about LOCATOR_SPAN_KM around ``box``, with the box outlined on it."""
    west, south, east, north = box
    half = LOCATOR_SPAN_KM / 2 / 111.32
    middle_lat, middle_lon = (north + south) / 2, (east + west) / 2
    corners = [
        Point("", "", "", 1, middle_lat - half / 2, middle_lon - half),
        Point("", "", "", 1, middle_lat + half / 2, middle_lon + half),
    ]
    wide = draw("Where this is", corners, world=False, width=240)
    if not wide.lines or wide.frame is None:
        return None
    left, top, scale, squeeze = wide.frame
    x, y = (west - left) * squeeze * scale, (top - north) * scale
    w, h = (east - west) * squeeze * scale, (north - south) * scale
    extent = (round(x, 1), round(y, 1), max(round(w, 1), 3.0), max(round(h, 1), 3.0))
    return replace(wide, markers=[], grid=[], extent=extent, note="")


def picker(
    around: tuple[float, float] | None = None, span_km: float = 40.0, radius_km: float | None = None
) -> Map:
    """A map to pick a point on: the world, or about ``span_km`` around a (lat, lon), with
    the point and a circle of ``radius_km`` around it when that is given."""
    if around is None:
        return draw("Pick a point", [], world=True)
    lat, lon = around
    half = span_km / 2 / 111.32
    corners = [
        Point("", "", "", 1, lat - half, lon - half),
        Point("", "", "", 1, lat + half, lon + half),
    ]
    drawn = replace(draw("Pick a point", corners, world=False), markers=[])
    if radius_km is None or drawn.frame is None:
        return drawn
    west, north, scale, squeeze = drawn.frame
    ry = radius_km / 111.32 * scale
    rx = ry * squeeze / max(math.cos(math.radians(lat)), 0.01)
    pin = Pin(round((lon - west) * squeeze * scale, 1), round((north - lat) * scale, 1),
              round(rx, 1), round(ry, 1), f"{lat:.4f}, {lon:.4f}")  # fmt: skip
    return replace(drawn, pin=pin)


def _widen(
    west: float, south: float, east: float, north: float, squeeze: float
) -> tuple[float, float, float, float]:
    """Grow the shorter side so that a close-up is CLOSE_UP_RATIO times as wide as high."""
    wide, high = (east - west) * squeeze, north - south
    if wide < high * CLOSE_UP_RATIO:
        extra = (high * CLOSE_UP_RATIO / squeeze - (east - west)) / 2
        return west - extra, south, east + extra, north
    extra = (wide / CLOSE_UP_RATIO - high) / 2
    return west, south - extra, east, north + extra


def _grid(west: float, south: float, east: float, north: float, xy: Project) -> list[str]:
    step = _step(max(east - west, north - south))
    lines = []
    lon = math.ceil(west / step) * step
    while lon <= east:
        (x1, y1), (x2, y2) = xy(lon, north), xy(lon, south)
        lines.append(f"M{x1},{y1} L{x2},{y2}")
        lon += step
    lat = math.ceil(south / step) * step
    while lat <= north:
        (x1, y1), (x2, y2) = xy(west, lat), xy(east, lat)
        lines.append(f"M{x1},{y1} L{x2},{y2}")
        lat += step
    return lines


def _step(span: float) -> float:
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30):
        if span / step <= 8:
            return step
    return 30


def _note(west: float, east: float, squeeze: float) -> str:
    width_km = (east - west) * squeeze * 111.32
    wide = format_decimal(round(width_km), locale=i18n.current())
    return i18n.gettext("About %(km)s km from edge to edge.") % {"km": wide}
