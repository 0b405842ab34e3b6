"""Drafting, uploading, reviewing and publishing through the pages, and edit conflicts."""

from __future__ import annotations

import io
import re
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.web.conftest import Demo, csrf_of

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def editor_fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "story",
        "title": "Listening circles at Riverside",
        "summary": "Teachers listened before they assessed.",
        "body": "We started every morning by listening.\n\nThen we wrote it down.",
        "contributor_name": ["Ms. Okafor"],
        "contributor_role": ["storyteller"],
        "term": ["principles:lead-with-learning", "conditions:relationships"],
        "place": "riverside-primary",
        "licence": LICENCE,
        "visibility": "public",
        "language": "en",
        "themes": "listening, mornings",
        "action": "save",
    }
    fields.update(changes)
    return fields


def create(demo: Demo, client: TestClient, **changes: object) -> str:
    page = client.get("/drafts/new").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/drafts/new",
        data={**editor_fields(**changes), "csrf": csrf_of(page), "nonce": nonce},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"].split("/")[2]


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)  # type: ignore[union-attr]


def test_a_partner_drafts_uploads_a_photo_and_submits(demo: Demo) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client)
    page = client.get(f"/drafts/{artifact_id}/edit").text
    assert "Listening circles at Riverside" in page
    answer = client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(),
            "csrf": csrf_of(page),
            "version": version_of(page),
            "file_alt": "",
            "file_caption": "The circle of chairs",
        },
        files={"file": ("circle.jpg", small_jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 200
    assert "circle.jpg" in answer.text
    assert "alt text for the image" in answer.text  # the checklist names what is missing
    media_id = re.search(r'name="media_alt_([0-9a-f-]+)"', answer.text).group(1)  # type: ignore[union-attr]
    answer = client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(action="submit"),
            "csrf": csrf_of(answer.text),
            "version": version_of(answer.text),
            f"media_alt_{media_id}": "Six chairs in a circle",
        },
    )
    assert "Submitted for review" in answer.text
    assert "Everything needed for publishing is here" in answer.text
    image = client.get(f"/files/{media_id}")
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/")

    editor = demo.client("editor")
    queue = editor.get("/review").text
    assert "Listening circles at Riverside" in queue
    form = queue[queue.index(f"/review/{artifact_id}/publish") :]
    published = editor.post(
        f"/review/{artifact_id}/publish",
        data={"csrf": csrf_of(queue), "version": version_of(form)},
        follow_redirects=False,
    )
    assert published.status_code == 303
    demo.index()
    found = demo.client().get("/search?q=listening+circles").text
    assert "Listening circles at Riverside" in found
    public = demo.client().get(f"/artifacts/{artifact_id}").text
    assert 'alt="Six chairs in a circle"' in public and f"/media/{media_id}" in public


def test_the_review_queue_shows_the_checklist_before_publishing(demo: Demo) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client, title="Half ready", term=[], licence="", place="")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="Half ready", term=[], licence="", place="", action="submit"),
            "csrf": csrf_of(page),
            "version": version_of(page),
        },
    )
    editor = demo.client("editor")
    queue = editor.get("/review").text
    item = queue[queue.index("Half ready") :]
    for missing in ("at least one principle of practice", "a place", "a licence"):
        assert missing in item
    form = item[item.index(f"/review/{artifact_id}/publish") :]
    refused = editor.post(
        f"/review/{artifact_id}/publish",
        data={"csrf": csrf_of(queue), "version": version_of(form)},
    )
    assert refused.status_code == 422
    assert "at least one principle of practice" in refused.text


def test_a_concurrent_edit_is_caught_and_the_typed_text_kept(demo: Demo) -> None:
    mine, theirs = demo.client("partner"), demo.client("partner")
    artifact_id = create(demo, mine, title="Two hands on one draft")
    my_page = mine.get(f"/drafts/{artifact_id}/edit").text
    their_page = theirs.get(f"/drafts/{artifact_id}/edit").text
    saved = theirs.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="Their better title"),
            "csrf": csrf_of(their_page),
            "version": version_of(their_page),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    typed = "My long paragraph that took twenty minutes to write.\n\nAnd another one."
    conflict = mine.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="My own title", body=typed),
            "csrf": csrf_of(my_page),
            "version": version_of(my_page),
        },
    )
    assert conflict.status_code == 409
    text = conflict.text
    assert "Someone else changed this draft" in text
    assert "My long paragraph that took twenty minutes to write." in text  # still in the form
    assert 'value="My own title"' in text
    assert "Their better title" in re.sub(r"<[^>]+>", "", text)  # what they changed is shown
    # Saving again on purpose replaces their version (theirs stays in the history).
    again = mine.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="My own title", body=typed),
            "csrf": csrf_of(text),
            "version": version_of(text),
        },
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert "My own title" in mine.get(f"/drafts/{artifact_id}/edit").text


