"""Guided capture through the pages: the plain form (no script) and the script's
routes, each of which may be sent again after a lost answer without doing twice."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fastapi.testclient import TestClient

from tests import media_samples
from tests.web.conftest import Demo, csrf_of
from tests.web.test_editing import small_jpeg


def capture_form(client: TestClient, kind: str = "story") -> tuple[str, str]:
    page = client.get(f"/capture?kind={kind}")
    assert page.status_code == 200, page.text
    assert "microphone=(self)" in page.headers["permissions-policy"]
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    return csrf_of(page.text), nonce.group(1)


def draft(demo: Demo, client: TestClient, artifact_id: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/artifacts/{artifact_id}?view=draft", headers=bearer(demo))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def bearer(demo: Demo) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.tokens['partner']}"}


def test_the_plain_form_creates_a_story_with_its_photo_in_one_send(demo: Demo) -> None:
    client = demo.client("partner")
    csrf, nonce = capture_form(client)
    fields = {
        "csrf": csrf,
        "nonce": nonce,
        "kind": "story",
        "version": "0",
        "title": "The garden at Riverside",
        "answer_who": "Ms. Okafor's third grade",
        "answer_where": "The school garden",
        "answer_what-happened": "They planted beans.",
        "answer_what-changed": "",
        "answer_what-next": "A harvest in June.",
        "answer_more": "",
        "file_alt": "Children kneeling by a bean row",
        "action": "save",
    }
    files = {"file": ("beans.jpg", small_jpeg(), "image/jpeg")}
    sent = client.post("/capture", data=fields, files=files, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    artifact_id = sent.headers["location"].split("/")[2].split("?")[0]
    # The same form sent again (a repeat after a lost answer) finds the same draft and
    # does not attach the photo twice.
    again = client.post("/capture", data=fields, files=files, follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].split("/")[2].split("?")[0] == artifact_id

    view = draft(demo, client, artifact_id)
    assert view["title"] == "The garden at Riverside"
    assert view["body"].startswith("## Who\n\nMs. Okafor's third grade\n\n## Where")
    assert "## What changed" not in view["body"]  # an unanswered prompt adds no heading
    assert [m["alt"] for m in view["media"]] == ["Children kneeling by a bean row"]

    page = client.get(f"/capture/{artifact_id}").text
    assert "They planted beans.</textarea>" in page  # the answers read back from the text


def test_a_photo_without_alt_text_is_refused_and_nothing_is_lost(demo: Demo) -> None:
    client = demo.client("partner")
    csrf, nonce = capture_form(client)
    fields = {"csrf": csrf, "nonce": nonce, "kind": "story", "title": "No alt", "file_alt": ""}
    files = {"file": ("beans.jpg", small_jpeg(), "image/jpeg")}
    sent = client.post("/capture", data=fields, files=files)
    assert sent.status_code == 422
    assert "Say what the photo shows" in sent.text
    assert 'value="No alt"' in sent.text


def test_the_script_routes_create_once_write_once_and_resume_an_upload(demo: Demo) -> None:
    client = demo.client("partner")
    csrf, nonce = capture_form(client)
    headers = {"X-CSRF-Token": csrf}
    answers = {"who": "The fourth grade", "what-happened": "We walked the arroyo."}
    body = {"nonce": nonce, "kind": "story", "title": "Arroyo walk", "answers": answers}
    first = client.post("/capture/sync", json=body, headers=headers)
    assert first.status_code == 200, first.text
    artifact_id, version = first.json()["id"], first.json()["version"]
    # The answer was lost: the phone sends the same again, as new, and nothing doubles.
    repeat = client.post("/capture/sync", json=body, headers=headers)
    assert repeat.json() == first.json()

    # More typed; the send is lost; the next one carries what was last sent.
    typed = {**answers, "what-changed": "Questions about water."}
    lost = {**body, "id": artifact_id, "base_version": version, "answers": typed}
    assert client.post("/capture/sync", json=lost, headers=headers).status_code == 200
    more = {**typed, "what-next": "A visit to the wash."}
    later = {**lost, "answers": more, "last_title": "Arroyo walk", "last_answers": typed}
    assert client.post("/capture/sync", json=later, headers=headers).status_code == 200
    # Someone else's text, though, is not overwritten.
    stale = {**lost, "answers": {"who": "Someone else"}}
    assert client.post("/capture/sync", json=stale, headers=headers).status_code == 412

    data = media_samples.wav(1.0)
    declared = {
        "filename": "walk.wav",
        "content_type": "audio/wav",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "alt": "Wind in the arroyo",
    }
    made = client.post(f"/capture/{artifact_id}/media", json=declared, headers=headers)
    assert made.status_code == 201, made.text
    content = f"/capture/media/{made.json()['media_id']}/content"
    piece = {**headers, "Content-Type": "application/offset+octet-stream"}
    half = len(data) // 2
    cut = client.patch(content, content=data[:half], headers={**piece, "Upload-Offset": "0"})
    assert cut.headers["Upload-Offset"] == str(half)
    held = client.head(content, headers=headers)
    assert held.headers["Upload-Offset"] == str(half)
    rest = client.patch(content, content=data[half:], headers={**piece, "Upload-Offset": str(half)})
    assert rest.status_code == 204
    complete = f"/capture/media/{made.json()['media_id']}/complete"
    done = client.post(complete, headers=headers)
    assert done.status_code == 200, done.text
    assert client.post(complete, headers=headers).json() == done.json()  # sent again

    view = draft(demo, client, artifact_id)
    assert [m["alt"] for m in view["media"]] == ["Wind in the arroyo"]
    assert "## What comes next\n\nA visit to the wash." in view["body"]
    submitted = {**later, "answers": more, "base_version": done.json()["version"], "submit": True}
    submitted.pop("last_answers")
    answer = client.post("/capture/sync", json=submitted, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["in_review"] is True
    assert client.post("/capture/sync", json=submitted, headers=headers).status_code == 200


def test_the_script_routes_need_the_session_token(demo: Demo) -> None:
    client = demo.client("partner")
    _csrf, nonce = capture_form(client)
    body = {"nonce": nonce, "kind": "story", "title": "Forged", "answers": {}}
    refused = client.post("/capture/sync", json=body, headers={"X-CSRF-Token": "forged"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    member = demo.client("member")
    page = member.get("/capture")
    assert page.status_code == 403


def test_drafts_lead_to_capture_and_the_editor_offers_to_insert_each_file(demo: Demo) -> None:
    client = demo.client("partner")
    drafts = client.get("/drafts").text
    assert 'href="/capture?kind=excursion-synthesis"' in drafts
    csrf, nonce = capture_form(client)
    fields = {
        "csrf": csrf,
        "nonce": nonce,
        "kind": "story",
        "title": "Insertable",
        "file_alt": "A kite",
    }
    files = {"file": ("kite.jpg", small_jpeg(), "image/jpeg")}
    sent = client.post("/capture", data=fields, files=files, follow_redirects=False)
    artifact_id = sent.headers["location"].split("/")[2].split("?")[0]
    media_id = draft(demo, client, artifact_id)["media"][0]["id"]
    editor = client.get(f"/drafts/{artifact_id}/edit").text
    assert f'data-insert="{media_id}" data-insert-kind="image" data-insert-label="A kite"' in editor


def test_the_capture_page_in_spanish_writes_spanish_headings_and_reads_them_back(
    demo: Demo,
) -> None:
    client = demo.client("partner")
    page = client.get("/capture?kind=excursion-synthesis", headers={"Accept-Language": "es"})
    assert "¿Qué pregunta quería responder la excursión?" in page.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    fields = {
        "csrf": csrf_of(page.text),
        "nonce": nonce.group(1),
        "kind": "excursion-synthesis",
        "title": "Visita al huerto",
        "answer_question": "¿Cómo aprende un huerto?",
        "answer_saw": "Semillas y mapas.",
    }
    sent = client.post(
        "/capture", data=fields, headers={"Accept-Language": "es"}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    artifact_id = sent.headers["location"].split("/")[2].split("?")[0]
    body = draft(demo, client, artifact_id)["body"]
    assert (
        body == "## La pregunta\n\n¿Cómo aprende un huerto?\n\n## Qué vimos\n\nSemillas y mapas.\n"
    )
    again = client.get(f"/capture/{artifact_id}", headers={"Accept-Language": "es"}).text
    assert "Semillas y mapas.</textarea>" in again
    assert "## Qué vimos" not in again  # read back as answers, not left in "anything else"
