"""The inbox page: the signed-in principal's notifications, marking read, choosing."""

from __future__ import annotations

from uuid import UUID

from services.indexer.runner import Indexer
from tests.conftest import READY_STORY
from tests.web.conftest import Demo, csrf_of


def publish_a_story(demo: Demo) -> str:
    archive = demo.container.archive
    partner = archive.tokens.authenticate(demo.tokens["partner"])
    editor = archive.tokens.authenticate(demo.tokens["editor"])
    assert partner is not None and editor is not None
    story = {**READY_STORY, "title": "Inbox page story"}
    story["place"] = "tucson"
    created = archive.artifacts.create(partner, "story", story)
    submitted = archive.artifacts.submit(partner, UUID(created.id), created.version)
    archive.artifacts.publish(editor, UUID(created.id), submitted.version)
    c = demo.container
    Indexer(c.archive, c.search, c.coordination, inbox=c.inbox).catch_up()
    return created.id


def test_the_inbox_shows_ones_own_notifications_and_marks_them_read(demo: Demo) -> None:
    artifact = publish_a_story(demo)
    partner = demo.client("partner")
    page = partner.get("/inbox")
    assert page.status_code == 200
    assert f'href="/artifacts/{artifact}">Inbox page story</a>' in page.text
    assert "1 unread" in page.text
    assert '<a href="/inbox" aria-current="page">Inbox <span class="count unread' in page.text
    assert "Inbox page story" not in demo.client("other-partner").get("/inbox").text
    assert "Inbox page story" in demo.client("editor").get("/inbox").text  # submitted
    marked = partner.post("/inbox/read", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert marked.status_code == 303
    assert "0 unread" in partner.get("/inbox").text


def test_choices_are_saved_from_the_form(demo: Demo) -> None:
    partner = demo.client("partner")
    page = partner.get("/inbox")
    saved = partner.post(
        "/inbox/preferences",
        data={"csrf": csrf_of(page.text), "published": "off", "withdrawn": "inbox"},
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert '<option value="off" selected>' in saved.text
    refused = partner.post(
        "/inbox/preferences", data={"csrf": csrf_of(page.text), "published": "carrier-pigeon"}
    )
    assert refused.status_code == 422


def test_signed_out_visitors_are_sent_to_sign_in(demo: Demo) -> None:
    answer = demo.client().get("/inbox", follow_redirects=False)
    assert answer.status_code in (303, 401)
    assert demo.client().post("/inbox/read", data={}).status_code == 403
