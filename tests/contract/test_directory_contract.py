"""One contract for who is who as the notifications see it (``domain.notifications.
Directory``): the archive's directory (``services.indexer.inbox.ArchiveDirectory``) over
the in-memory, SQLite and PostgreSQL event stores, and the fake in dictionaries
(``tests.fakes.MemoryDirectory``).

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from uuid import UUID, uuid4

import pytest

from domain.access import Principal, Role
from domain.application import Archive
from domain.notifications import (
    DEFAULT_CHANNEL,
    INBOX,
    OFF,
    PUBLISHED,
    SUBMITTED,
    Directory,
    Preferences,
)
from infra.bootstrap import seed_frameworks
from infra.settings import Settings
from services.indexer.inbox import ArchiveDirectory
from tests.conftest import READY_STORY, seed_places
from tests.fakes import MemoryDirectory


class Harness(Protocol):
    def directory(self) -> Directory:
        """The directory as it stands after what the test did."""
        ...

    def principal(self, role: str, email: str | None = None) -> str: ...

    def revoke(self, principal_id: str) -> None: ...

    def artifact(self, by: str, title: str) -> UUID: ...

    def choose(self, principal_id: str, kind: str, channel: str) -> None: ...


class ArchiveHarness:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        seed_frameworks(archive)
        seed_places(archive)

    def directory(self) -> Directory:
        return ArchiveDirectory(self.archive)

    def principal(self, role: str, email: str | None = None) -> str:
        _, token_id = self.archive.tokens.issue(role, f"A {role}", email=email)
        return token_id

    def revoke(self, principal_id: str) -> None:
        self.archive.tokens.revoke(UUID(principal_id))

    def artifact(self, by: str, title: str) -> UUID:
        partner = Principal(id=by, name="A partner", role=Role.PARTNER)
        created = self.archive.artifacts.create(partner, "story", {**READY_STORY, "title": title})
        return UUID(created.id)

    def choose(self, principal_id: str, kind: str, channel: str) -> None:
        principal = Principal(id=principal_id, name="Someone", role=Role.MEMBER)
        Preferences(self.archive.store).choose(principal, {kind: channel})


class MemoryHarness:
    def __init__(self) -> None:
        self.fake = MemoryDirectory()

    def directory(self) -> Directory:
        return self.fake

    def principal(self, role: str, email: str | None = None) -> str:
        principal_id = str(uuid4())
        if role in ("editor", "admin"):
            self.fake.editor_ids.append(principal_id)
        if email is not None:
            self.fake.emails[principal_id] = email
        return principal_id

    def revoke(self, principal_id: str) -> None:
        self.fake.editor_ids = [e for e in self.fake.editor_ids if e != principal_id]
        self.fake.emails.pop(principal_id, None)

    def artifact(self, by: str, title: str) -> UUID:
        artifact_id = uuid4()
        self.fake.creators[artifact_id] = by
        self.fake.titles[artifact_id] = title
        return artifact_id

    def choose(self, principal_id: str, kind: str, channel: str) -> None:
        self.fake.channels[(principal_id, kind)] = channel


@pytest.fixture(
    params=[
        "memory",
        "archive-memory",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "memory":
        yield MemoryHarness()
        return
    if request.param == "archive-memory":
        yield ArchiveHarness(Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
        return
    settings = Settings(data_dir=tmp_path / "data", load_demo=False)
    if request.param == "postgres":
        settings = settings.model_copy(
            update={
                "database_url": request.getfixturevalue("postgres_url"),
                "database_schema": request.getfixturevalue("postgres_schema"),
            }
        )
    archive = Archive(env=settings.eventsourcing_env())
    yield ArchiveHarness(archive)
    archive.close()


def test_editors_and_admins_are_the_editors_until_revoked(harness: Harness) -> None:
    editor, admin = harness.principal("editor"), harness.principal("admin")
    harness.principal("partner")
    gone = harness.principal("editor")
    harness.revoke(gone)
    assert sorted(harness.directory().editors()) == sorted([editor, admin])


def test_an_artifacts_contributor_and_title(harness: Harness) -> None:
    partner = harness.principal("partner")
    artifact_id = harness.artifact(partner, "Morning circles")
    directory = harness.directory()
    assert directory.contributors(artifact_id) == [partner]
    assert directory.title(artifact_id) == "Morning circles"
    assert directory.contributors(uuid4()) == []
    assert directory.title(uuid4()) == ""


def test_an_email_address_until_revoked(harness: Harness) -> None:
    kept = harness.principal("partner", email="ana@example.org")
    revoked = harness.principal("partner", email="ben@example.org")
    harness.revoke(revoked)
    without = harness.principal("member")
    directory = harness.directory()
    assert directory.email(kept) == "ana@example.org"
    assert directory.email(revoked) is None
    assert directory.email(without) is None
    assert directory.email(str(uuid4())) is None
    assert directory.email("not-an-id") is None


def test_channels_are_email_until_chosen(harness: Harness) -> None:
    member = harness.principal("member")
    harness.choose(member, PUBLISHED, INBOX)
    harness.choose(member, SUBMITTED, OFF)
    directory = harness.directory()
    assert directory.channel(member, PUBLISHED) == INBOX
    assert directory.channel(member, SUBMITTED) == OFF
    assert DEFAULT_CHANNEL == "email"
    assert directory.channel(str(uuid4()), PUBLISHED) == DEFAULT_CHANNEL