def test_preview_renders_without_saving(demo: Demo) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client, title="Preview me")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    preview = client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(
                title="Preview me",
                body="## A heading\n\n<script>x</script> *soft*",
                action="preview",
            ),
            "csrf": csrf_of(page),
            "version": version_of(page),
        },
    )
    assert preview.status_code == 200
    assert "<h2>A heading</h2>" in preview.text and "<em>soft</em>" in preview.text
    assert "<script>x</script>" not in preview.text
    assert version_of(preview.text) == version_of(page)  # nothing was saved
    live = client.post("/drafts/preview", data={"csrf": csrf_of(page), "body": "**bold**"})
    assert live.text.strip() == "<p><strong>bold</strong></p>"


def test_an_invalid_value_is_explained_and_the_form_kept(demo: Demo) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client, title="Bad date")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    answer = client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="Bad date", language="not a language", body="Kept text"),
            "csrf": csrf_of(page),
            "version": version_of(page),
        },
    )
    assert answer.status_code == 422
    assert "Kept text" in answer.text and 'aria-invalid="true"' in answer.text


def test_withdrawing_from_the_artifact_page(demo: Demo) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client, title="Soon withdrawn")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="Soon withdrawn", action="submit"),
            "csrf": csrf_of(page),
            "version": version_of(page),
        },
    )
    editor = demo.client("editor")
    queue = editor.get("/review").text
    form = queue[queue.index(f"/review/{artifact_id}/publish") :]
    editor.post(
        f"/review/{artifact_id}/publish", data={"csrf": csrf_of(queue), "version": version_of(form)}
    )
    article = editor.get(f"/artifacts/{artifact_id}").text
    assert "Withdraw from the archive" in article
    done = editor.post(
        f"/artifacts/{artifact_id}/withdraw",
        data={"csrf": csrf_of(article), "version": version_of(article), "reason": "Consent ended."},
        follow_redirects=False,
    )
    assert done.status_code == 303
    gone = demo.client().get(f"/artifacts/{artifact_id}")
    assert gone.status_code == 410 and "Consent ended." in gone.text


def test_a_save_with_a_file_while_storage_is_down_records_nothing_and_keeps_the_form(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3 unreachable (nothing listens on port 9): the text and the file are saved
    together or not at all, and what was typed is shown again."""
    from infra.media.s3 import S3MediaStore

    client = demo.client("partner")
    artifact_id = create(demo, client, title="Saved with a photo")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    before = demo.container.archive.artifacts.load(UUID(artifact_id)).version
    down = S3MediaStore(
        "cp-down", endpoint_url="http://127.0.0.1:9", access_key="k", secret_key="s"
    )
    monkeypatch.setattr(demo.container.media, "store", down)
    typed = "A paragraph typed while the storage was down."
    answer = client.post(
        f"/drafts/{artifact_id}/content",
        data={
            **editor_fields(title="Saved with a photo", body=typed),
            "csrf": csrf_of(page),
            "version": version_of(page),
            "file_alt": "Chairs",
            "file_caption": "",
        },
        files={"file": ("circle.jpg", small_jpeg(), "image/jpeg")},
    )
    assert answer.status_code == 503
    assert answer.headers["retry-after"]
    assert typed in answer.text, "the typed form is shown again"
    assert "nothing was saved" in answer.text
    assert demo.container.archive.artifacts.load(UUID(artifact_id)).version == before
    assert version_of(answer.text) == str(before)


@pytest.mark.parametrize("version", ["abc", "1e3", "-1", "\uff11"])
def test_a_version_that_is_not_a_number_is_refused_not_a_500(demo: Demo, version: str) -> None:
    client = demo.client("partner")
    artifact_id = create(demo, client, title="Odd versions")
    page = client.get(f"/drafts/{artifact_id}/edit").text
    answer = client.post(
        f"/drafts/{artifact_id}/content",
        data={**editor_fields(body="Kept"), "csrf": csrf_of(page), "version": version},
    )
    assert answer.status_code == 422, answer.status_code
    assert "Kept" in answer.text
    editor = demo.client("editor")
    queue = editor.get("/review").text
    published = editor.post(
        f"/review/{artifact_id}/publish", data={"csrf": csrf_of(queue), "version": version}
    )
    assert published.status_code == 422, published.status_code
