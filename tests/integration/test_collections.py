"""Collections' rules on a real store (SQLite file and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from domain.access import ANONYMOUS
from domain.application import Archive
from domain.artifact import Artifact
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, VersionConflict
from domain.policy import NotSignedIn
from infra.bootstrap import Container, build_indexer
from tests.conftest import EDITOR, MEMBER, OTHER_PARTNER, PARTNER


def published(archive: Archive, content: dict[str, object], title: str) -> UUID:
    created = archive.artifacts.create(PARTNER, "story", {**content, "title": title})
    artifact_id = UUID(created.id)
    archive.artifacts.publish(EDITOR, artifact_id, created.version)
    return artifact_id


def test_a_partner_curates_their_own_work_in_order(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    first = published(archive, ready_story, "Morning circles")
    second = published(archive, ready_story, "Listening walks")
    made = archive.collections.create(PARTNER, "tucson-2023", "Tucson convening 2023", "*Hi*")
    v = made.version
    v = archive.collections.add_artifact(PARTNER, "tucson-2023", v, first).version
    v = archive.collections.add_artifact(PARTNER, "tucson-2023", v, second, "Read second").version
    v = archive.collections.add_link(
        PARTNER, "tucson-2023", v, "https://example.org/story", "A story elsewhere"
    ).version
    view = archive.collections.get(ANONYMOUS, "tucson-2023")
    assert [i["title"] for i in view["items"]] == [
        "Morning circles",
        "Listening walks",
        "A story elsewhere",
    ]
    order = [i["id"] for i in reversed(view["items"])]
    v = archive.collections.reorder(PARTNER, "tucson-2023", v, order).version
    view = archive.collections.get(ANONYMOUS, "tucson-2023")
    assert [i["id"] for i in view["items"]] == order
    assert view["items"][1]["note"] == "Read second"
    assert view["may_curate"] is False
    assert archive.collections.get(PARTNER, "tucson-2023")["may_curate"] is True
    v = archive.collections.remove(PARTNER, "tucson-2023", v, str(first)).version
    assert archive.collections.public_artifacts(ANONYMOUS, "tucson-2023") == [str(second)]


def test_who_may_make_and_change_a_collection(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    mine = published(archive, ready_story, "Morning circles")
    with pytest.raises(NotSignedIn):
        archive.collections.create(ANONYMOUS, "a-year", "A year")
    with pytest.raises(Forbidden):
        archive.collections.create(MEMBER, "a-year", "A year")
    v = archive.collections.create(PARTNER, "a-year", "A year").version
    with pytest.raises(Forbidden):  # another partner's collection
        archive.collections.edit(OTHER_PARTNER, "a-year", v, title="Mine now")
    v = archive.collections.edit(EDITOR, "a-year", v, title="A learning group's year").version
    other = archive.collections.create(OTHER_PARTNER, "other-year", "Other").version
    with pytest.raises(Forbidden):  # a partner adds only their own work
        archive.collections.add_artifact(OTHER_PARTNER, "other-year", other, mine)
    archive.collections.add_artifact(EDITOR, "other-year", other, mine)
    assert archive.collections.get(ANONYMOUS, "a-year")["title"] == "A learning group's year"


def test_refusals_name_what_is_wrong(archive: Archive, ready_story: dict[str, object]) -> None:
    artifact = published(archive, ready_story, "Morning circles")
    draft = UUID(archive.artifacts.create(PARTNER, "story", {"title": "Draft"}).id)
    v = archive.collections.create(EDITOR, "principle", "A principle in practice").version
    with pytest.raises(Conflict):
        archive.collections.create(PARTNER, "principle", "Again")
    for slug in ("A", "no spaces", "-dash", "x" * 90):
        with pytest.raises(InvalidInput):
            archive.collections.create(EDITOR, slug, "Title")
    with pytest.raises(InvalidInput):
        archive.collections.create(EDITOR, "empty-title", "  ")
    with pytest.raises(InvalidInput):  # a draft is not published work
        archive.collections.add_artifact(EDITOR, "principle", v, draft)
    with pytest.raises(InvalidInput):
        archive.collections.add_artifact(EDITOR, "principle", v, uuid4())
    for url in ("javascript:alert(1)", "ftp://example.org/x", "https://", "not a url"):
        with pytest.raises(InvalidInput):
            archive.collections.add_link(EDITOR, "principle", v, url, "Title")
    v = archive.collections.add_artifact(EDITOR, "principle", v, artifact).version
    with pytest.raises(VersionConflict):
        archive.collections.add_link(EDITOR, "principle", v - 1, "https://example.org", "T")
    with pytest.raises(Conflict):
        archive.collections.add_artifact(EDITOR, "principle", v, artifact)
    with pytest.raises(InvalidInput):
        archive.collections.reorder(EDITOR, "principle", v, [str(artifact), str(artifact)])
    with pytest.raises(NotFound):
        archive.collections.remove(EDITOR, "principle", v, "no-such-item")
    with pytest.raises(NotFound):
        archive.collections.get(ANONYMOUS, "no-such-collection")
    with pytest.raises(NotFound):
        archive.collections.get(ANONYMOUS, "NOT A SLUG")
    assert archive.collections.edit(EDITOR, "principle", v).position is None  # nothing changed


def test_withdrawn_and_narrowed_work_leaves_the_collection_at_once(
    archive: Archive, ready_story: dict[str, object]
) -> None:
    kept = published(archive, ready_story, "Kept story")
    gone = published(archive, ready_story, "Withdrawn story")
    narrowed = published(archive, ready_story, "Narrowed story")
    v = archive.collections.create(EDITOR, "year", "A year").version
    for artifact_id in (kept, gone, narrowed):
        v = archive.collections.add_artifact(EDITOR, "year", v, artifact_id).version
    archive.artifacts.withdraw(EDITOR, gone, "Consent withdrawn")
    artifact = archive.load(Artifact, narrowed)
    artifact.narrow("members", "none", "consent narrowed", "test", datetime.now(UTC))
    archive.store.save(artifact)
    public = archive.collections.get(ANONYMOUS, "year")
    assert [i["title"] for i in public["items"]] == ["Kept story"]
    assert "Withdrawn story" not in str(public)
    members = archive.collections.get(MEMBER, "year")
    assert [i["title"] for i in members["items"]] == ["Kept story", "Narrowed story"]
    curators = archive.collections.get(EDITOR, "year")
    assert curators["unavailable"] == [{"id": str(gone)}]
    assert "Withdrawn story" not in str(curators)


def test_the_indexer_projects_collections_under_their_own_tracking_name(
    container: Container, ready_story: dict[str, object]
) -> None:
    archive = container.archive
    artifact = published(archive, ready_story, "Morning circles")
    v = archive.collections.create(PARTNER, "first", "First").version
    archive.collections.add_artifact(PARTNER, "first", v, artifact)
    archive.collections.create(EDITOR, "second", "Second")
    indexer = build_indexer(container)
    indexer.catch_up()
    rows = container.collections.listing()
    assert {(r.slug, r.title, r.owner) for r in rows} == {
        ("first", "First", PARTNER.id),
        ("second", "Second", EDITOR.id),
    }
    assert [r.slug for r in container.collections.listing(owner=PARTNER.id)] == ["first"]
    # Its position is its own; the publications view, in the same table on SQLite, keeps its.
    assert container.collections.max_tracking_id("Archive#collections") == archive.head
    assert container.publications.max_tracking_id(archive.name) == archive.head
    row = container.collections.by_slug("second")
    assert row is not None
    archive.collections.edit(EDITOR, "second", row.version, title="Second, renamed")
    indexer.catch_up()
    renamed = container.collections.by_slug("second")
    assert renamed is not None and renamed.title == "Second, renamed"
    assert "collections" in {view.name for view in indexer.views}


def test_the_collections_view_moves_to_the_head_past_other_events(
    container: Container, ready_story: dict[str, object]
) -> None:
    """The log has no index by topic: were the view's position left at its last
    Collection event, every step of the indexer would read again all that followed."""
    archive = container.archive
    archive.collections.create(PARTNER, "first", "First")
    for n in range(3):
        published(archive, ready_story, f"Later work {n}")
    follower = build_indexer(container).collections
    follower.catch_up()
    assert container.collections.max_tracking_id("Archive#collections") == archive.head
    assert follower.step() == 0, "nothing new: nothing read"
    published(archive, ready_story, "One more")
    assert follower.step() == 0  # no Collection event among them, but read past
    assert container.collections.max_tracking_id("Archive#collections") == archive.head
