"""Withdrawals and publishes at the same time: whatever order they land in, after the
indexer's pass no work whose consent is withdrawn is left public, and concurrent
withdrawals of one consent record it once. SQLite and PostgreSQL (``container``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from domain.artifact import Artifact
from domain.consent import Consent
from domain.errors import Conflict, InvalidInput, PublishRequirementsMissing, VersionConflict
from infra.bootstrap import Container, build_indexer
from tests.conftest import EDITOR, PARTNER, READY_STORY

WORKS = 6


def ready(container: Container, person: UUID) -> list[UUID]:
    found = []
    for n in range(WORKS):
        created = container.archive.artifacts.create(
            PARTNER,
            "story",
            {
                **READY_STORY,
                "title": f"Race {n}",
                "persons": [{"person_id": str(person), "role": "named"}],
            },
        )
        found.append(UUID(str(created.id)))
    return found


def publish(container: Container, artifact_id: UUID) -> str:
    try:
        version = container.archive.load(Artifact, artifact_id).version
        container.archive.artifacts.publish(EDITOR, artifact_id, version)
    except (
        InvalidInput,
        PublishRequirementsMissing,
    ):  # the consent was withdrawn first: publishing is refused
        return "refused"
    return "published"


def withdraw(container: Container, consent: UUID) -> str:
    try:
        container.archive.people.withdraw(PARTNER, consent, None)
    except (Conflict, VersionConflict) as exc:
        return type(exc).__name__
    return "withdrawn"


def test_publishes_racing_a_withdrawal_leave_nothing_public(container: Container) -> None:
    people = container.archive.people
    person = UUID(str(people.record(PARTNER, {"name": "Race Student"}).id))
    data: dict[str, Any] = {
        "person_id": person,
        "given_by": "person",
        "method": "online",
        "scope": "adaptable",
    }
    consent = UUID(str(people.give(PARTNER, data).id))
    works = ready(container, person)
    indexer = build_indexer(container)
    try:
        indexer.catch_up()
        with ThreadPoolExecutor(max_workers=4) as pool:
            withdrawals = [pool.submit(withdraw, container, consent) for _ in range(3)]
            published = [pool.submit(publish, container, w) for w in works]
            outcomes = [f.result() for f in published]
            ended = [f.result() for f in withdrawals]
        assert "withdrawn" in ended, ended
        indexer.catch_up()
    finally:
        indexer.close()

    recorded = container.archive.load(Consent, consent)
    assert recorded.version == 2 and recorded.withdrawn_at is not None  # given, withdrawn once
    for artifact_id, outcome in zip(works, outcomes, strict=True):
        artifact = container.archive.load(Artifact, artifact_id)
        if outcome == "published":
            assert artifact.status == "withdrawn", (artifact_id, artifact.status)
        else:
            assert artifact.status != "published"
        assert str(artifact_id) not in container.search.all_ids()
    assert [c for c in container.publications.changes(0, 100) if c.title.startswith("Race")] == []
