"""Rebuilding the search index from the whole log without taking search offline.

A new index is filled from the log up to the head as it was at the start,
while the live index keeps answering and the indexer keeps writing to it.
Then, holding the indexer's lock, the rebuild catches up with events that
arrived meanwhile, records its position and swaps the new index in atomically.

Documents show the catalogue as it stands at that head (the rebuild folds the
catalogue events up to it first); catalogue events that arrive meanwhile derive
the documents they touch again during the catch-up, exactly as the live view does.

Filling is pipelined across processes where the event store allows it: worker
processes read ranges of the log and build the documents
(:mod:`services.indexer.rebuild_workers`) while this process writes them, in
log order, through the index's ``Rebuild``. ``workers=0`` does everything in
this process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from eventsourcing.persistence import Tracking

from domain.application import Archive
from domain.ports.search import Rebuild, SearchIndex
from infra.coordination import Coordination
from services.indexer.projection import TOPICS, SearchProjection
from services.indexer.rebuild_documents import RangeDocuments
from services.indexer.rebuild_workers import Builders, default_workers, shareable_env
from services.indexer.references import ReferencesFollower

Progress = Callable[[int, int], None]  # (notifications read, total)
log = logging.getLogger("commonplace.indexer")


@dataclass
class RebuildReport:
    documents: int
    position: int
    seconds: float
    workers: int = 0  # processes that built documents (0: all in this one)
    writing: float = 0.0  # seconds spent writing the bulk of the documents
    waiting: float = 0.0  # seconds the writer waited for documents (building, if in process)
    building: float = 0.0  # seconds spent reading the log and building documents, all processes
    building_cpu: float = 0.0  # CPU seconds of that (in process: the same as ``building``)
    starting: float = 0.0  # seconds folding the catalogue and the persons up to the head
    finishing: float = 0.0  # seconds catching up, finishing the new index and swapping it in


def rebuild(
    archive: Archive,
    index: SearchIndex,
    coordination: Coordination,
    *,
    progress: Progress | None = None,
    page: int = 2000,
    workers: int | None = None,
) -> RebuildReport:
    """Fill a new index from the log and swap it in; ``workers`` builders (default: one a core)."""
    started = time.perf_counter()
    references = ReferencesFollower(archive)
    projection = SearchProjection(archive, references)
    env = shareable_env(archive)
    count = default_workers() if workers is None else max(0, workers)
    if env is None:
        count = 0
    target = index.start_rebuild()
    builders: Builders | None = None
    try:
        head = archive.head
        if count and env is not None:  # they start while this process folds the catalogue
            builders = Builders(env, count, page, head)
        # Every document is built with the catalogue as it is at the head; catalogue
        # events after it derive the documents they touch again, as the live view does.
        projection.start(head)
        scan = Scan(starting=time.perf_counter() - started)
        if builders is not None:
            _scan_with_workers(builders, target, head, progress, scan)
        if scan.reached < head:  # in this process: all of it, or what a dead builder left
            if count:
                log.warning("A document builder process died; rebuilding the rest in process")
            _scan(archive, projection, target, head, page, progress, scan)
        finishing = time.perf_counter()
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
        scan.finishing = time.perf_counter() - finishing
    except BaseException:
        target.discard()
        raise
    finally:
        if builders is not None:
            builders.close()
        references.close()
    seconds = time.perf_counter() - started
    return RebuildReport(
        scan.written,
        position,
        seconds,
        count,
        scan.writing,
        scan.waiting,
        scan.building,
        scan.building_cpu,
        scan.starting,
        scan.finishing,
    )


@dataclass
class Scan:
    """How far filling the new index got, and where its time went."""

    reached: int = 0  # every position up to here is written
    written: int = 0
    writing: float = 0.0
    waiting: float = 0.0
    building: float = 0.0
    building_cpu: float = 0.0
    starting: float = 0.0
    finishing: float = 0.0


def _scan_with_workers(
    builders: Builders, target: Rebuild, head: int, progress: Progress | None, scan: Scan
) -> None:
    """Write the documents the builders make, range by range in log order."""
    try:
        chunks = builders.chunks(head)
        while True:
            before = time.perf_counter()
            chunk = next(chunks, None)
            scan.waiting += time.perf_counter() - before
            if chunk is None:
                break
            scan.building += chunk.seconds
            scan.building_cpu += chunk.cpu
            before = time.perf_counter()
            target.write(chunk.upserts, chunk.deletions)
            scan.writing += time.perf_counter() - before
            scan.written += len(chunk.upserts)
            scan.reached = chunk.stop
            if progress:
                progress(chunk.stop, head)
    except BrokenProcessPool:
        return  # the caller goes on from scan.reached in its own process
    finally:
        builders.close()


def _scan(
    archive: Archive,
    projection: SearchProjection,
    target: Rebuild,
    head: int,
    page: int,
    progress: Progress | None,
    scan: Scan,
) -> None:
    """Write the effect of the log after ``scan.reached`` up to ``head``, in this process."""
    documents = RangeDocuments(projection)
    while scan.reached < head:
        before = time.perf_counter()
        batch = archive.recorder.select_notifications(
            scan.reached + 1, page, stop=head, topics=list(TOPICS)
        )
        if not batch:
            break
        step = documents.changes(batch)
        middle = time.perf_counter()
        target.write(step.upserts.values(), step.deletions)
        scan.writing += time.perf_counter() - middle
        scan.building += middle - before
        scan.building_cpu += middle - before
        scan.waiting += middle - before
        scan.written += len(step.upserts)
        scan.reached = batch[-1].id
        if progress:
            progress(scan.reached, head)
    scan.reached = head
    if progress:
        progress(head, head)
