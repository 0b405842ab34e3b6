"""A Spanish-speaking family member's journey, in a real browser (Debian's Chromium):
switch the site to Spanish, find stories by a principle's Spanish name and by a place,
read a story written in Spanish and open its English version; then axe-core checks the
Spanish pages visited.

The journey runs under the pages' real Content-Security-Policy. axe is injected as an
inline script, which that policy forbids, so the pages are checked afterwards in a
second browser context opened with ``bypass_csp=True`` (as in test_accessibility.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shoot
from tests.browser.test_accessibility import violations
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

STORY = "Lo que en mi casa contamos como progreso"
ENGLISH_STORY = "What we count as progress in my house"
PRINCIPLE = "Invitar con intención"


def test_a_family_member_reads_a_story_in_spanish(browser: Any, page: Any, site: LiveSite) -> None:
    visited: list[str] = []

    # The browser asks for English; the reader chooses Spanish with the switch.
    page.goto(f"{site.url}/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Español").click()
    page.wait_for_url(re.compile(r"lang=es"))
    assert page.locator("html").get_attribute("lang") == "es"
    visited.append(page.url)

    # By a principle's Spanish name: the search page's principles facet, in Spanish.
    page.goto(f"{site.url}/search")
    assert page.locator("html").get_attribute("lang") == "es", "the choice is remembered"
    principles = page.locator("#facet-principles").locator("..")
    principles.get_by_role("link", name=re.compile(f"^{PRINCIPLE}")).click()
    page.wait_for_url(re.compile(r"principle=invite-with-intention"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name=STORY)).to_be_visible()
    expect(results.get_by_role("link", name=f"{PRINCIPLE} (quitar filtro)")).to_be_visible()
    visited.append(page.url)

    # By a place: the name of the community centre typed into the search box.
    search_box = page.get_by_label("Buscar en el archivo")
    page.goto(f"{site.url}/search")
    search_box.fill("Southside")
    search_box.press("Enter")
    page.wait_for_url(re.compile(r"q=Southside"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name=STORY)).to_be_visible()
    expect(
        results.get_by_role("link", name="Síntesis: las familias en la mesa de la evaluación")
    ).to_be_visible()
    visited.append(page.url)
    shoot(page, "search-results-es")

    # Reading the story that was written first in Spanish.
    results.get_by_role("link", name=STORY).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == STORY
    expect(page.get_by_role("heading", name="El círculo de los jueves")).to_be_visible()
    expect(
        page.get_by_role("navigation", name=re.compile("Lugar")).get_by_role(
            "link", name="Southside Family Learning Center"
        )
    ).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    visited.append(page.url)
    shoot(page, "story-es")

    # Its English version, from "También en": the story in English, the pages in Spanish.
    versions = page.get_by_role("navigation", name="Otros idiomas")
    expect(versions).to_contain_text("También en:")
    versions.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == ENGLISH_STORY
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("article.artifact").get_attribute("lang") == "en"
    expect(
        page.get_by_role("navigation", name="Otros idiomas").get_by_role("link", name="Español")
    ).to_be_visible()
    hreflangs = page.locator('head link[rel="alternate"][hreflang]')
    assert sorted(hreflangs.evaluate_all("ls => ls.map(l => l.hreflang)")) == ["en", "es"]
    visited.append(page.url)
    shoot(page, "story-english-version")

    # axe-core on every Spanish page of the journey.
    checking = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        checker = checking.new_page()
        problems = {}
        for url in visited:
            spanish = url + ("&" if "?" in url else "?") + "lang=es"
            checker.goto(spanish)
            assert checker.locator("html").get_attribute("lang") == "es"
            found = violations(checker)
            if found:
                problems[url] = found
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        checking.close()
