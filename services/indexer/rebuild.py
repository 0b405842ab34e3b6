"""Rebuilding the search index from the whole log without taking search offline.

A new index is filled from the log up to the head as it was at the start,
while the live index keeps answering and the indexer keeps writing to it.
Then, holding the indexer's lock, the rebuild catches up with events that
arrived meanwhile, records its position and swaps the new index in atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.persistence import Tracking

from domain.application import Archive
from infra.coordination import Coordination
from infra.search.port import Rebuild, SearchIndex
from services.indexer.projection import TOPICS, SearchProjection

Progress = Callable[[int, int], None]  # (notifications read, total)


@dataclass
class RebuildReport:
    documents: int
    position: int
    seconds: float


def rebuild(
    archive: Archive,
    index: SearchIndex,
    coordination: Coordination,
    *,
    progress: Progress | None = None,
    page: int = 2000,
) -> RebuildReport:
    import time

    started = time.perf_counter()
    projection = SearchProjection(archive)
    target = index.start_rebuild()
    try:
        head = archive.head
        documents = _scan(archive, projection, target, head, page, progress)
        with coordination.lock():
            position = head
            while True:
                batch = archive.recorder.select_notifications(position + 1, page)
                if not batch:
                    break
                more = projection.changes(batch)
                target.apply(
                    more.upserts.values(), more.deletions, Tracking(archive.name, batch[-1].id)
                )
                position = batch[-1].id
            target.swap(Tracking(archive.name, position))
    except BaseException:
        target.discard()
        raise
    return RebuildReport(documents, position, time.perf_counter() - started)


def _scan(
    archive: Archive,
    projection: SearchProjection,
    target: Rebuild,
    head: int,
    page: int,
    progress: Progress | None,
) -> int:
    """Write the effect of the log up to ``head`` into ``target``; returns documents written."""
    written = 0
    position = 0
    while position < head:
        batch = archive.recorder.select_notifications(
            position + 1, page, stop=head, topics=list(TOPICS)
        )
        if not batch:
            break
        step = projection.changes(batch)
        target.write(step.upserts.values(), step.deletions)
        written += len(step.upserts)
        position = batch[-1].id
        if progress:
            progress(position, head)
    if progress:
        progress(head, head)
    return written
