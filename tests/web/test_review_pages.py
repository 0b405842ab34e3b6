"""The review conversation on the pages: an editor returns a draft from the queue with
comments, its partner answers beside the draft; the header counts unread notifications."""

from __future__ import annotations

import re
from uuid import UUID

from services.indexer.runner import Indexer
from tests.conftest import READY_STORY
from tests.web.conftest import Demo, csrf_of

GENERAL = "Tell us what the students said."
ON_BODY = "The second paragraph repeats the first."


def submitted_story(demo: Demo, title: str) -> str:
    archive = demo.container.archive
    partner = archive.tokens.authenticate(demo.tokens["partner"])
    assert partner is not None
    created = archive.artifacts.create(
        partner, "story", {**READY_STORY, "title": title, "place": "tucson"}
    )
    archive.artifacts.submit(partner, UUID(created.id), created.version)
    return created.id


def version_in(page: str, artifact_id: str) -> str:
    form = page.split(f'action="/review/{artifact_id}/return"', 1)[1]
    found = re.search(r'name="version" value="(\d+)"', form)
    assert found
    return found.group(1)


def notify(demo: Demo) -> None:
    c = demo.container
    Indexer(c.archive, c.search, c.coordination, inbox=c.inbox).catch_up()


def test_an_editor_returns_a_draft_and_its_partner_answers(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "Returned page story")
    editor = demo.client("editor")
    queue = editor.get("/review")
    assert "Return with comments" in queue.text
    assert f'for="return-body-{artifact_id}"' in queue.text  # a comment on the body
    returned = editor.post(
        f"/review/{artifact_id}/return",
        data={
            "csrf": csrf_of(queue.text),
            "version": version_in(queue.text, artifact_id),
            "comment_general": GENERAL,
            "comment_body": ON_BODY,
        },
        follow_redirects=False,
    )
    assert returned.status_code == 303, returned.text
    after = editor.get(returned.headers["location"])
    assert "Returned with comments. Its contributors were told" in after.text
    assert "Returned page story" not in after.text  # it left the queue

    partner = demo.client("partner")
    page = partner.get(f"/drafts/{artifact_id}/edit")
    assert page.status_code == 200
    assert "Review comments" in page.text
    assert GENERAL in page.text and ON_BODY in page.text
    assert "On The text:" in page.text
    ids = re.findall(r'name="comment_id" value="([^"]+)"', page.text)
    assert ids == ["r1-general", "r1-body"]  # an answer form for each comment
    answered = partner.post(
        f"/drafts/{artifact_id}/comments",
        data={
            "csrf": csrf_of(page.text),
            "comment_id": "r1-body",
            "text": "Cut it; thank you.",
            "back": "edit",
        },
        follow_redirects=True,
    )
    assert answered.status_code == 200
    assert "Your answer was added to the conversation." in answered.text
    assert "Cut it; thank you." in answered.text
    # It can be submitted again from the editor: the button is back.
    assert 'value="submit"' in answered.text

    for who in ("other-partner", "member", None):
        client = demo.client(who)
        for path in (f"/drafts/{artifact_id}/edit", f"/drafts/{artifact_id}", "/review"):
            seen = client.get(path, follow_redirects=False)
            assert seen.status_code in (303, 401, 403, 404), (who, path, seen.status_code)
            assert GENERAL not in seen.text and "Cut it" not in seen.text


def test_returning_without_a_comment_keeps_the_queue_and_says_why(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "Needs a comment story")
    editor = demo.client("editor")
    queue = editor.get("/review")
    refused = editor.post(
        f"/review/{artifact_id}/return",
        data={
            "csrf": csrf_of(queue.text),
            "version": version_in(queue.text, artifact_id),
            "comment_general": "  ",
        },
    )
    assert refused.status_code == 422
    assert "Write at least one comment" in refused.text
    assert "Needs a comment story" in refused.text
    stale = editor.post(
        f"/review/{artifact_id}/return",
        data={"csrf": csrf_of(queue.text), "version": "1", "comment_title": "Shorter"},
    )
    assert stale.status_code == 409
    assert "changed after the queue was loaded" in stale.text
    assert ">Shorter</textarea>" in stale.text  # what the editor typed is kept


