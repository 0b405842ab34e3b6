"""Media through the API on S3 storage: bytes go straight to the S3 server by presigned URL.

The S3 server is moto's standalone server on loopback (tests/s3_server.py), or
a real one when COMMONPLACE_TEST_S3_URL is set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import build, seed_frameworks
from infra.media.s3 import S3MediaStore
from infra.settings import Settings
from services.api.app import create_app
from tests import media_samples
from tests.conftest import READY_STORY, seed_places
from tests.s3_server import s3_endpoint


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    with s3_endpoint() as endpoint:
        settings = Settings(
            data_dir=tmp_path,
            load_demo=False,
            media_backend="s3",
            s3_bucket=endpoint.bucket,
            s3_endpoint_url=endpoint.url,
            s3_access_key=endpoint.access_key,
            s3_secret_key=endpoint.secret_key,
            media_part_size=5 * 1024 * 1024,
        )
        container = build(settings)
        store = container.media.store
        assert isinstance(store, S3MediaStore)
        store.ensure_bucket()
        seed_frameworks(container.archive)
        seed_places(container.archive)
        tokens = {
            role: {"Authorization": "Bearer " + container.archive.tokens.issue(role, role)[0]}
            for role in ("partner", "editor")
        }
        with TestClient(create_app(container=container)) as client:
            yield client, tokens


def new_story(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/artifacts", json={"kind": "story", **READY_STORY}, headers=tokens["partner"]
    )
    return dict(response.json())


def test_photo_goes_to_s3_by_presigned_url_and_is_served_by_redirect(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, tokens = site
    story = new_story(client, tokens)
    data = media_samples.jpeg_with_gps()
    declared = client.post(
        f"/api/v1/artifacts/{story['id']}/media",
        json={
            "filename": "p.jpg",
            "content_type": "image/jpeg",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "alt": "A circle of chairs",
        },
        headers=tokens["partner"],
    ).json()
    upload = declared["upload"]
    assert "X-Amz-Signature=" in upload["url"]
    put = httpx.put(upload["url"], content=data, headers=upload["headers"])
    assert put.status_code == 200, put.text
    done = client.post(f"/api/v1/media/{declared['media_id']}/complete", headers=tokens["partner"])
    assert done.status_code == 200, done.text
    client.post(
        f"/api/v1/artifacts/{story['id']}/publish",
        headers={**tokens["editor"], "If-Match": done.headers["ETag"]},
    )
    served = client.get(f"/media/{declared['media_id']}", follow_redirects=False)
    assert served.status_code == 307
    # Cached no longer than the presigned URL (60 s) works: half its life at most.
    assert served.headers["cache-control"] == "public, max-age=30"
    assert served.headers["x-content-type-options"] == "nosniff"
    fetched = httpx.get(served.headers["location"])
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert b"secret-location" not in fetched.content
    thumbnail = client.get(f"/media/{declared['media_id']}/1280", follow_redirects=False)
    assert httpx.get(thumbnail.headers["location"]).content[8:12] == b"WEBP"


def test_large_files_go_up_in_parts(site: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, tokens = site
    story = new_story(client, tokens)
    data = media_samples.pdf() + b"%" + b"0" * (11 * 1024 * 1024)
    declared = client.post(
        f"/api/v1/artifacts/{story['id']}/media",
        json={
            "filename": "big.pdf",
            "content_type": "application/pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        headers=tokens["partner"],
    ).json()
    parts = declared["upload"]["parts"]
    size = declared["upload"]["part_size"]
    assert len(parts) == 3
    etags = []
    for part in parts:
        chunk = data[(part["part_number"] - 1) * size : part["part_number"] * size]
        response = httpx.put(part["url"], content=chunk)
        assert response.status_code == 200
        etags.append({"part_number": part["part_number"], "etag": response.headers["etag"]})
    done = client.post(
        f"/api/v1/media/{declared['media_id']}/complete",
        json={"parts": etags},
        headers=tokens["partner"],
    )
    assert done.status_code == 200, done.text
    assert done.json()["media"][0]["size"] == len(data)


def test_unreachable_storage_is_503_and_records_nothing(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        load_demo=False,
        media_backend="s3",
        s3_endpoint_url="http://127.0.0.1:9",
        s3_access_key="k",
        s3_secret_key="s",
    )
    container = build(settings)
    seed_frameworks(container.archive)
    seed_places(container.archive)
    token = container.archive.tokens.issue("partner", "p")[0]
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(container=container)) as client:
        story = new_story(client, {"partner": headers})
        head = container.archive.head
        data = media_samples.pdf()
        big = 40 * 1024 * 1024  # multi-part: the store is contacted while declaring
        response = client.post(
            f"/api/v1/artifacts/{story['id']}/media",
            json={
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size": big,
                "sha256": hashlib.sha256(data).hexdigest(),
            },
            headers=headers,
        )
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "10"
        assert container.archive.head == head, "no event recorded"
        small = client.post(
            f"/api/v1/artifacts/{story['id']}/media",
            json={
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            },
            headers=headers,
        )
        assert small.status_code == 201, "a presigned URL needs no round trip"
        completed = client.post(
            f"/api/v1/media/{small.json()['media_id']}/complete", headers=headers
        )
        assert completed.status_code == 503
        current = client.get(f"/api/v1/artifacts/{story['id']}?view=draft", headers=headers)
        assert current.json()["media"] == [] and current.json()["version"] == 1
