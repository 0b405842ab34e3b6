"""In Chromium: the editors' catalogue pages pass axe, the map fills in a point, the demo
says it is fictional, and every search facet can be reached by scrolling the page."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser


@pytest.fixture
def a11y_context(browser: Any) -> Any:
    """A context that lets axe's inline script run (see test_accessibility)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_catalogue_pages_have_no_axe_violations(a11y_context: Any, site: LiveSite) -> None:
    page = a11y_context.new_page()
    sign_in(page, site, "editor")
    problems = {}
    for path in (
        "/catalogue",
        "/catalogue/places/new?parent=tucson",
        "/places/tucson/edit",
        "/catalogue/convenings/new",
        "/catalogue/convenings/tucson-2023/excursions/new",
        "/catalogue/convenings/tucson-2023/edit",
        "/catalogue/excursions/ex-saguaro-wash-student-voice/edit",
        "/places/saguaro-wash-middle",
    ):
        page.goto(f"{site.url}{path}")
        found = violations(page)
        if found:
            problems[path] = found
    assert not problems, json.dumps(problems, indent=1)


def test_choosing_a_point_on_the_map_fills_in_the_coordinates(page: Any, site: LiveSite) -> None:
    sign_in(page, site, "editor")
    page.goto(f"{site.url}/catalogue/places/new?parent=tucson")
    assert page.locator("#field-lat").input_value() == ""
    page.locator("svg.picker").click()  # the middle of a map centred on Tucson
    lat = float(page.locator("#field-lat").input_value())
    lon = float(page.locator("#field-lon").input_value())
    assert abs(lat - 32.22) < 0.05 and abs(lon + 110.97) < 0.05
    assert page.locator("svg.picker .picked").get_attribute("visibility") == "visible"


def test_every_facet_can_be_reached_by_scrolling_the_page(page: Any, site: LiveSite) -> None:
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{site.url}/search")
    filters = page.locator("#filters")
    inner = filters.evaluate("el => el.scrollHeight - el.clientHeight")
    assert inner <= 1, "the filters scroll inside themselves"
    for group in ("Kind", "Year", "Convening"):
        heading = page.locator(".facet-group h2", has_text=group).first
        heading.scroll_into_view_if_needed()
        assert heading.is_visible(), group
        box = heading.bounding_box()
        assert box is not None and 0 <= box["y"] < 700, group
