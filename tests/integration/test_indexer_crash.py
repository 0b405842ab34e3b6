"""Crash test: the indexer is killed with SIGKILL at random moments while events pour in.

After it restarts and catches up, its index must equal a from-scratch rebuild,
document by document: nothing missing, nothing duplicated, nothing stale.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.ports.search import SearchQuery
from infra.bootstrap import build, seed_frameworks
from infra.coordination import FileCoordination
from infra.search.sqlite_fts import SqliteFtsIndex
from infra.settings import Settings
from services.indexer.rebuild import rebuild
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places

ROOT = Path(__file__).resolve().parents[2]


def start_indexer(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COMMONPLACE_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["COMMONPLACE_DATABASE_URL"] = settings.database_url
        env["COMMONPLACE_DATABASE_SCHEMA"] = settings.database_schema or ""
    return subprocess.Popen(
        [sys.executable, "-m", "services.indexer"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def write_events(settings: Settings, artifacts: int, seed: int) -> None:
    """Create, publish, revise, republish and withdraw artifacts at random."""
    rng = random.Random(seed)
    with build(settings) as container:
        archive = container.archive
        published: list[tuple[UUID, int]] = []
        for n in range(artifacts):
            created = archive.artifacts.create(
                PARTNER, "story", {**READY_STORY, "title": f"Story {n}"}
            )
            done = archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
            published.append((UUID(created.id), done.version))
            if rng.random() < 0.4 and published:
                index = rng.randrange(len(published))
                artifact_id, version = published[index]
                action = rng.choice(["revise", "republish", "withdraw"])
                published[index] = (artifact_id, _act(archive, action, artifact_id, version, n))


def _act(archive: Any, action: str, artifact_id: UUID, version: int, n: int) -> int:
    current = archive.artifacts.load(artifact_id)
    if current.status == "withdrawn":
        return version
    if action == "withdraw":
        return archive.artifacts.withdraw(EDITOR, artifact_id, f"reason {n}").version
    revised = archive.artifacts.revise(PARTNER, artifact_id, current.version, {"summary": f"v{n}"})
    if action == "republish":
        return archive.artifacts.publish(EDITOR, artifact_id, revised.version).version
    return revised.version


@pytest.mark.slow
def test_sigkill_at_random_points_never_loses_or_duplicates(settings: Settings) -> None:
    settings = settings.model_copy(update={"indexer_poll_seconds": 0.005})
    with build(settings) as container:
        seed_frameworks(container.archive)
        seed_places(container.archive)
    writer = threading.Thread(target=write_events, args=(settings, 1000, 7))
    writer.start()
    rng = random.Random(11)
    kills = 0
    while writer.is_alive():
        process = start_indexer(settings)
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
    writer.join()
    assert kills >= 5, "the writer finished too fast to test anything"

    process = start_indexer(settings)
    try:
        with build(settings) as container:
            deadline = time.monotonic() + 60
            while container.search.position(container.archive.name) < container.archive.head:
                assert time.monotonic() < deadline, "the indexer did not catch up"
                time.sleep(0.05)
            fresh_dir = settings.data_dir / "fresh"
            fresh = SqliteFtsIndex(fresh_dir)
            rebuild(container.archive, fresh, FileCoordination(fresh_dir))
            live_ids = container.search.all_ids()
            assert live_ids == fresh.all_ids()
            assert len(live_ids) > 500
            for doc_id in live_ids:
                assert container.search.document(doc_id) == fresh.document(doc_id), doc_id
            everything = SearchQuery(include_members=True, facets=False, per_page=1)
            total = container.search.search(everything).total
            assert total == len(live_ids), "no duplicates"
            fresh.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
