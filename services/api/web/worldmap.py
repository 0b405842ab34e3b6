"""Maps drawn as SVG on the server: no tiles, no outside service, no JavaScript.

The world outline is a deliberately coarse, hand-made set of polygons (longitude,
latitude) in an equirectangular projection; close-up maps of a region show the
places as labelled points on a plain grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Polygon = tuple[tuple[float, float], ...]

# Coarse outlines, a few dozen vertices per land mass, drawn by hand.
OUTLINES: dict[str, Polygon] = {
    "North America": (
        (-168, 66), (-162, 70), (-156, 71), (-140, 70), (-128, 70), (-115, 68), (-95, 72),
        (-82, 73), (-75, 68), (-65, 60), (-60, 53), (-56, 48), (-66, 45), (-70, 42),
        (-75, 38), (-76, 35), (-81, 31), (-80, 26), (-82, 25), (-83, 29), (-90, 30),
        (-97, 27), (-97, 22), (-92, 18), (-87, 21), (-88, 16), (-83, 15), (-83, 10),
        (-79, 9), (-77, 8), (-80, 7), (-86, 12), (-92, 14), (-97, 16), (-105, 20),
        (-110, 23), (-112, 29), (-115, 30), (-117, 32), (-121, 35), (-124, 40), (-124, 46),
        (-125, 50), (-131, 55), (-137, 58), (-146, 60), (-152, 59), (-158, 56), (-165, 54),
        (-160, 58), (-165, 61),
    ),
    "Greenland": (
        (-73, 78), (-60, 82), (-30, 83), (-20, 80), (-20, 72), (-25, 68), (-40, 65),
        (-44, 60), (-50, 62), (-55, 68), (-58, 75),
    ),
    "South America": (
        (-77, 8), (-72, 12), (-62, 10), (-52, 5), (-50, 0), (-44, -2), (-35, -5), (-35, -9),
        (-39, -15), (-41, -22), (-48, -26), (-53, -33), (-58, -38), (-62, -39), (-65, -45),
        (-68, -50), (-69, -55), (-74, -52), (-75, -45), (-73, -37), (-71, -30), (-70, -18),
        (-76, -14), (-81, -6), (-80, 0), (-78, 2),
    ),
    "Eurasia": (
        (-9, 37), (-9, 43), (-2, 43.5), (-1, 46), (-4.5, 48), (2, 51), (5, 53.5), (8, 57),
        (11, 56), (13, 55), (21, 57), (24, 59.5), (28, 60), (22, 60.5), (21, 63),
        (25, 65.5), (22, 66), (17, 62), (18, 59), (16, 56), (12, 56), (11, 59), (6, 58),
        (5, 62), (11, 65), (15, 68), (20, 70), (28, 71), (40, 67), (44, 68), (55, 68),
        (60, 70), (70, 73), (80, 73), (90, 76), (105, 78), (113, 74), (130, 71), (140, 72),
        (160, 70), (170, 70), (180, 69), (180, 65), (172, 61), (163, 57), (157, 51),
        (155, 57), (142, 59), (137, 54), (141, 48), (135, 43), (130, 42), (129, 35),
        (126, 37), (125, 40), (121, 40), (118, 39), (122, 37), (120, 32), (122, 30),
        (119, 25), (112, 21), (108, 21), (106, 17), (109, 12), (105, 9), (101, 13),
        (100, 7), (103, 1.5), (101, 3), (98, 8), (98, 16), (94, 17), (92, 22), (87, 21),
        (80, 15), (77, 8), (73, 17), (72, 21), (67, 24), (62, 25), (57, 26), (56, 24),
        (59, 22), (55, 17), (52, 16), (45, 13), (43, 13), (39, 20), (35, 28), (33, 28),
        (34, 31), (35, 36), (30, 36), (27, 37), (26, 40), (23, 36.5), (19, 42), (15, 40),
        (16, 38), (12, 42), (9, 44), (3, 43), (-2, 37), (-6, 36),
    ),
    "Africa": (
        (-17, 21), (-17, 15), (-12, 8), (-8, 4.5), (-2, 5), (4, 6), (9, 4), (9, -1),
        (12, -5), (13, -12), (12, -17), (15, -27), (18, -34), (20, -35), (26, -34),
        (31, -29), (33, -25), (35, -24), (40, -16), (40, -10), (39, -5), (41, -1), (44, 2),
        (51, 11), (44, 11), (43, 12), (39, 16), (36, 22), (34, 27), (32, 31), (25, 32),
        (20, 31), (16, 31), (10, 34), (11, 37), (3, 37), (-2, 35), (-6, 36), (-10, 30),
        (-13, 27),
    ),
    "Madagascar": ((44, -25), (47, -25), (50, -15), (49, -12), (44, -17)),
    "Great Britain": (
        (-5.7, 50), (1.5, 51), (1.7, 52.8), (0, 53.5), (-1.5, 55), (-2, 56), (-1.8, 57.6),
        (-4, 58.6), (-5, 58.6), (-6, 57), (-5.5, 55.5), (-4.8, 54.8), (-3, 54), (-3, 53.3),
        (-4.5, 52.8), (-5.2, 51.7), (-3, 51.5),
    ),
    "Ireland": ((-6, 52), (-6, 54), (-7.5, 55.3), (-10, 54), (-10, 51.6)),
    "Iceland": ((-24, 65.5), (-22, 66.4), (-15, 66.5), (-13.5, 65), (-18, 63.4), (-22.7, 63.8)),
    "Japan": (
        (130, 31), (132, 34), (135, 34), (140, 35), (141, 38), (142, 41), (140, 41),
        (139, 38), (136, 37), (133, 35), (130, 33),
    ),
    "Borneo": ((109, 2), (111, -3), (116, -4), (119, 1), (117, 7), (113, 3)),
    "Sumatra": ((95, 5.5), (98, 4), (104, -2), (106, -6), (102, -4), (98, 0)),
    "New Guinea": ((131, -1), (138, -2), (147, -6), (150, -10), (142, -9), (138, -8), (132, -4)),
    "Australia": (
        (114, -22), (114, -26), (115, -34), (118, -35), (124, -34), (129, -32), (135, -35),
        (138, -35), (140, -38), (146, -39), (150, -37), (153, -32), (153, -25), (146, -19),
        (145, -15), (142, -11), (141, -17), (136, -12), (132, -11), (129, -15), (125, -14),
        (122, -18),
    ),
    "New Zealand": ((172.7, -34.4), (178.5, -37.7), (175, -41.6), (171, -44.5), (166.5, -46),
                    (169, -46.6), (174, -41)),
}  # fmt: skip

WORLD = (-180.0, -60.0, 180.0, 85.0)  # west, south, east, north
CLOSE_UP_RATIO = 2.0


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

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * squeeze * scale, 1), round((north - lat) * scale, 1)

    outlines = []
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
    return Map(title, width, height, outlines, _grid(west, south, east, north, xy), markers,
               _note(west, east, squeeze), (west, north, scale, squeeze))  # fmt: skip


def picker(around: tuple[float, float] | None = None, span_km: float = 40.0) -> Map:
    """A map to pick a point on: the world, or about ``span_km`` around a (lat, lon)."""
    if around is None:
        return draw("Pick a point", [], world=True)
    lat, lon = around
    half = span_km / 2 / 111.32
    corners = [
        Point("", "", "", 1, lat - half, lon - half),
        Point("", "", "", 1, lat + half, lon + half),
    ]
    drawn = draw("Pick a point", corners, world=False)
    return Map(drawn.title, drawn.width, drawn.height, drawn.outlines, drawn.grid, [],
               drawn.note, drawn.frame)  # fmt: skip


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


def _grid(west: float, south: float, east: float, north: float, xy: object) -> list[str]:
    step = _step(max(east - west, north - south))
    lines = []
    lon = math.ceil(west / step) * step
    while lon <= east:
        (x1, y1), (x2, y2) = xy(lon, north), xy(lon, south)  # type: ignore[operator]
        lines.append(f"M{x1},{y1} L{x2},{y2}")
        lon += step
    lat = math.ceil(south / step) * step
    while lat <= north:
        (x1, y1), (x2, y2) = xy(west, lat), xy(east, lat)  # type: ignore[operator]
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
    return f"About {width_km:,.0f} km from edge to edge."
