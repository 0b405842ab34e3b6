"""What the review conversation left to finish on the pages: My drafts says when a
draft came back with comments, and inbox links of a draft open the draft's own pages
(an unpublished draft has no public page)."""

from __future__ import annotations

from uuid import UUID

from services.indexer.runner import Indexer
from tests.web.conftest import Demo
from tests.web.test_review_pages import submitted_story


def notify(demo: Demo) -> None:
    c = demo.container
    Indexer(c.archive, c.search, c.coordination, inbox=c.inbox).catch_up()


def test_my_drafts_says_returned_with_comments(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "A draft sent back")
    archive = demo.container.archive
    editor = archive.tokens.authenticate(demo.tokens["editor"])
    assert editor is not None
    version = archive.artifacts.load(UUID(artifact_id)).version
    archive.review.return_draft(editor, UUID(artifact_id), version, general="Say more.")
    page = demo.client("partner").get("/drafts")
    row = page.text.split("A draft sent back", 1)[1].split("</tr>", 1)[0]
    assert f'href="/drafts/{artifact_id}/edit#conversation-{artifact_id}"' in row
    assert "Returned with comments" in row
    spanish = demo.client("partner").get("/drafts?lang=es").text
    assert "Devuelta con comentarios" in spanish.split("A draft sent back", 1)[1].split("</tr>")[0]


def test_an_inbox_link_to_a_submitted_draft_opens_the_draft(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "A draft in the editor's inbox")
    notify(demo)
    editor = demo.client("editor")
    inbox = editor.get("/inbox")
    assert f'href="/drafts/{artifact_id}"' in inbox.text
    assert f'href="/artifacts/{artifact_id}"' not in inbox.text
    assert editor.get(f"/drafts/{artifact_id}").status_code == 200
    assert editor.get(f"/artifacts/{artifact_id}").status_code == 404
