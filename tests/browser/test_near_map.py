"""Searching near a point in a real browser: picked on the map, or "near me" from the
browser's location once the reader allows it and presses the button."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

NOTTINGHAM = {"latitude": 52.95, "longitude": -1.15}


def api_total(page: Any, site: LiveSite, near: str, radius: str) -> int:
    answer = page.request.get(f"{site.url}/api/v1/search?near={near}&radius_km={radius}")
    return int(answer.json()["total"])


def shown_total(page: Any) -> int:
    text = page.locator("#results .results-count").inner_text()
    found = re.match(r"(\d+) artifacts?", text)
    return int(found.group(1)) if found else 0


def open_near(page: Any, site: LiveSite) -> None:
    page.goto(f"{site.url}/search")
    page.locator("details.near summary").click()
    page.select_option("#radius_km", "100")


def test_clicking_the_map_sets_the_point_and_searches_near_it(page: Any, site: LiveSite) -> None:
    open_near(page, site)
    everything = shown_total(page)
    svg = page.locator("#near-map")
    west, north, scale, squeeze = map(float, svg.get_attribute("data-frame").split(","))
    width = float(svg.get_attribute("viewBox").split()[2])
    box = svg.bounding_box()
    ratio = box["width"] / width
    x = (-110.95 - west) * squeeze * scale * ratio
    y = (north - 32.2) * scale * ratio
    svg.click(position={"x": x, "y": y})
    expect(page.locator("#near")).to_have_value("point")
    lat, lng = (float(v) for v in page.locator("#point").input_value().split(","))
    assert abs(lat - 32.2) < 1.5 and abs(lng + 110.95) < 1.5
    expect(page.locator("#near-map .picked")).to_have_attribute("visibility", "visible")
    page.wait_for_url(re.compile(r"near=-?[\d.]+%2C-?[\d.]+|near=-?[\d.]+,-?[\d.]+"))
    near = re.search(r"near=([^&]+)", page.url).group(1).replace("%2C", ",")  # type: ignore[union-attr]
    expected = api_total(page, site, near, "100")
    expect(page.locator("#results .results-count")).to_contain_text(f"{expected} artifact")
    assert 0 < expected < everything
    assert "radius_km=100" in page.url


@pytest.fixture
def located(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  geolocation=NOTTINGHAM, permissions=["geolocation"])  # fmt: skip
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_near_me_searches_near_the_location_the_browser_shares(
    located: Any, site: LiveSite
) -> None:
    page = located
    open_near(page, site)
    everything = shown_total(page)
    assert page.locator("#point").input_value() == ""
    assert "near=" not in page.url
    page.get_by_role("button", name="Near me").click()
    expect(page.locator("#point")).to_have_value("52.9500,-1.1500")
    page.wait_for_url(re.compile(r"near=52\.95"))
    expected = api_total(page, site, "52.9500,-1.1500", "100")
    expect(page.locator("#results .results-count")).to_contain_text(f"{expected} artifact")
    assert 0 < expected < everything
    expect(page.locator(".near-me-status")).to_contain_text("Searching near your location")


def test_near_me_without_permission_says_so(browser: Any, site: LiveSite) -> None:
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        open_near(page, site)
        page.get_by_role("button", name="Near me").click()
        expect(page.locator(".near-me-status")).to_contain_text("did not share your location")
        assert "near=" not in page.url
    finally:
        context.close()


def test_the_near_controls_have_no_axe_violations(browser: Any, site: LiveSite) -> None:
    from tests.browser.test_accessibility import violations

    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site.url}/search?near=32.22,-110.97&radius_km=25")
        expect(page.locator("#near-map")).to_be_visible()
        expect(page.get_by_role("button", name="Near me")).to_be_visible()
        found = violations(page)
        assert not found, found
    finally:
        context.close()
