"""Server-side tests of the web pages: the demo archive behind FastAPI's TestClient.

The client talks https (to a test server), as browsers must for the Secure cookies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from infra.bootstrap import Container, build
from infra.demo import load_demo
from infra.settings import Settings
from services.api.app import create_app
from services.indexer.runner import Indexer

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Demo:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.app = create_app(container=container)
        self.tokens = {
            role: container.archive.tokens.issue(role, f"Web {role}")[0]
            for role in ("member", "partner", "editor")
        }
        self.tokens["other-partner"] = container.archive.tokens.issue("partner", "Second")[0]

    def index(self) -> None:
        c = self.container
        Indexer(c.archive, c.search, c.coordination, publications=c.publications).catch_up()

    def client(self, role: str | None = None) -> TestClient:
        """A browser-like client; signed in through the sign-in form when a role is given."""
        client = TestClient(self.app, base_url="https://testserver", raise_server_exceptions=False)
        if role is not None:
            token = csrf_of(client.get("/signin").text)
            answer = client.post(
                "/signin",
                data={"token": self.tokens[role], "csrf": token},
                follow_redirects=False,
            )
            assert answer.status_code == 303, answer.text
        return client

    def id_of(self, title: str) -> str:
        for hit in self.client().get("/api/v1/search?per_page=100").json()["hits"]:
            if hit["title"] == title:
                return str(hit["id"])
        raise LookupError(title)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder: Path = tmp_path_factory.mktemp("web")
    # An https site, as deployed: its cookies carry the __Host- prefix.
    settings = Settings(data_dir=folder / "data", load_demo=False, base_url="https://testserver")
    container = build(settings)
    load_demo(container.archive)
    site = Demo(container)
    site.index()
    yield site
    container.close()
