"""Media through the API with the local-folder store, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import Response

from tests import media_samples
from tests.conftest import Api
from tests.media_samples import sha

PROBLEM = "application/problem+json"


def draft(api: Api, content: dict[str, Any]) -> dict[str, Any]:
    response = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_("partner")
    )
    assert response.status_code == 201
    return dict(response.json())


def declare(
    api: Api, artifact_id: str, data: bytes, content_type: str, who: str = "partner", **extra: Any
) -> Response:
    body = {
        "filename": extra.pop("filename", "file.bin"),
        "content_type": content_type,
        "size": len(data),
        "sha256": sha(data),
        **extra,
    }
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/media", json=body, headers=api.as_(who)
    )


def send(api: Api, declared: dict[str, Any], data: bytes, who: str = "partner") -> Response:
    upload = declared["upload"]
    return api.client.put(upload["url"], content=data, headers=api.as_(who, **upload["headers"]))


def complete(api: Api, media_id: str, who: str = "partner") -> Response:
    return api.client.post(f"/api/v1/media/{media_id}/complete", headers=api.as_(who))


def attach(
    api: Api, artifact_id: str, data: bytes, content_type: str, **extra: Any
) -> dict[str, Any]:
    declared = declare(api, artifact_id, data, content_type, **extra)
    assert declared.status_code == 201, declared.text
    assert send(api, declared.json(), data).status_code == 204
    done = complete(api, declared.json()["media_id"])
    assert done.status_code == 200, done.text
    return {
        "media_id": declared.json()["media_id"],
        "artifact": done.json(),
        "etag": done.headers["ETag"],
    }


def test_a_story_with_a_photo_a_recording_a_transcript_and_a_pdf(
    api: Api, ready_story: dict[str, Any]
) -> None:
    story = draft(api, ready_story)
    photo = attach(
        api,
        story["id"],
        media_samples.jpeg_with_gps(),
        "image/jpeg",
        filename="circle.jpg",
        alt="Students in a circle",
        caption="Monday",
    )
    audio = attach(api, story["id"], media_samples.wav(), "audio/wav", filename="talk.wav")
    transcript = attach(
        api,
        story["id"],
        media_samples.vtt(),
        "text/vtt",
        filename="talk.vtt",
        describes=audio["media_id"],
    )
    leaflet = attach(api, story["id"], media_samples.pdf(), "application/pdf", filename="plan.pdf")
    media = {m["id"]: m for m in leaflet["artifact"]["media"]}
    assert media[photo["media_id"]]["alt"] == "Students in a circle"
    assert media[photo["media_id"]]["width"] == 1600
    assert media[audio["media_id"]]["duration"] == pytest.approx(1.0, abs=0.01)
    assert media[transcript["media_id"]]["describes"] == audio["media_id"]

    publish = api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": leaflet["etag"]}),
    )
    assert publish.status_code == 200, publish.text

    image = api.client.get(f"/media/{photo['media_id']}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert b"secret-location" not in image.content and b"Exif" not in image.content
    thumb = api.client.get(f"/media/{photo['media_id']}/320")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    document = api.client.get(f"/media/{leaflet['media_id']}")
    assert document.headers["content-disposition"] == 'attachment; filename="plan.pdf"'
    assert document.content == media_samples.pdf()
    caption = api.client.get(f"/media/{transcript['media_id']}")
    assert caption.headers["content-disposition"].startswith("attachment")
    assert api.client.get(f"/media/{photo['media_id']}/9999").status_code == 404


def test_markdown_points_at_attached_media(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="A chart")
    body = f"See ![the chart](media:{photo['media_id']})."
    revised = api.client.patch(
        f"/api/v1/artifacts/{story['id']}",
        json={"body": body},
        headers=api.as_("partner", **{"If-Match": photo["etag"]}),
    )
    assert f'<img src="/media/{photo["media_id"]}" alt="the chart">' in revised.json()["body_html"]


def test_images_need_alt_text_before_publishing(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", filename="chart.png")
    refused = api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": photo["etag"]}),
    )
    assert refused.status_code == 422
    assert "alt text for the image 'chart.png'" in refused.json()["missing"]
    described = api.client.patch(
        f"/api/v1/artifacts/{story['id']}/media/{photo['media_id']}",
        json={"alt": "A bar chart"},
        headers=api.as_("partner", **{"If-Match": photo["etag"]}),
    )
    assert described.status_code == 200
    ok = api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": described.headers["ETag"]}),
    )
    assert ok.status_code == 200


def test_media_of_drafts_and_members_only_work_is_not_reachable(
    api: Api, ready_story: dict[str, Any]
) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="x")
    url = f"/media/{photo['media_id']}"
    assert api.client.get(url).status_code == 404
    assert api.client.get(url, headers=api.as_("other-partner")).status_code == 404
    assert api.client.get(url, headers=api.as_("partner")).status_code == 200
    assert api.client.get(f"/media/{'0' * 8}-0000-4000-8000-{'0' * 12}").status_code == 404
    members = draft(api, {**ready_story, "visibility": "members"})
    secret = attach(api, members["id"], media_samples.png(), "image/png", alt="x")
    api.client.post(
        f"/api/v1/artifacts/{members['id']}/publish",
        headers=api.as_("editor", **{"If-Match": secret["etag"]}),
    )
    assert api.client.get(f"/media/{secret['media_id']}").status_code == 404
    member_view = api.client.get(f"/media/{secret['media_id']}", headers=api.as_("member"))
    assert member_view.status_code == 200
    assert member_view.headers["cache-control"] == "private, no-store"


def test_detaching_keeps_bytes_that_history_refers_to(
    api: Api, ready_story: dict[str, Any]
) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="x")
    published = api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": photo["etag"]}),
    )
    detached = api.client.delete(
        f"/api/v1/artifacts/{story['id']}/media/{photo['media_id']}",
        headers=api.as_("partner", **{"If-Match": published.headers["ETag"]}),
    )
    assert detached.status_code == 200 and detached.json()["media"] == []
    assert api.client.get(f"/media/{photo['media_id']}").status_code == 200, "still published"
    service = api.client.app.state.container.media  # type: ignore[attr-defined]
    key = photo["artifact"]["media"][0]["key"]
    assert key in service.referenced_keys()
    assert key not in service.garbage(), "history still refers to the bytes"
    orphan = "objects/ab/" + "ab" * 32
    import io

    service.store.put(orphan, io.BytesIO(b"nobody refers to me"), "text/plain")
    assert service.garbage() == [orphan]


def flipped(data: bytes) -> bytes:
    """The same length, one byte different."""
    return data[:100] + bytes([data[100] ^ 1]) + data[101:]


@pytest.mark.parametrize(
    ("case", "declared_data", "content_type", "sent", "status", "words"),
    [
        (
            "checksum",
            media_samples.png(),
            "image/png",
            flipped(media_samples.png()),
            422,
            "SHA-256",
        ),
        (
            "truncated",
            media_samples.pdf(),
            "application/pdf",
            media_samples.pdf()[:40],
            422,
            "incomplete",
        ),
        (
            "png as pdf",
            media_samples.png(),
            "application/pdf",
            media_samples.png(),
            422,
            "bytes are image/png",
        ),
        (
            "html as jpeg",
            b"<html><script>alert(1)</script></html>",
            "image/jpeg",
            b"<html><script>alert(1)</script></html>",
            422,
            "bytes are text/html",
        ),
        ("bomb", media_samples.bomb(), "image/png", media_samples.bomb(), 422, "too many pixels"),
    ],
)
def test_bad_uploads_are_refused_and_record_nothing(
    api: Api,
    ready_story: dict[str, Any],
    case: str,
    declared_data: bytes,
    content_type: str,
    sent: bytes,
    status: int,
    words: str,
) -> None:
    story = draft(api, ready_story)
    declared = declare(api, story["id"], declared_data, content_type)
    assert declared.status_code == 201
    put = send(api, declared.json(), sent)
    response = complete(api, declared.json()["media_id"]) if put.status_code == 204 else put
    assert response.status_code in (status, 413), (case, response.text)
    assert response.headers["content-type"] == PROBLEM
    if response.status_code == status:
        assert words in response.json()["detail"], (case, response.json())
    current = api.client.get(
        f"/api/v1/artifacts/{story['id']}?view=draft", headers=api.as_("partner")
    )
    assert current.json()["media"] == [] and current.json()["version"] == 1, "nothing recorded"


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"content_type": "image/svg+xml"}, 422, "never accepted"),
        ({"content_type": "text/html"}, 422, "not accepted"),
        ({"content_type": "application/x-msdownload"}, 422, "not accepted"),
        ({"size": 0}, 422, "empty"),
        ({"size": 31 * 1024 * 1024}, 413, "at most"),
        ({"filename": "../../etc/passwd"}, 201, ""),
        ({"filename": "bad\x00name.png"}, 422, "U+0000"),
        ({"filename": "é" * 200 + ".png"}, 422, "longer than 255 bytes"),
        ({"sha256": "xyz"}, 422, "sha256"),
    ],
)
def test_bad_declarations(
    api: Api, ready_story: dict[str, Any], overrides: dict[str, Any], status: int, words: str
) -> None:
    story = draft(api, ready_story)
    data = media_samples.png()
    body = {
        "filename": "a.png",
        "content_type": "image/png",
        "size": len(data),
        "sha256": sha(data),
        **overrides,
    }
    response = api.client.post(
        f"/api/v1/artifacts/{story['id']}/media", json=body, headers=api.as_("partner")
    )
    assert response.status_code == status, response.text
    if status >= 400:
        assert words in response.json()["detail"]


def test_path_parts_are_removed_from_file_names(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    done = attach(
        api, story["id"], media_samples.pdf(), "application/pdf", filename="../../etc/passwd.pdf"
    )
    assert done["artifact"]["media"][0]["filename"] == "passwd.pdf"


def test_completing_twice_or_someone_elses_upload(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    data = media_samples.pdf()
    declared = declare(api, story["id"], data, "application/pdf").json()
    send(api, declared, data)
    assert complete(api, declared["media_id"], who="other-partner").status_code == 404
    assert complete(api, declared["media_id"]).status_code == 200
    again = complete(api, declared["media_id"])
    assert again.status_code == 409 and "already completed" in again.json()["detail"]
    assert (
        declare(api, story["id"], data, "application/pdf", who="other-partner").status_code == 404
    )
    assert declare(api, story["id"], data, "application/pdf", who="anonymous").status_code == 401


def test_sending_more_than_declared_is_refused(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    declared = declare(api, story["id"], media_samples.pdf(), "application/pdf").json()
    too_much = send(api, declared, media_samples.pdf() + b"extra bytes")
    assert too_much.status_code == 413


def test_search_documents_carry_media(api: Api, ready_story: dict[str, Any]) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.jpeg_with_gps(), "image/jpeg", alt="Circle")
    api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": photo["etag"]}),
    )
    from services.indexer.runner import Indexer

    container = api.client.app.state.container  # type: ignore[attr-defined]
    Indexer(container.archive, container.search, container.coordination).catch_up()
    hit = api.client.get("/api/v1/search?q=circles").json()["hits"][0]
    site = str(container.settings.base_url).rstrip("/")  # links a client follows are absolute
    assert hit["media"] == [
        {
            "id": photo["media_id"],
            "kind": "image",
            "alt": "Circle",
            "caption": "",
            "url": f"{site}/media/{photo['media_id']}",
            "thumbnail": f"{site}/media/{photo['media_id']}/320",
        }
    ]


def test_a_pixel_bomb_is_refused_with_422(api: Api, ready_story: dict[str, Any]) -> None:
    """88 Mpx in a few KB (under Pillow's own 89 Mpx limit): refused from its header."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (9400, 9400)).save(out, "PNG")
    data = out.getvalue()
    story = draft(api, ready_story)
    declared = declare(api, story["id"], data, "image/png", filename="bomb.png", alt="x")
    assert send(api, declared.json(), data).status_code == 204
    done = complete(api, declared.json()["media_id"])
    assert done.status_code == 422, done.text
    assert done.headers["content-type"] == PROBLEM
    assert "at most 40 million" in done.json()["detail"]


class StandInPresigningStore:
    """A stand-in for S3: the local store, but serving by redirect to a URL that
    expires after 60 seconds, as the S3 adapter does."""

    download_expires_in = 60

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def download_url(self, key: str, content_type: str, disposition: str) -> str:
        return f"https://objects.invalid/{key}?X-Amz-Expires={self.download_expires_in}"


def test_a_redirect_is_never_cached_longer_than_its_url_works(
    api: Api, container: Any, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="A chart")
    api.client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers=api.as_("editor", **{"If-Match": photo["etag"]}),
    )
    monkeypatch.setattr(container.media, "store", StandInPresigningStore(container.media.store))
    served = api.client.get(f"/media/{photo['media_id']}", follow_redirects=False)
    assert served.status_code == 307
    cache = served.headers["cache-control"]
    assert cache.startswith("public, max-age=")
    assert int(cache.rsplit("=", 1)[1]) < 60, cache
    monkeypatch.setattr(StandInPresigningStore, "download_expires_in", 1)
    served = api.client.get(f"/media/{photo['media_id']}", follow_redirects=False)
    assert served.headers["cache-control"] == "private, no-store"
