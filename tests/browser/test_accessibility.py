"""axe-core in the browser: zero WCAG 2.2 A/AA violations on the main pages.

axe is injected as an inline script, which the pages' Content-Security-Policy
rightly forbids; so this test alone opens its browser context with
``bypass_csp=True``. The other browser tests run under the real policy.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import AXE, sign_in
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        TAGS,
    )
    return found


@pytest.fixture
def a11y_context(browser: Any) -> Any:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_reader_pages_have_no_axe_violations(a11y_context: Any, site: LiveSite) -> None:
    page = a11y_context.new_page()
    artifact = site.artifact_id("When Isabel ran the conference")
    pages = {
        "home": "/",
        "search results": "/search?q=students&principle=ground-learning-in-place",
        "artifact": f"/artifacts/{artifact}",
        "term": "/terms/conditions/agency",
        "place": "/places/tucson",
        "sign-in": "/signin",
        "map": "/map",
        "history": f"/artifacts/{artifact}/history",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(f"{site.url}{path}")
        found = violations(page)
        if found:
            problems[name] = found
    assert not problems, json.dumps(problems, indent=1)


def test_the_draft_editor_has_no_axe_violations(a11y_context: Any, site: LiveSite) -> None:
    page = a11y_context.new_page()
    sign_in(page, site, "partner")
    page.goto(f"{site.url}/drafts/new")
    assert not violations(page), json.dumps(violations(page), indent=1)
    page.get_by_label("Title").fill("An accessible draft")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/edit?done=created")
    assert not (found := violations(page)), json.dumps(found, indent=1)
    page.goto(f"{site.url}/drafts")
    assert not (found := violations(page)), json.dumps(found, indent=1)
