"""Responses on the pages: a member responds under an artifact, an editor moderates from
the queue, the author withdraws; who sees what; the pages in Spanish."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from tests.conftest import READY_STORY
from tests.web.conftest import Demo, csrf_of


def published_story(demo: Demo, title: str) -> str:
    archive = demo.container.archive
    partner = archive.tokens.authenticate(demo.tokens["partner"])
    editor = archive.tokens.authenticate(demo.tokens["editor"])
    assert partner is not None and editor is not None
    created = archive.artifacts.create(
        partner, "story", {**READY_STORY, "title": title, "place": "tucson"}
    )
    archive.artifacts.publish(editor, UUID(created.id), created.version)
    return created.id


def respond(client: TestClient, artifact_id: str, text: str, **extra: str) -> Any:
    page = client.get(f"/artifacts/{artifact_id}")
    assert page.status_code == 200, page.text
    return client.post(
        f"/artifacts/{artifact_id}/responses",
        data={"csrf": csrf_of(page.text), "text": text, **extra},
        follow_redirects=False,
    )


def response_ids(html: str) -> list[str]:
    return re.findall(r'<article class="response" id="response-([0-9a-f-]+)"', html)


def test_respond_moderate_and_withdraw(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story members respond to")
    member = demo.client("member")
    sent = respond(member, artifact_id, "We tried *morning circles* too.")
    assert sent.status_code == 303
    location = sent.headers["location"]
    mine = member.get(location)
    assert "Your response waits for an editor" in mine.text
    assert "<em>morning circles</em>" in mine.text
    assert "Waiting for moderation" in mine.text
    [response_id] = response_ids(mine.text)

    # Not shown to other readers until approved.
    for reader in (demo.client(), demo.client("other-partner")):
        assert "morning circles" not in reader.get(f"/artifacts/{artifact_id}").text

    editor = demo.client("editor")
    queue = editor.get("/responses/moderation")
    assert queue.status_code == 200
    assert "A story members respond to" in queue.text
    approved = editor.post(
        f"/responses/{response_id}/approve",
        data={"csrf": csrf_of(queue.text)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    after = editor.get(approved.headers["location"])
    assert "Approved: readers of the artifact see the response now." in after.text
    assert "A story members respond to" not in after.text

    anonymous = demo.client().get(f"/artifacts/{artifact_id}")
    assert "<em>morning circles</em>" in anonymous.text
    assert "Withdraw my response" not in anonymous.text
    assert "Sign in to respond" in anonymous.text

    page = member.get(f"/artifacts/{artifact_id}")
    assert "Withdraw my response" in page.text
    withdrawn = member.post(
        f"/responses/{response_id}/withdraw",
        data={"csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    for reader in (demo.client(), member, editor):
        assert "morning circles" not in reader.get(f"/artifacts/{artifact_id}").text


def test_declined_response_shows_its_reason_to_its_author_only(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story with a declined response")
    member = demo.client("member")
    respond(member, artifact_id, "This names a student by name.")
    [response_id] = response_ids(member.get(f"/artifacts/{artifact_id}").text)
    editor = demo.client("editor")
    queue = editor.get("/responses/moderation")
    empty = editor.post(
        f"/responses/{response_id}/decline",
        data={"csrf": csrf_of(queue.text), "reason": ""},
    )
    assert empty.status_code == 422
    assert "Give a reason for declining" in empty.text
    declined = editor.post(
        f"/responses/{response_id}/decline",
        data={"csrf": csrf_of(queue.text), "reason": "Please leave out names."},
        follow_redirects=False,
    )
    assert declined.status_code == 303
    assert (
        "Why it was declined: Please leave out names."
        in member.get(f"/artifacts/{artifact_id}").text
    )
    assert (
        "names a student" not in demo.client("other-partner").get(f"/artifacts/{artifact_id}").text
    )


def test_refused_text_comes_back_in_the_form(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story with a refused response")
    member = demo.client("member")
    refused = respond(member, artifact_id, "bell \x07 rings")
    assert refused.status_code == 422
    assert "U+0007" in refused.text
    assert "This could not be sent yet" in refused.text
    assert 'name="text"' in refused.text


def test_forms_need_the_session_csrf_token(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story whose form needs its token")
    member = demo.client("member")
    member.get(f"/artifacts/{artifact_id}")
    forged = member.post(
        f"/artifacts/{artifact_id}/responses", data={"csrf": "forged", "text": "Hello there"}
    )
    assert forged.status_code == 403
    assert "Hello there" not in member.get(f"/artifacts/{artifact_id}").text


def test_moderation_is_for_editors(demo: Demo) -> None:
    assert demo.client("member").get("/responses/moderation").status_code == 403
    signin = demo.client().get("/responses/moderation", follow_redirects=False)
    assert signin.status_code == 303
    assert signin.headers["location"].startswith("/signin")


def test_the_pages_in_spanish(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story read in Spanish")
    member = demo.client("member")
    page = member.get(f"/artifacts/{artifact_id}?lang=es")
    assert "Respuestas" in page.text
    assert "Enviar para moderación" in page.text
    sent = respond(member, artifact_id, "Una reflexión.")
    assert sent.status_code == 303
    after = member.get(f"/artifacts/{artifact_id}?lang=es")
    assert "Esperando moderación" in after.text
    editor = demo.client("editor")
    queue = editor.get("/responses/moderation?lang=es")
    assert "Respuestas por moderar" in queue.text
    assert "Aprobar" in queue.text


def test_an_error_page_gives_the_detail_in_spanish(demo: Demo) -> None:
    artifact_id = published_story(demo, "A story with a Spanish error page")
    member = demo.client("member")
    respond(member, artifact_id, "To be declined in Spanish.")
    [response_id] = response_ids(member.get(f"/artifacts/{artifact_id}").text)
    editor = demo.client("editor")
    queue = editor.get("/responses/moderation?lang=es")
    refused = editor.post(
        f"/responses/{response_id}/decline?lang=es",
        data={"csrf": csrf_of(queue.text), "reason": " "},
    )
    assert refused.status_code == 422
    assert refused.headers["content-language"] == "es"
    assert "Indica un motivo para rechazar la respuesta" in refused.text
    assert "Give a reason for declining" not in refused.text
