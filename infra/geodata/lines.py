"""Polylines in degrees: keep the parts inside boxes, and drop vertices that add little."""

from __future__ import annotations

Point = tuple[float, float]  # (lon, lat)
Line = list[Point]
Box = tuple[float, float, float, float]  # west, south, east, north


def inside(point: Point, boxes: list[Box]) -> bool:
    lon, lat = point
    return any(w <= lon <= e and s <= lat <= n for w, s, e, n in boxes)


def clip(line: Line, boxes: list[Box]) -> list[Line]:
    """The runs of ``line`` inside any of ``boxes``, each with one vertex either side so
    that it reaches the edge of the frame it is drawn in."""
    pieces: list[Line] = []
    current: Line = []
    for index, point in enumerate(line):
        if inside(point, boxes):
            if not current and index > 0:
                current.append(line[index - 1])
            current.append(point)
        elif current:
            current.append(point)
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) > 1]


def simplify(line: Line, tolerance: float) -> Line:
    """Douglas-Peucker: the vertices farther than ``tolerance`` from the simpler line."""
    if len(line) < 3:
        return list(line)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            distance = _distance(line[i], line[first], line[last])
            if distance > far:
                far, index = distance, i
        if index > 0 and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(line, keep, strict=True) if kept]


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    if length2 == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length2))
    return float(((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)
