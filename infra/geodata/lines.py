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


def clip_ring(ring: Line, box: Box) -> Line:
    """Sutherland-Hodgman: the part of a closed ring inside ``box`` (edges along the box
    where the ring leaves it), or [] when nothing of it is inside."""
    west, south, east, north = box
    points = list(ring)
    # (axis: 0 longitude, 1 latitude; the bound; whether points above it are kept)
    for axis, bound, above in (
        (0, west, True),
        (0, east, False),
        (1, south, True),
        (1, north, False),
    ):
        points = _clip_edge(points, axis, bound, above)
    return points if len(points) >= 3 else []


def _clip_edge(points: Line, axis: int, bound: float, above: bool) -> Line:
    def keep(point: Point) -> bool:
        return point[axis] >= bound if above else point[axis] <= bound

    result: Line = []
    previous = points[-1] if points else (0.0, 0.0)
    for point in points:
        if keep(point) != keep(previous):
            result.append(_crossing(previous, point, axis, bound))
        if keep(point):
            result.append(point)
        previous = point
    return result


def _crossing(a: Point, b: Point, axis: int, bound: float) -> Point:
    t = (bound - a[axis]) / (b[axis] - a[axis])
    other = 1 - axis
    value = a[other] + t * (b[other] - a[other])
    return (bound, value) if axis == 0 else (value, bound)


def merge(boxes: list[Box]) -> list[Box]:
    """Overlapping boxes replaced by the box around them, until none overlap."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(merged):
            for j in range(i + 1, len(merged)):
                b = merged[j]
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    merged[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return merged
