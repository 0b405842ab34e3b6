"""Resumable uploads (tus-shaped HEAD and PATCH) through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests import media_samples
from tests.api.test_media_api import complete, declare, draft
from tests.conftest import Api

PIECE = {"Content-Type": "application/offset+octet-stream"}


def started(api: Api, data: bytes, content_type: str = "audio/wav") -> tuple[str, str]:
    artifact = draft(api, {"title": "A recording from the arroyo"})
    answer = declare(api, artifact["id"], data, content_type, filename="arroyo.wav")
    assert answer.status_code == 201, answer.text
    return artifact["id"], answer.json()["media_id"]


def offset(api: Api, media_id: str, who: str = "partner") -> Any:
    return api.client.head(f"/api/v1/media/{media_id}/content", headers=api.as_(who))


def patch(api: Api, media_id: str, at: int, piece: bytes, who: str = "partner") -> Any:
    headers = api.as_(who, **PIECE, **{"Upload-Offset": str(at)})
    return api.client.patch(f"/api/v1/media/{media_id}/content", content=piece, headers=headers)


def test_an_upload_interrupted_midway_resumes_from_the_held_offset_and_attaches(
    api: Api,
) -> None:
    data = media_samples.wav(2.0)
    _artifact_id, media_id = started(api, data)
    first = offset(api, media_id)
    assert first.status_code == 200
    assert first.headers["Upload-Offset"] == "0"
    assert first.headers["Upload-Length"] == str(len(data))

    third = len(data) // 3
    sent = patch(api, media_id, 0, data[:third])
    assert sent.status_code == 204, sent.text
    assert sent.headers["Upload-Offset"] == str(third)
    # The connection drops here; the client asks where to go on, and is told.
    assert offset(api, media_id).headers["Upload-Offset"] == str(third)
    # Sending the first piece again (a retry of a piece that did arrive) is refused
    # with the offset to use, so no byte is stored twice.
    again = patch(api, media_id, 0, data[:third])
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["offset"] == third

    rest = patch(api, media_id, third, data[third:])
    assert rest.status_code == 204, rest.text
    assert rest.headers["Upload-Offset"] == str(len(data))
    done = complete(api, media_id)
    assert done.status_code == 200, done.text
    attached = [m for m in done.json()["media"] if m["id"] == media_id]
    assert len(attached) == 1
    served = api.client.get(f"/media/{media_id}", headers=api.as_("partner"))
    assert served.content == data


def test_a_piece_beyond_the_declared_size_or_without_an_offset_is_refused(api: Api) -> None:
    data = media_samples.wav(0.5)
    _artifact, media_id = started(api, data)
    too_much = patch(api, media_id, 0, data + b"extra bytes")
    assert too_much.status_code == 413
    assert offset(api, media_id).headers["Upload-Offset"] == "0"

    headers = api.as_("partner", **PIECE)
    no_offset = api.client.patch(f"/api/v1/media/{media_id}/content", content=data, headers=headers)
    assert no_offset.status_code == 422
    assert no_offset.json()["field"] == "upload_offset"

    wrong_type = api.client.patch(
        f"/api/v1/media/{media_id}/content",
        content=data,
        headers=api.as_("partner", **{"Upload-Offset": "0", "Content-Type": "audio/wav"}),
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["field"] == "content_type"


def test_only_the_declarer_may_resume_an_upload_and_a_completed_one_takes_no_more(
    api: Api,
) -> None:
    data = media_samples.wav(0.5)
    _artifact, media_id = started(api, data)
    assert offset(api, media_id, who="member").status_code in (403, 404)
    assert patch(api, media_id, 0, data, who="member").status_code in (403, 404)
    assert patch(api, media_id, 0, data).status_code == 204
    assert complete(api, media_id).status_code == 200
    late = patch(api, media_id, len(data), b"more")
    assert late.status_code == 409
    assert offset(api, media_id).status_code == 409
