"""Machine-readable answers are sent gzip-compressed to clients that accept it; pages are not."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, rate_limits_enabled=False)
    with build(settings) as container:
        seed_frameworks(container.archive)
        yield TestClient(create_app(container=container))


def raw(client: TestClient, path: str, encoding: str | None) -> tuple[dict[str, str], bytes]:
    """Headers and the body as sent, before any decoding by the client library."""
    headers = {"Accept-Encoding": encoding} if encoding else {"Accept-Encoding": "identity"}
    with client.stream("GET", path, headers=headers) as answer:
        assert answer.status_code == 200, path
        return dict(answer.headers), b"".join(answer.iter_raw())


def test_json_answers_are_compressed_for_clients_that_accept_gzip(client: TestClient) -> None:
    headers, body = raw(client, "/api/v1/frameworks", "gzip")
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    plain = gzip.decompress(body)
    assert len(body) * 2 < len(plain)
    assert json.loads(plain) == client.get("/api/v1/frameworks").json()


def test_clients_that_do_not_accept_gzip_get_the_plain_answer(client: TestClient) -> None:
    headers, body = raw(client, "/api/v1/frameworks", None)
    assert "content-encoding" not in headers
    assert json.loads(body)


def test_web_pages_are_not_compressed(client: TestClient) -> None:
    """Pages hold a CSRF token next to text from the address (the BREACH conditions)."""
    headers, body = raw(client, "/search?q=assessment", "gzip")
    assert "content-encoding" not in headers
    assert b"<html" in body