def test_the_review_page_in_spanish(demo: Demo) -> None:
    submitted_story(demo, "Spanish review story")
    page = demo.client("editor").get("/review?lang=es")
    assert "Devolver con comentarios" in page.text
    assert "Comentario general" in page.text


def test_the_header_counts_unread_notifications(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "Counted story")
    archive = demo.container.archive
    editor = archive.tokens.authenticate(demo.tokens["editor"])
    me = archive.tokens.authenticate(demo.tokens["partner"])
    assert editor is not None and me is not None and me.id is not None
    version = archive.reading.get_artifact(editor, UUID(artifact_id), draft=True)["version"]
    archive.review.return_draft(editor, UUID(artifact_id), version, general="Please add a date.")
    notify(demo)
    partner = demo.client("partner")
    unread = demo.container.inbox.unread_count(me.id)
    assert unread >= 1
    page = partner.get("/search")
    assert f'<span class="count unread-count" aria-hidden="true">{unread}</span>' in page.text
    assert f'<span class="visually-hidden">({unread} unread)</span>' in page.text
    spanish = partner.get("/search?lang=es")
    assert f'<span class="visually-hidden">({unread} sin leer)</span>' in spanish.text
    inbox = partner.get("/inbox?lang=en")
    assert "Returned with comments" in inbox.text
    # The notification leads to the draft, where the comments are.
    link = f'href="/drafts/{artifact_id}/edit#conversation-{artifact_id}">Counted story'
    assert link in inbox.text
    partner.post("/inbox/read", data={"csrf": csrf_of(inbox.text)})
    assert "unread-count" not in partner.get("/search").text
    assert "unread-count" not in demo.client().get("/search").text  # nobody signed in


def test_a_resubmitted_draft_brings_its_conversation_to_the_queue(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "Second round story")
    archive = demo.container.archive
    editor = archive.tokens.authenticate(demo.tokens["editor"])
    partner = archive.tokens.authenticate(demo.tokens["partner"])
    assert editor is not None and partner is not None
    version = archive.reading.get_artifact(editor, UUID(artifact_id), draft=True)["version"]
    returned = archive.review.return_draft(
        editor, UUID(artifact_id), version, fields={"place": "Which school?"}
    )
    archive.review.answer(
        partner, UUID(artifact_id), "Desert View High.\n<b>Room 4</b>", comment_id="r1-place"
    )
    archive.artifacts.submit(partner, UUID(artifact_id), returned.version + 1)

    client = demo.client("editor")
    queue = client.get("/review")
    item = queue.text.split(f'id="r-{artifact_id}"', 1)[1].split("</article>", 1)[0]
    assert "Which school?" in item
    assert "Desert View High.<br>&lt;b&gt;Room 4&lt;/b&gt;" in item  # lines kept, markup escaped
    assert f'id="comment-{artifact_id}-r1-place"' in item
    reply = client.post(
        f"/drafts/{artifact_id}/comments",
        data={"csrf": csrf_of(queue.text), "text": "Thanks, publishing.", "back": "review"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == "/review?done=answered"


def test_answers_that_cannot_be_taken_get_an_error_page(demo: Demo) -> None:
    artifact_id = submitted_story(demo, "Error page story")
    partner = demo.client("partner")
    page = partner.get(f"/drafts/{artifact_id}/edit")
    never_returned = partner.post(
        f"/drafts/{artifact_id}/comments", data={"csrf": csrf_of(page.text), "text": "Hi"}
    )
    assert never_returned.status_code == 409
    assert "never returned" in never_returned.text
    stranger = demo.client("other-partner")
    form = stranger.get("/drafts")
    refused = stranger.post(
        f"/drafts/{artifact_id}/comments", data={"csrf": csrf_of(form.text), "text": "Hi"}
    )
    assert refused.status_code == 404
    assert "Error page story" not in refused.text
