"""The inbox view in the indexer, and the editors told of a notice given up."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.access import Principal, Role
from domain.artifact import Artifact
from domain.notifications import DELIVERY_FAILED, OFF, Preferences
from domain.outbox import FAILED, Notice, Outcome
from infra.bootstrap import Container, build, build_indexer, seed_frameworks
from infra.settings import Settings
from services.indexer.inbox import ArchiveDirectory, tracking_name
from services.indexer.outbox import GivenUp, OutboxSender
from tests.conftest import READY_STORY, seed_places


class RefusingNotifier:
    """A stand-in notifier to another site whose every notice is refused outright."""

    kind = "test"
    topics: tuple[str, ...] = (get_topic(Artifact.Published),)  # type: ignore[attr-defined]

    def notices(self, event: Any, position: int) -> list[Notice]:
        return [Notice(f"n-{position}", self.kind, "https://b.example/inbox", {}, position)]

    def deliver(self, notice: Notice) -> Outcome:
        return Outcome.give_up("The other site refused it: 410")


def people(container: Container) -> tuple[Principal, Principal, Principal]:
    tokens = container.archive.tokens
    found = []
    for role, name in (("editor", "Eda"), ("admin", "Ada"), ("partner", "Pat")):
        _, token_id = tokens.issue(role, name)
        found.append(Principal(id=token_id, name=name, role=Role(role)))
    return found[0], found[1], found[2]


def publish(container: Container, editor: Principal, partner: Principal) -> str:
    archive = container.archive
    created = archive.artifacts.create(partner, "story", dict(READY_STORY))
    submitted = archive.artifacts.submit(partner, UUID(created.id), created.version)
    archive.artifacts.publish(editor, UUID(created.id), submitted.version)
    return created.id


def test_the_indexer_keeps_the_inbox_once_across_restarts(settings: Settings) -> None:
    with build(settings) as first:
        seed_frameworks(first.archive)
        seed_places(first.archive)
        editor, admin, partner = people(first)
        artifact = publish(first, editor, partner)
        indexer = build_indexer(first)
        assert "inbox" in [view.name for view in indexer.views]
        indexer.catch_up()
        assert first.inbox.max_tracking_id(tracking_name(first.archive.name)) == first.archive.head
        assert partner.id and admin.id and editor.id
        first.inbox.mark_read(partner.id, None, 1.0)
    with build(settings) as again:
        build_indexer(again).catch_up()
        mine = again.inbox.items(partner.id)
        assert [(i.kind, i.artifact_id, i.unread) for i in mine] == [("published", artifact, False)]
        assert [i.kind for i in again.inbox.items(admin.id)] == ["submitted"]
        assert [i.kind for i in again.inbox.items(editor.id)] == ["submitted"]


def test_a_notice_given_up_reaches_the_editors_inboxes_once(container: Container) -> None:
    editor, admin, partner = people(container)
    assert editor.id and admin.id and partner.id
    Preferences(container.archive.store).choose(admin, {DELIVERY_FAILED: OFF})
    publish(container, editor, partner)
    directory = ArchiveDirectory(container.archive)
    sender = OutboxSender(
        container.archive,
        container.outbox,
        [RefusingNotifier()],
        on_given_up=GivenUp(container, directory),
    )
    sender.catch_up()
    sender.catch_up()
    assert [e.state for e in container.outbox.entries()] == [FAILED]
    told = container.inbox.items(editor.id)
    assert [(i.kind, i.title) for i in told] == [(DELIVERY_FAILED, "https://b.example/inbox")]
    assert told[0].detail["reason"] == "The other site refused it: 410"
    assert container.inbox.items(admin.id) == []  # chose not to hear of it
    assert container.inbox.items(partner.id) == []
