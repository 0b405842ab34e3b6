"""The review conversation in a browser: an editor returns a draft with comments, the
partner finds it through the header's unread count and answers beside the draft; axe-core
finds no violations on the pages on the way."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from services.indexer.inbox import InboxView
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.conftest import READY_STORY
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser
TITLE = "Browser review story"
COMMENT = "Tell us what the students said."
ON_BODY = "The second paragraph repeats the first."
ANSWER = "Added what two of them said."


@pytest.fixture
def open_context(browser: Any) -> Iterator[Any]:
    """A context that lets axe be injected (as the accessibility test's does)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def submitted(site: LiveSite) -> str:
    archive = site.container.archive
    partner = archive.tokens.authenticate(site.tokens["partner"])
    assert partner is not None
    created = archive.artifacts.create(
        partner, "story", {**READY_STORY, "title": TITLE, "place": "tucson"}
    )
    archive.artifacts.submit(partner, UUID(created.id), created.version)
    return created.id


def no_violations(page: Any) -> None:
    found = violations(page)
    assert not found, json.dumps(found, indent=1)


def test_return_then_answer_beside_the_draft(
    browser: Any, open_context: Any, site: LiveSite
) -> None:
    artifact_id = submitted(site)
    editor = open_context.new_page()
    sign_in(editor, site, "editor")
    editor.goto(f"{site.url}/review")
    item = editor.locator("article", has_text=TITLE)
    item.locator("summary", has_text="Return with comments").click()
    item.get_by_label("General comment").fill(COMMENT)
    item.get_by_label("On The text:").fill(ON_BODY)
    no_violations(editor)
    item.get_by_role("button", name=f"Return “{TITLE}” with comments").click()
    editor.wait_for_url("**/review?done=returned")
    assert TITLE not in editor.locator("main").inner_text()
    no_violations(editor)

    # The live site's indexer keeps search and publications; the inbox is projected here.
    inbox = InboxView(site.container.archive, site.container.inbox)
    while inbox.step():
        pass

    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    try:
        partner = context.new_page()
        sign_in(partner, site, "partner")
        # The session's site is shared: other tests may have told this partner things too.
        link = partner.get_by_role("link", name=re.compile(r"^Inbox \(\d+ unread\)$"))
        assert link.is_visible()
        link.click()
        partner.get_by_role("link", name=TITLE).click()
        partner.wait_for_url(f"**/drafts/{artifact_id}/edit#conversation-{artifact_id}")
        conversation = partner.get_by_role("region", name="Review comments")
        assert COMMENT in conversation.inner_text() and ON_BODY in conversation.inner_text()
        no_violations(partner)
        conversation.get_by_label("Your answer to this comment").last.fill(ANSWER)
        conversation.get_by_role("button", name="Send the answer").nth(1).click()
        partner.wait_for_url("**/edit?done=answered*")
        assert ANSWER in partner.get_by_role("region", name="Review comments").inner_text()
        no_violations(partner)
    finally:
        context.close()
