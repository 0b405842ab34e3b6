"""What people do on the site, in a real browser (Debian's Chromium, headless)."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import shoot, sign_in
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

SYNTHESIS = "Synthesis: showing what you know in two languages at Mesquite Ridge"


def photo() -> bytes:
    """A small generated JPEG: a sky over a field, big enough to get thumbnails."""
    image = Image.new("RGB", (640, 480), (126, 170, 209))
    image.paste((190, 160, 90), (0, 300, 640, 480))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def test_a_reader_searches_by_principle_narrows_by_place_and_compares_versions(
    page: Any, site: LiveSite
) -> None:
    page.goto(f"{site.url}/search")
    principles = page.locator("#facet-principles").locator("..")
    principles.get_by_role("link", name=re.compile("^Ground learning in place")).click()
    page.wait_for_url(re.compile(r"principle=ground-learning-in-place"))
    # The place facet is a tree: a reader opens it a level at a time, down to the school.
    for name, slug in [
        ("United States", "us"),
        ("Arizona", "arizona"),
        ("Tucson", "tucson"),
        ("Sunnyside Unified School District", "sunnyside"),
        ("Mesquite Ridge Elementary School", "mesquite-ridge-elementary"),
    ]:
        places = page.locator("#facet-place").locator("..")
        places.get_by_role("link", name=re.compile(f"^{name}")).first.click()
        page.wait_for_url(re.compile(f"place={slug}"))
    assert "principle=ground-learning-in-place" in page.url  # narrowing keeps the first filter
    results = page.locator("#results")
    assert results.get_by_role("link", name="Ground learning in place (remove filter)").is_visible()
    shoot(page, "search-results")

    results.get_by_role("link", name=SYNTHESIS).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == SYNTHESIS
    assert (
        page.get_by_role("navigation", name="Place")
        .get_by_role("link", name="Mesquite Ridge Elementary School")
        .is_visible()
    )
    shoot(page, "artifact")

    page.get_by_role("link", name="History and changes").click()
    page.get_by_role("button", name="Show changes").click()
    page.wait_for_url(re.compile(r"/diff\?from=\d+&to=\d+"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("What changed")
    assert page.locator("ins, del").count() > 0
    shoot(page, "diff")


def test_a_partner_drafts_a_story_with_a_photo_and_an_editor_publishes_it(
    browser: Any, site: LiveSite
) -> None:
    title = "Walking the arroyo with the fourth grade"
    partner = browser.new_context(viewport={"width": 1280, "height": 900})
    page = partner.new_page()
    sign_in(page, site, "partner")
    page.get_by_role("link", name="Start a new draft").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Summary").fill("A walk that turned into a lesson about water.")
    page.get_by_label("The text").fill(
        "We walked the dry wash behind the school.\n\nThe students mapped where water had run."
    )
    page.get_by_role("checkbox", name="Ground learning in place").check()
    page.get_by_role("checkbox", name="Space and Place").check()
    page.get_by_label("Place", exact=True).select_option("mesquite-ridge-elementary")
    page.get_by_label("Licence", exact=True).select_option(label="CC BY 4.0")
    page.get_by_label("Name 1").fill("Ms. Begay")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/drafts/[0-9a-f-]+/edit\?done=created"))

    page.set_input_files(
        "#file", files=[{"name": "arroyo.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    page.get_by_label("Alt text for it").fill("Students kneel in a dry sandy wash, measuring it")
    page.get_by_label("Caption for it").fill("Mapping the arroyo")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r"done=saved"))
    assert page.locator(".media-row img").count() == 1
    assert page.get_by_text("Everything needed for publishing is here.").is_visible()
    shoot(page, "draft-editor")
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_url(re.compile(r"done=submitted"))
    partner.close()

    editors = browser.new_context(viewport={"width": 1280, "height": 900})
    page = editors.new_page()
    sign_in(page, site, "editor")
    page.goto(f"{site.url}/review")
    item = page.locator("article.review-item", has_text=title)
    assert item.get_by_text("Everything needed is here.").is_visible()
    shoot(page, "review-queue")
    item.get_by_role("button", name=f"Publish “{title}”").click()
    page.wait_for_url(re.compile(r"/artifacts/[0-9a-f-]+\?done=published"))
    assert page.get_by_role("status").inner_text().startswith("Published")
    figure = page.locator("figure.media-item img")
    assert figure.get_attribute("alt") == "Students kneel in a dry sandy wash, measuring it"
    editors.close()

    readers = browser.new_context()
    page = readers.new_page()
    deadline = time.monotonic() + 10
    while True:  # the indexer follows the log in the background
        page.goto(f"{site.url}/search?q=arroyo")
        if page.get_by_role("link", name=title).count() or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert page.get_by_role("link", name=title).is_visible()
    readers.close()


def test_search_works_without_javascript(browser: Any, site: LiveSite) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site.url}/search")
    page.get_by_label("Search the archive").fill("garden")
    page.get_by_label("Search the archive").press("Enter")
    page.wait_for_url(re.compile(r"q=garden"))
    assert page.get_by_role("heading", name=re.compile(r"for “garden”")).is_visible()
    page.locator("#facet-kind").locator("..").get_by_role(
        "link", name=re.compile("^Excursion synthesis")
    ).click()
    page.wait_for_url(re.compile(r"kind=excursion-synthesis"))
    assert "q=garden" in page.url
    assert page.get_by_role(
        "link", name="Synthesis: learning from the land at Sonoran Roots"
    ).is_visible()
    shoot(page, "search-no-js")
    context.close()


def test_search_as_you_type_updates_results_and_address(page: Any, site: LiveSite) -> None:
    page.goto(f"{site.url}/search")
    heading = page.locator("#results-title")
    page.get_by_label("Search the archive").press_sequentially("famil", delay=40)
    expect(heading).to_contain_text("for “famil”")  # no page load: the script redrew it
    assert "/search" in page.url and "q=famil" in page.url  # no navigation, the URL follows
    assert page.locator("#results mark").count() > 0
    drawn = page.locator("#facets .facet").all_inner_texts()
    assert drawn
    page.goto(page.url)  # the same address, rendered by the server without the script's help
    assert page.locator("#facets .facet").all_inner_texts() == drawn


def test_the_keyboard_reaches_the_search_box_and_the_skip_link_works(
    page: Any, site: LiveSite
) -> None:
    page.goto(f"{site.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-q":
            break
    assert page.evaluate("document.activeElement.id") == "home-q"
    page.keyboard.type("belonging")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=belonging"))


def test_pages_fit_a_phone(browser: Any, site: LiveSite) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    artifact = site.artifact_id(SYNTHESIS)
    for name, path in (
        ("home", "/"),
        ("search", "/search?q=students"),
        ("artifact", f"/artifacts/{artifact}"),
        ("map", "/map"),
    ):
        page.goto(f"{site.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        shoot(page, f"phone-{name}")
    page.goto(f"{site.url}/search?q=students")
    assert page.locator("details#filters").get_attribute("open") is None  # folded on phones
    context.close()


def test_main_pages_on_a_laptop(page: Any, site: LiveSite) -> None:
    for name, path in (
        ("home", "/"),
        ("map", "/map"),
        ("term", "/terms/conditions/agency"),
        ("place", "/places/tucson"),
        ("signin", "/signin"),
        ("framework", "/terms/principles"),
    ):
        page.goto(f"{site.url}{path}")
        assert page.locator("h1").count() == 1, path
        shoot(page, name)
