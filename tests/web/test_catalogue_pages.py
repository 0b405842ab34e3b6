"""Editors add and edit places and schedule convenings with their excursions on pages."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from services.api.web import worldmap
from tests.web.conftest import Demo, csrf_of


def post(client: TestClient, page: str, action: str, fields: dict[str, object]) -> Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**fields, "csrf": token}, follow_redirects=False)


@pytest.mark.parametrize(
    "path",
    ["/catalogue", "/catalogue/places/new", "/places/tucson/edit", "/catalogue/convenings/new",
     "/catalogue/convenings/tucson-2023/excursions/new"],
)
def test_only_editors_get_the_catalogue_pages(demo: Demo, path: str) -> None:
    anonymous = demo.client().get(path, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    assert demo.client("partner").get(path).status_code == 403
    editor = demo.client("editor").get(path)
    assert editor.status_code == 200 and 'name="csrf"' in editor.text


def test_an_editor_adds_a_place_with_a_typed_point(demo: Demo) -> None:
    client = demo.client("editor")
    answer = post(client, "/catalogue/places/new", "/catalogue/places/new", {
        "name": "Pueblo Gardens School", "kind": "school", "parent": "sunnyside",
        "lat": "32.171", "lon": "-110.93",
    })
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/places/pueblo-gardens-school"
    place = demo.container.archive.catalogue.get_place("pueblo-gardens-school")
    assert (place["lat"], place["lon"], place["parent"]) == (32.171, -110.93, "sunnyside")
    page = client.get("/places/pueblo-gardens-school").text
    assert "Pueblo Gardens School" in page and "Edit this place" in page


def test_a_refused_place_comes_back_with_the_reason_and_what_was_typed(demo: Demo) -> None:
    client = demo.client("editor")
    bad_point = post(client, "/catalogue/places/new", "/catalogue/places/new", {
        "name": "Somewhere", "kind": "school", "parent": "tucson", "lat": "north", "lon": "1",
    })
    assert bad_point.status_code == 422
    assert "Latitude 'north' is not a number." in html.unescape(bad_point.text)
    assert 'value="Somewhere"' in bad_point.text and 'aria-invalid="true"' in bad_point.text
    taken = post(client, "/catalogue/places/new", "/catalogue/places/new", {
        "name": "Tucson again", "slug": "tucson", "kind": "city", "parent": "arizona",
    })
    assert taken.status_code == 409 and "already exists" in taken.text
    no_csrf = client.post("/catalogue/places/new", data={"name": "X", "kind": "school"})
    assert no_csrf.status_code == 403


def test_an_editor_moves_a_place_and_renames_it(demo: Demo) -> None:
    client = demo.client("editor")
    form = client.get("/places/hollybank-primary/edit").text
    assert 'value="Hollybank Primary School"' in form
    answer = post(client, "/places/hollybank-primary/edit", "/places/hollybank-primary/edit", {
        "name": "Hollybank Primary Academy", "kind": "school", "parent": "learn-at",
        "lat": "52.98", "lon": "-1.16",
    })
    assert answer.status_code == 303, answer.text
    place = demo.container.archive.catalogue.get_place("hollybank-primary")
    assert place["name"] == "Hollybank Primary Academy"
    assert (place["lat"], place["lon"]) == (52.98, -1.16)
    assert client.get("/places/no-such-place/edit").status_code == 404


def test_an_editor_schedules_a_convening_and_plans_an_excursion(demo: Demo) -> None:
    client = demo.client("editor")
    answer = post(client, "/catalogue/convenings/new", "/catalogue/convenings/new", {
        "title": "Nottingham spring gathering", "place": "nottingham",
        "starts": "2026-04-20", "ends": "2026-04-22", "question": "What travels?",
    })
    assert answer.status_code == 303, answer.text
    convening = demo.container.archive.catalogue.get_convening("nottingham-spring-gathering")
    assert (convening["starts"], convening["ends"]) == ("2026-04-20", "2026-04-22")
    new_excursion = "/catalogue/convenings/nottingham-spring-gathering/excursions/new"
    answer = post(client, new_excursion, new_excursion, {
        "title": "Reading corners at Riverside", "host_place": "riverside-primary",
        "date": "2026-04-21", "leader_name": ["Amira Shah", ""],
        "leader_role": ["local-leader", "lead-learner"],
    })
    assert answer.status_code == 303, answer.text
    excursions = demo.container.archive.catalogue.list_excursions("nottingham-spring-gathering")
    assert [e["title"] for e in excursions] == ["Reading corners at Riverside"]
    assert excursions[0]["leaders"] == [{"name": "Amira Shah", "role": "local-leader"}]
    overview = client.get("/catalogue").text
    assert "Nottingham spring gathering" in overview and "Reading corners at Riverside" in overview


def test_a_convening_cannot_end_before_it_starts(demo: Demo) -> None:
    client = demo.client("editor")
    answer = post(client, "/catalogue/convenings/new", "/catalogue/convenings/new", {
        "title": "Backwards", "place": "tucson", "starts": "2026-05-02", "ends": "2026-05-01",
    })
    assert answer.status_code == 422 and "cannot end before it starts" in answer.text
    assert 'value="Backwards"' in answer.text


def test_the_place_form_offers_a_map_around_the_parent(demo: Demo) -> None:
    html = demo.client("editor").get("/catalogue/places/new?parent=tucson").text
    frame = re.search(r'<svg class="picker"[^>]*data-frame="([^"]+)"', html)
    assert frame, "no map to pick a point on"
    assert "placepick.js" in html


def test_the_picker_frame_turns_the_drawing_back_into_coordinates() -> None:
    """The script computes lat = north - y / scale, lon = west + x / (squeeze * scale)."""
    drawn = worldmap.picker((32.22, -110.97), 40.0)
    assert drawn.frame is not None
    west, north, scale, squeeze = drawn.frame
    x, y = drawn.width / 2, drawn.height / 2
    assert north - y / scale == pytest.approx(32.22, abs=0.01)
    assert west + x / (squeeze * scale) == pytest.approx(-110.97, abs=0.01)
    width_km = drawn.width / (squeeze * scale) * 111.32 * squeeze
    assert 40 <= width_km <= 200
