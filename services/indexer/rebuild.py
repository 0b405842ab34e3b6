"""Rebuilding the search index from the whole log without taking search offline.

A new index is filled from the log up to the head as it was at the start,
while the live index keeps answering and the indexer keeps writing to it.
Then, holding the indexer's lock, the rebuild catches up with events that
arrived meanwhile, records its position and swaps the new index in atomically.

Filling is pipelined across processes where the event store allows it: worker
processes read ranges of the log and build the documents
(:mod:`services.indexer.rebuild_workers`) while this process writes them, in
log order, through the index's ``Rebuild``. ``workers=0`` does everything in
this process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.persistence import Tracking

from domain.application import Archive
from infra.coordination import Coordination
from infra.search.port import Rebuild, SearchIndex
from services.indexer.projection import TOPICS, SearchProjection
from services.indexer.rebuild_workers import Builders, default_workers, shareable_env

Progress = Callable[[int, int], None]  # (notifications read, total)


@dataclass
class RebuildReport:
    documents: int
    position: int
    seconds: float
    workers: int = 0  # processes that built documents (0: all in this one)
    writing: float = 0.0  # seconds spent writing the bulk of the documents
    waiting: float = 0.0  # seconds the writer waited for documents (building, if in process)


def rebuild(
    archive: Archive,
    index: SearchIndex,
    coordination: Coordination,
    *,
    progress: Progress | None = None,
    page: int = 2000,
    workers: int | None = None,
) -> RebuildReport:
    """Fill a new index from the log and swap it in; ``workers`` builders (default: cores - 1)."""
    started = time.perf_counter()
    projection = SearchProjection(archive)
    env = shareable_env(archive)
    count = default_workers() if workers is None else max(0, workers)
    if env is None:
        count = 0
    target = index.start_rebuild()
    try:
        head = archive.head
        if count:
            scan = _scan_with_workers(Builders(env or {}, count, page), target, head, progress)
        else:
            scan = _scan(archive, projection, target, head, page, progress)
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
    documents, writing, waiting = scan
    return RebuildReport(
        documents, position, time.perf_counter() - started, count, writing, waiting
    )


def _scan_with_workers(
    builders: Builders, target: Rebuild, head: int, progress: Progress | None
) -> tuple[int, float, float]:
    """Write the documents the builders make, range by range in log order."""
    written = 0
    writing = waiting = 0.0
    try:
        chunks = builders.chunks(head)
        while True:
            before = time.perf_counter()
            chunk = next(chunks, None)
            waiting += time.perf_counter() - before
            if chunk is None:
                break
            before = time.perf_counter()
            target.write(chunk.upserts, chunk.deletions)
            writing += time.perf_counter() - before
            written += len(chunk.upserts)
            if progress and chunk.last:
                progress(chunk.last, head)
    finally:
        builders.close()
    if progress:
        progress(head, head)
    return written, writing, waiting


def _scan(
    archive: Archive,
    projection: SearchProjection,
    target: Rebuild,
    head: int,
    page: int,
    progress: Progress | None,
) -> tuple[int, float, float]:
    """Write the effect of the log up to ``head`` into ``target``, all in this process."""
    written = 0
    position = 0
    writing = building = 0.0
    while position < head:
        before = time.perf_counter()
        batch = archive.recorder.select_notifications(
            position + 1, page, stop=head, topics=list(TOPICS)
        )
        if not batch:
            break
        step = projection.changes(batch)
        middle = time.perf_counter()
        target.write(step.upserts.values(), step.deletions)
        writing += time.perf_counter() - middle
        building += middle - before
        written += len(step.upserts)
        position = batch[-1].id
        if progress:
            progress(position, head)
    if progress:
        progress(head, head)
    return written, writing, building
