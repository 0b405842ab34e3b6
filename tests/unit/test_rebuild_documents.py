"""A rebuild's documents for a range of the log: the live projection's changes, for less work."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

import orjson
import pytest

from domain.application import Archive
from services.indexer import documents
from services.indexer.projection import PUBLISHED, TOPICS, SearchProjection
from services.indexer.rebuild_documents import RangeDocuments, publication
from tests.conftest import EDITOR, PARTNER


def history(archive: Archive, story: dict[str, Any]) -> Archive:
    """Publications, republications, a withdrawal for good and one published again."""
    ids = []
    for n in range(4):
        created = archive.artifacts.create(PARTNER, "story", {**story, "title": f"Story {n}"})
        archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        ids.append(UUID(created.id))
    archive.artifacts.withdraw(EDITOR, ids[0], "duplicate")
    for title in ("Second", "Third"):
        version = archive.artifacts.load(ids[1]).version
        archive.artifacts.revise(PARTNER, ids[1], version, {"title": title})
        archive.artifacts.publish(EDITOR, ids[1], version + 1)
    archive.artifacts.withdraw(EDITOR, ids[2], "consent")
    archive.artifacts.publish(EDITOR, ids[2], archive.artifacts.load(ids[2]).version)
    return archive


def started(archive: Archive) -> SearchProjection:
    projection = SearchProjection(archive)
    projection.start(0)
    return projection


def test_a_range_gives_the_projections_changes_in_the_same_order(
    archive: Archive, ready_story: dict[str, Any]
) -> None:
    history(archive, ready_story)
    batch = archive.recorder.select_notifications(1, 100, topics=list(TOPICS))
    live = started(archive).changes(batch)
    fast = RangeDocuments(started(archive))
    assert fast.fast, "the stored states are plain JSON: the fast path applies"
    ranged = fast.changes(batch)
    assert list(ranged.upserts.items()) == list(live.upserts.items())
    assert ranged.deletions == live.deletions and len(ranged.deletions) == 1


def test_only_the_last_publication_of_an_artifact_in_a_range_is_made_into_text(
    archive: Archive, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    history(archive, ready_story)
    batch = archive.recorder.select_notifications(1, 100, topics=list(TOPICS))
    bodies: list[str] = []
    plain_text = documents.plain_text
    monkeypatch.setattr(
        documents, "plain_text", lambda body: bodies.append(body) or plain_text(body)
    )
    RangeDocuments(started(archive)).changes(batch)
    assert len(bodies) == 3, "artifact 1's two earlier publications and artifact 0's are skipped"


def test_a_state_with_other_transcoded_values_is_read_by_the_mapper(
    archive: Archive, ready_story: dict[str, Any]
) -> None:
    history(archive, ready_story)
    stored = archive.recorder.select_notifications(1, 1, topics=[PUBLISHED])[0]
    event: Any = archive.mapper.to_domain_event(stored)
    assert publication(stored) == (event.content, event.at)
    state = orjson.loads(stored.state)
    state["content"]["date"] = {"_type_": "datetime_iso", "_data_": "2026-01-01T00:00:00"}
    assert publication(replace(stored, state=orjson.dumps(state))) is None
