"""URLs a client is told to fetch or send to are absolute, from the site's BASE_URL,
so that ``curl -X PUT "$UPLOAD_URL"`` works without knowing which site it came from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from services.api.urls import absolute, search_answer
from tests import media_samples
from tests.media_samples import sha

BASE = "https://archive.example.org"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Container]]:
    settings = Settings(
        data_dir=tmp_path / "data", load_demo=False, base_url=BASE + "/", media_part_size=5_000
    )
    with build(settings) as container:
        seed_frameworks(container.archive)
        token, _ = container.archive.tokens.issue("partner", "Partner")
        with TestClient(create_app(container=container), base_url=BASE) as client:
            yield client, {"Authorization": f"Bearer {token}"}, container


def _declare(
    client: TestClient, auth: dict[str, str], data: bytes, kind: str = "image/png"
) -> dict[str, object]:
    created = client.post("/api/v1/artifacts", json={"kind": "story", "title": "T"}, headers=auth)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"{BASE}/api/v1/artifacts/{created.json()['id']}"
    body = {"filename": "a", "content_type": kind, "size": len(data), "sha256": sha(data)}
    artifact = created.json()["id"]
    declared = client.post(f"/api/v1/artifacts/{artifact}/media", json=body, headers=auth)
    assert declared.status_code == 201, declared.text
    return dict(declared.json())


def test_a_single_upload_is_told_absolute_urls(
    site: tuple[TestClient, dict[str, str], Container],
) -> None:
    client, auth, _ = site
    data = media_samples.png(20, 20)
    assert len(data) <= 5_000
    answer = _declare(client, auth, data)
    upload = answer["upload"]
    assert isinstance(upload, dict)
    media_id = answer["media_id"]
    assert upload["url"] == f"{BASE}/api/v1/media/{media_id}/content"
    assert answer["complete_url"] == f"{BASE}/api/v1/media/{media_id}/complete"
    sent = client.put(upload["url"], content=data, headers={**auth, **upload["headers"]})
    assert sent.status_code == 204, sent.text
    done = client.post(str(answer["complete_url"]), headers=auth)
    assert done.status_code == 200, done.text


def test_each_part_of_a_large_upload_has_an_absolute_url(
    site: tuple[TestClient, dict[str, str], Container],
) -> None:
    client, auth, _ = site
    data = media_samples.wav(1.0)
    assert len(data) > 5_000
    upload = _declare(client, auth, data, "audio/wav")["upload"]
    assert isinstance(upload, dict) and len(upload["parts"]) > 1
    for part in upload["parts"]:
        assert part["url"].startswith(f"{BASE}/api/v1/media/"), part


def test_search_results_link_to_absolute_addresses() -> None:
    result = {
        "total": 1,
        "hits": [
            {
                "id": "a",
                "url": "/api/v1/artifacts/a",
                "media": [{"id": "m", "url": "/media/m", "thumbnail": "/media/m/320"}],
            }
        ],
    }
    hit = search_answer(BASE + "/", result)["hits"][0]
    assert hit["url"] == f"{BASE}/api/v1/artifacts/a"
    assert hit["media"][0]["url"] == f"{BASE}/media/m"
    assert hit["media"][0]["thumbnail"] == f"{BASE}/media/m/320"
    assert absolute(BASE, "https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert absolute(BASE, "//elsewhere.example/x") == "//elsewhere.example/x"


def test_a_new_place_is_located_by_an_absolute_url(
    site: tuple[TestClient, dict[str, str], Container],
) -> None:
    client, _, container = site
    editor = container.archive.tokens.issue("editor", "Editor")[0]
    place = {"slug": "harbour-school", "name": "Harbour School", "kind": "school"}
    answer = client.post(
        "/api/v1/places", json=place, headers={"Authorization": f"Bearer {editor}"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["Location"] == f"{BASE}/api/v1/places/harbour-school"
