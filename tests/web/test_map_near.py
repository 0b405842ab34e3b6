"""Searching near a point picked on the map or typed: the form's fields, the shareable
address and the filter they make."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.web.conftest import Demo

TUCSON = "32.22,-110.97"
COUNT = re.compile(r'class="results-count">\s*(Nothing found|1 artifact|(\d+) artifacts)')


def total(html: str) -> int:
    found = COUNT.search(html)
    assert found, "no result count on the page"
    return int(found.group(2) or (1 if found.group(1) == "1 artifact" else 0))


def places_near(demo: Demo, near: str, radius: int) -> set[str]:
    answer = demo.client().get(f"/api/v1/search?near={near}&radius_km={radius}&per_page=100")
    return {hit["place"] for hit in answer.json()["hits"]}


def test_a_typed_point_filters_results_like_near(demo: Demo) -> None:
    client = demo.client()
    everything = total(client.get("/search").text)
    typed = client.get("/search", params={"near": "point", "point": "32.22, -110.97",
                                          "radius_km": "25"})  # fmt: skip
    assert typed.status_code == 200
    near = total(typed.text)
    assert 0 < near < everything
    assert near == total(client.get(f"/search?near={TUCSON}&radius_km=25").text)
    places = places_near(demo, TUCSON, 25)
    assert places and not {"nottingham", "learn-at", "hollybank-primary"} & places


def test_the_chosen_point_and_its_radius_are_shown_and_kept_in_links(demo: Demo) -> None:
    html = demo.client().get("/search", params={"point": "52.95,-1.15", "radius_km": "5"}).text
    assert '<option value="point" selected>' in html
    assert 'id="point" name="point"' in html and 'value="52.95,-1.15"' in html
    assert re.search(r'<ellipse class="radius" cx="[\d.]+" cy="[\d.]+" rx="[1-9][\d.]*"', html)
    assert "5 km of 52.95,-1.15" in html
    facet_links = re.findall(r'<a href="(/search\?[^"]*)" class="facet', html)
    assert facet_links
    for link in facet_links:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query["near"] == ["52.95,-1.15"] and query["radius_km"] == ["5"]


def test_a_place_chosen_from_the_list_wins_over_a_leftover_point(demo: Demo) -> None:
    client = demo.client()
    html = client.get("/search", params={"near": "52.954,-1.158", "point": TUCSON,
                                         "radius_km": "25"}).text  # fmt: skip
    assert '<option value="52.954,-1.158" selected>' in html
    assert "tucson" not in places_near(demo, "52.954,-1.158", 25)
    assert total(html) == total(client.get("/search?near=52.954,-1.158&radius_km=25").text)


def test_a_malformed_point_is_refused_with_422(demo: Demo) -> None:
    for bad in ("here", "95,10", "32.2"):
        answer = demo.client().get("/search", params={"near": "point", "point": bad})
        assert answer.status_code == 422, (bad, answer.status_code)
        assert "near" in answer.text


def test_the_search_page_map_is_a_picker_without_scripts(demo: Demo) -> None:
    html = demo.client().get("/search").text
    assert 'id="near-map"' in html and 'data-frame="' in html
    assert 'class="picked"' in html and 'visibility="hidden"' in html
    assert "nearpick.js" in html
