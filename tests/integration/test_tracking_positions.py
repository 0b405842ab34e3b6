"""Each follower of the log keeps its own position: the outbox sender and the
publications view both follow the archive, and on SQLite both record their
position in the event store file's one ``tracking`` table. Once they shared one
row, so whichever ran first made the other skip those events (the work left out
of the feeds, OAI-PMH and the change feed) and stopped the notices.
"""

from __future__ import annotations

from uuid import UUID

from domain.artifact import Artifact
from infra.bootstrap import Container, build_indexer
from services.indexer.outbox import sender_for
from tests.conftest import EDITOR, PARTNER, READY_STORY


def test_the_publications_view_sees_what_the_outbox_sender_already_followed(
    container: Container,
) -> None:
    created = container.archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
    artifact_id = UUID(str(created.id))
    version = container.archive.load(Artifact, artifact_id).version
    container.archive.artifacts.publish(EDITOR, artifact_id, version)

    sender_for(container).catch_up()  # as `commonplace serve` runs it, beside the indexer
    build_indexer(container).catch_up()

    assert [c.artifact_id for c in container.publications.changes(0, 10)] == [str(artifact_id)]
