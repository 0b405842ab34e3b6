"""Shared fixtures: every integration and API test runs on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by COMMONPLACE_TEST_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), each test in a schema of its own.
Without a server they are skipped with the reason shown; when
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (as in CI) a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.access import SYSTEM, Principal, Role
from domain.application import Archive
from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app

POSTGRES_URL = os.environ.get(
    "COMMONPLACE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = bool(os.environ.get("COMMONPLACE_TEST_REQUIRE_POSTGRES"))

EDITOR = Principal(id="editor-1", name="Editor", role=Role.EDITOR)
PARTNER = Principal(id="partner-1", name="Partner", role=Role.PARTNER)
OTHER_PARTNER = Principal(id="partner-2", name="Other partner", role=Role.PARTNER)
MEMBER = Principal(id="member-1", name="Member", role=Role.MEMBER)


def _postgres_unavailable() -> str | None:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {error}".strip()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_unavailable()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{problem} (required: COMMONPLACE_TEST_REQUIRE_POSTGRES is set)")
        pytest.skip(problem)
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    import psycopg

    schema = f"cp_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield schema
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    base = Settings(data_dir=tmp_path / "data", load_demo=False)
    if request.param == "sqlite":
        return base
    schema = request.getfixturevalue("postgres_schema")
    url = request.getfixturevalue("postgres_url")
    return base.model_copy(update={"database_url": url, "database_schema": schema})


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    built = build(settings)
    seed_frameworks(built.archive)
    seed_places(built.archive)
    yield built
    built.close()


@pytest.fixture
def archive(container: Container) -> Archive:
    return container.archive


def seed_places(archive: Archive) -> None:
    """A small gazetteer and one convening with one excursion."""
    places = [
        ("us", "United States", "country", None, 39.8, -98.6),
        ("arizona", "Arizona", "region", "us", 34.3, -111.7),
        ("tucson", "Tucson", "city", "arizona", 32.22, -110.97),
        ("sunnyside", "Sunnyside Unified School District", "district", "tucson", 32.14, -110.95),
        ("desert-view", "Desert View High School", "school", "sunnyside", 32.13, -110.93),
        ("england", "England", "region", None, 52.4, -1.5),
    ]
    for slug, name, kind, parent, lat, lon in places:
        archive.catalogue.register_place(
            SYSTEM,
            {
                "slug": slug,
                "name": name,
                "kind": kind,
                "parent": parent,
                "lat": lat,
                "lon": lon,
                "identifiers": {},
            },
        )
    archive.catalogue.schedule_convening(
        SYSTEM,
        {
            "slug": "tucson-2023",
            "title": "Tucson convening",
            "place": "tucson",
            "starts": "2023-02-14",
            "ends": "2023-02-17",
            "question": "q",
            "summary": "s",
        },
    )
    archive.catalogue.plan_excursion(
        SYSTEM,
        {
            "slug": "desert-view-voice",
            "convening": "tucson-2023",
            "title": "Student voice",
            "host_place": "desert-view",
            "big_question": "How?",
            "date": "2023-02-16",
            "leaders": [{"name": "Ana R.", "role": "local-leader"}],
        },
    )


READY_STORY = {
    "title": "Morning circles at Desert View",
    "summary": "How a ninth-grade team began each day by listening.",
    "body": "# Morning circles\n\nWe began with *listening*.",
    "contributors": [{"name": "Ms. Lopez", "role": "storyteller"}],
    "terms": ["principles:lead-with-learning", "conditions:culture"],
    "place": "desert-view",
    "licence": "https://creativecommons.org/licenses/by/4.0/",
    "themes": ["belonging"],
    "date": "2023-02-16",
}


@pytest.fixture
def ready_story() -> dict[str, object]:
    return dict(READY_STORY)


# -- HTTP ---------------------------------------------------------------------


class Api:
    """A test client with a token per role."""

    def __init__(self, client: TestClient, archive: Archive) -> None:
        self.client = client
        self.archive = archive
        self.auth: dict[str, dict[str, str]] = {"anonymous": {}}
        for role in ("member", "partner", "editor", "admin"):
            token, _ = archive.tokens.issue(role, f"Test {role}")
            self.auth[role] = {"Authorization": f"Bearer {token}"}
        token, _ = archive.tokens.issue("partner", "Second partner")
        self.auth["other-partner"] = {"Authorization": f"Bearer {token}"}

    def as_(self, who: str, **headers: str) -> dict[str, str]:
        return {**self.auth[who], **headers}


@pytest.fixture
def api(container: Container) -> Iterator[Api]:
    with TestClient(create_app(container=container), raise_server_exceptions=False) as client:
        yield Api(client, container.archive)
