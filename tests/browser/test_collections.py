"""Collections in a browser, on a phone-sized viewport: an editor makes a collection
through its form, adds a published artifact and a link, moves them; a reader sees them
in order; axe-core finds no violations on the list and the collection's page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser
STORY = "When Isabel ran the conference"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A context that lets axe be injected, phone-sized."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def no_violations(page: Any) -> None:
    found = violations(page)
    assert not found, json.dumps(found, indent=1)


def test_an_editor_curates_a_collection_that_readers_see(
    browser: Any, phone: Any, site: LiveSite
) -> None:
    artifact_id = site.artifact_id(STORY)
    editor = phone.new_page()
    sign_in(editor, site, "editor")
    editor.goto(f"{site.url}/collections")
    no_violations(editor)
    editor.get_by_label("Title", exact=True).fill("Tucson convening 2023")
    editor.get_by_label("Short name in addresses").fill("browser-tucson")
    editor.get_by_label("Introduction").fill("What we *learned* together.")
    editor.get_by_role("button", name="Make the collection").click()
    editor.wait_for_url("**/collections/browser-tucson?done=created")
    editor.get_by_label("Address of its page, or its id").fill(
        f"{site.url}/artifacts/{artifact_id}"
    )
    editor.get_by_role("button", name="Add to the collection").click()
    editor.wait_for_url("**/collections/browser-tucson?done=saved")
    editor.get_by_label("Address (http or https)").fill("https://example.org/elsewhere")
    editor.locator("#add-title").fill("A story elsewhere")
    with editor.expect_navigation():
        editor.get_by_role("button", name="Add the link").click()
    assert "A story elsewhere" in editor.locator("main").inner_text(), editor.content()
    with editor.expect_navigation():
        editor.get_by_role("button", name=re.compile(r"^Move up\W+A story elsewhere$")).click()
    no_violations(editor)

    reader = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    try:
        page = reader.new_page()
        page.goto(f"{site.url}/collections/browser-tucson")
        items = page.locator(".collection-item h3").all_inner_texts()
        assert items == ["A story elsewhere", STORY]
        assert page.locator("em", has_text="learned").is_visible()
        assert page.get_by_role("button", name="Remove").count() == 0
        no_violations(page)
    finally:
        reader.close()
