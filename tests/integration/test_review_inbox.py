"""A return with comments reaches the contributor's inbox whichever view the indexer
steps first (on SQLite the read models share one tracking table)."""

from __future__ import annotations

from uuid import UUID

from infra.bootstrap import Container, build_indexer
from services.indexer.inbox import InboxView
from services.indexer.runner import Indexer
from tests.conftest import READY_STORY


def test_the_inbox_keeps_its_own_position_beside_the_publications_view(
    container: Container,
) -> None:
    archive = container.archive
    partner = archive.tokens.authenticate(archive.tokens.issue("partner", "P")[0])
    editor = archive.tokens.authenticate(archive.tokens.issue("editor", "E")[0])
    assert partner is not None and editor is not None and partner.id is not None
    created = archive.artifacts.create(partner, "story", dict(READY_STORY))
    sent = archive.artifacts.submit(partner, UUID(created.id), created.version)
    archive.review.return_draft(editor, UUID(created.id), sent.version, general="More, please.")
    # The publications view reads the log first, as the running indexer's views do in turn.
    Indexer(
        archive, container.search, container.coordination, publications=container.publications
    ).catch_up()
    assert container.publications.max_tracking_id(archive.name) == archive.head
    view = InboxView(archive, container.inbox)
    while view.step():
        pass
    assert [(i.kind, i.artifact_id) for i in container.inbox.items(partner.id)] == [
        ("returned", created.id)
    ]


def test_the_running_indexers_views_all_deliver_to_the_inbox(container: Container) -> None:
    archive = container.archive
    partner = archive.tokens.authenticate(archive.tokens.issue("partner", "P")[0])
    editor = archive.tokens.authenticate(archive.tokens.issue("editor", "E")[0])
    assert partner is not None and editor is not None and partner.id and editor.id
    created = archive.artifacts.create(partner, "story", dict(READY_STORY))
    sent = archive.artifacts.submit(partner, UUID(created.id), created.version)
    returned = archive.review.return_draft(editor, UUID(created.id), sent.version, general="Why?")
    archive.review.answer(partner, UUID(created.id), "Because.", expected_version=returned.version)
    indexer = build_indexer(container)
    while indexer._step_views():  # each view in turn, as ``run`` steps them
        pass
    assert [i.kind for i in container.inbox.items(partner.id)] == ["returned"]
    assert sorted(i.kind for i in container.inbox.items(editor.id)) == ["answered", "submitted"]
