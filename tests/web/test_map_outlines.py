"""The close-up maps draw shipped outlines (borders, state and county lines, coast,
rivers) around the demo's places, with no tile server."""

from __future__ import annotations

import re

from infra.geodata import lines_in
from services.api.web import worldmap
from tests.web.conftest import Demo

LINE = re.compile(r'<path class="line (\w+)" data-kind="\w+" d="(M[^"]+)"')


def kinds(html: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for kind, _ in LINE.findall(html):
        found[kind] = found.get(kind, 0) + 1
    return found


def test_the_shipped_data_covers_the_demo_places() -> None:
    around_tucson = {kind for kind, _ in lines_in((-113.0, 31.0, -109.0, 33.5))}
    assert {"border", "county", "river"} <= around_tucson
    assert "coast" in {kind for kind, _ in lines_in((-4.0, 51.5, 1.0, 54.5))}


def test_a_close_up_of_tucson_draws_county_lines_and_the_border_in_its_locator() -> None:
    points = [
        worldmap.Point("a", "A", "/a", 1, 32.14, -110.95),
        worldmap.Point("b", "B", "/b", 1, 32.34, -110.86),
    ]
    drawn = worldmap.draw("Tucson", points, world=False)
    assert drawn.locator is not None
    locator_kinds = {kind for kind, _ in drawn.locator.lines}
    assert {"border", "county"} <= locator_kinds
    x, y, w, h = drawn.locator.extent or (0, 0, 0, 0)
    assert 0 < x < drawn.locator.width and 0 < y < drawn.locator.height and w > 0 and h > 0


def test_the_arizona_page_map_has_outline_paths(demo: Demo) -> None:
    html = demo.client().get("/places/arizona").text
    found = kinds(html)
    assert found.get("county", 0) >= 1 and found.get("border", 0) >= 1, found
    assert 'class="locator"' in html
    assert "Natural Earth" in html


def test_the_map_page_draws_outlines_in_each_close_up(demo: Demo) -> None:
    html = demo.client().get("/map").text
    sections = html.split('class="close-up"')[1:]
    assert len(sections) >= 2
    for section in sections:
        assert LINE.search(section), section[:300]


def test_the_place_picker_shows_the_point_and_its_radius() -> None:
    drawn = worldmap.picker((32.22, -110.97), 60, radius_km=25)
    assert drawn.pin is not None and drawn.frame is not None
    west, north, scale, squeeze = drawn.frame
    assert abs(drawn.pin.x - (-110.97 - west) * squeeze * scale) < 0.2
    assert abs(drawn.pin.y - (north - 32.22) * scale) < 0.2
    assert abs(drawn.pin.ry - 25 / 111.32 * scale) < 0.2
    assert abs(drawn.pin.rx - drawn.pin.ry) / drawn.pin.ry < 0.05
