"""The artifact list is served from summaries: a page loads only the artifacts it
shows, and a change made a moment ago (here or by another process) shows at once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application

from domain.access import Principal, Role
from domain.artifact import Artifact
from domain.artifact_queries import ArtifactQueries
from domain.store import A, ApplicationStore

NOW = datetime(2023, 2, 17, tzinfo=UTC)
PARTNER = Principal(id="p1", name="Partner", role=Role.PARTNER)
OTHER = Principal(id="p2", name="Other partner", role=Role.PARTNER)
EDITOR = Principal(id="e1", name="Editor", role=Role.EDITOR)
READER = Principal(id=None, name="anonymous", role=None)
COMPLETE = {
    "title": "T",
    "body": "B",
    "terms": ["principles:ground-learning-in-place"],
    "place": "tucson",
    "licence": "all-rights-reserved",
}


class CountingStore(ApplicationStore):
    """The real store port over an in-memory application, counting aggregate loads."""

    def __init__(self, app: Application[UUID]) -> None:
        super().__init__(app)
        self.loads = 0

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        self.loads += 1
        return super().load(cls, aggregate_id, version)


def new(store: CountingStore, by: str = "p1", **content: Any) -> Artifact:
    artifact = Artifact(id=uuid4(), kind="story", content={**COMPLETE, **content}, by=by)  # type: ignore[call-arg]
    store.save(artifact)
    return artifact


def publish(store: CountingStore, artifact: Artifact, **content: Any) -> None:
    artifact.publish(
        source_version=artifact.version,
        content={**artifact.content, **content},
        by="e1",
        at=NOW,
    )
    store.save(artifact)


def test_a_page_loads_only_the_artifacts_it_shows() -> None:
    store = CountingStore(Application())
    queries = ArtifactQueries(store)
    for _ in range(40):
        publish(store, new(store))
    queries.list_artifacts(READER, limit=1)  # the first look summarises every artifact
    store.loads = 0
    page = queries.list_artifacts(READER, limit=5)
    assert len(page["items"]) == 5
    assert store.loads == 5
    store.loads = 0
    drafts = queries.list_artifacts(PARTNER, mine=True, status="draft")
    assert drafts["items"] == []
    assert store.loads == 0, "summaries rule out the published ones without loading them"


def test_a_new_draft_is_listed_and_queued_for_review_at_once() -> None:
    store = CountingStore(Application())
    queries = ArtifactQueries(store)
    assert queries.list_artifacts(PARTNER, mine=True)["items"] == []
    draft = new(store, title="Fresh")
    (item,) = queries.list_artifacts(PARTNER, mine=True)["items"]
    assert (item["id"], item["title"], item["view"]) == (str(draft.id), "Fresh", "draft")
    assert queries.list_artifacts(EDITOR, in_review=True)["items"] == []
    draft.submit(by="p1")
    store.save(draft)
    (queued,) = queries.list_artifacts(EDITOR, in_review=True)["items"]
    assert queued["id"] == str(draft.id)
    assert queries.list_artifacts(OTHER, mine=True)["items"] == []
    assert queries.list_artifacts(READER)["items"] == [], "a draft is not shown to readers"


def test_changes_written_by_another_process_show_on_the_next_page() -> None:
    app: Application[UUID] = Application()
    writer, reader = CountingStore(app), CountingStore(app)
    queries = ArtifactQueries(reader)
    artifact = new(writer, place="tucson")
    publish(writer, artifact)
    assert [i["place"] for i in queries.list_artifacts(READER)["items"]] == ["tucson"]
    publish(writer, artifact, place="bisbee")
    assert queries.list_artifacts(READER, place="tucson")["items"] == []
    assert len(queries.list_artifacts(READER, place="bisbee")["items"]) == 1


def test_members_only_work_is_listed_for_members_only() -> None:
    store = CountingStore(Application())
    queries = ArtifactQueries(store)
    publish(store, new(store), visibility="members")
    member = Principal(id="m1", name="Member", role=Role.MEMBER)
    assert queries.list_artifacts(READER)["items"] == []
    assert len(queries.list_artifacts(member)["items"]) == 1


def test_the_cursor_continues_after_the_last_artifact_looked_at() -> None:
    store = CountingStore(Application())
    queries = ArtifactQueries(store)
    made = [new(store, title=f"t{i}") for i in range(5)]
    first = queries.list_artifacts(PARTNER, mine=True, limit=2)
    second = queries.list_artifacts(PARTNER, mine=True, limit=2, after=first["next"])
    last = queries.list_artifacts(PARTNER, mine=True, limit=2, after=second["next"])
    titles = [i["title"] for page in (first, second, last) for i in page["items"]]
    assert titles == [a.content["title"] for a in made]
    assert last["next"] is None
