"""Faults underneath: lost PostgreSQL connections, a failing view, a full disk, a crash.

Each test breaks something real (a PostgreSQL backend terminated with
``pg_terminate_backend``, SQLite's own "database or disk is full") and checks what
a user or an operator would notice: the indexer keeps going and says what went
wrong, and the API answers 503 with ``Retry-After`` instead of 500.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from eventsourcing.persistence import Tracking
from fastapi.testclient import TestClient

from domain.application import Archive
from domain.ports.search import SearchIndex, SearchQuery, SearchUnavailable
from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from services.indexer.runner import Indexer
from tests.benchmarks.server import BackgroundServer
from tests.conftest import EDITOR, PARTNER, seed_places
from tests.integration.test_indexer import FailingIndex


def publish(archive: Archive, content: dict[str, Any]) -> int:
    created = archive.artifacts.create(PARTNER, "story", content)
    done = archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    assert done.position is not None
    return done.position


def wait_until(condition: Callable[[], bool], seconds: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.02)


@contextmanager
def running(indexer: Indexer) -> Iterator[threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(timeout=15)


def indexer_for(container: Container, index: SearchIndex | None = None) -> Indexer:
    return Indexer(
        container.archive,
        index or container.search,
        container.coordination,
        publications=container.publications,
        poll_interval=0.01,
        max_backoff=0.2,
        heartbeat_seconds=0.1,
    )


# -- PostgreSQL: connections terminated under the indexer and the API ----------


@pytest.fixture
def pg_tag(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every connection this process opens from now on carries this application_name,
    so that the test terminates its own backends and nobody else's."""
    tag = f"cp-fault-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("PGAPPNAME", tag)
    return tag


def terminate_backends(url: str, tag: str) -> int:
    with psycopg.connect(url, autocommit=True, application_name="cp-fault-killer") as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (tag,),
        ).fetchall()
    return len(rows)


@pytest.fixture
def pg_container(
    postgres_url: str, postgres_schema: str, pg_tag: str, tmp_path: Any
) -> Iterator[Container]:
    settings = Settings(
        data_dir=tmp_path / "data",
        load_demo=False,
        database_url=postgres_url,
        database_schema=postgres_schema,
    )
    built = build(settings)
    seed_frameworks(built.archive)
    seed_places(built.archive)
    yield built
    built.close()


@pytest.mark.postgres
def test_the_indexer_survives_terminated_connections(
    pg_container: Container, pg_tag: str, postgres_url: str, ready_story: dict[str, Any]
) -> None:
    container = pg_container
    archive = container.archive
    indexer = indexer_for(container)
    with running(indexer) as thread:
        first = publish(archive, ready_story)
        wait_until(lambda: container.search.position(archive.name) >= first, what="first")
        for _ in range(2):  # twice: the reconnected connections are terminated again
            assert terminate_backends(postgres_url, pg_tag) >= 2
            time.sleep(0.3)
            assert thread.is_alive(), "the indexer died with its connection"
        later = publish(archive, {**ready_story, "title": "Evening circles"})
        wait_until(lambda: container.search.position(archive.name) >= later, what="search")
        wait_until(
            lambda: (container.publications.max_tracking_id(archive.name) or 0) >= later,
            what="publications",
        )
        hits = container.search.search(SearchQuery(q="evening")).hits
        assert len(hits) == 1
        wait_until(lambda: container.coordination.load_status().get("last_error") is None)
    status = container.coordination.load_status()
    failures = sum(view["failures"] for view in status["views"].values())
    assert failures >= 1, "the lost connections were not reported"


@pytest.mark.postgres
def test_the_change_feed_answers_503_not_500_when_its_connection_is_gone(
    pg_container: Container, pg_tag: str, postgres_url: str
) -> None:
    with TestClient(create_app(container=pg_container), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/changes").status_code == 200
        statuses = []
        for _ in range(3):
            terminate_backends(postgres_url, pg_tag)
            response = client.get("/api/v1/changes")
            statuses.append(response.status_code)
            if response.status_code == 503:
                assert response.headers["Retry-After"]
                assert response.headers["content-type"] == "application/problem+json"
        assert 500 not in statuses, statuses
        assert 503 in statuses, "a terminated connection went unnoticed: nothing was tested"
        assert client.get("/api/v1/changes").status_code == 200, "it does not come back"


# -- the search index and the read models fail apart ---------------------------


class RefusingIndex(FailingIndex):
    """A stand-in search index: wraps the real one and refuses every write while ``down``."""

    def __init__(self, inner: SearchIndex) -> None:
        super().__init__(inner, failures=0)
        self.down = True

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        if self.down:
            raise SearchUnavailable("stand-in: the search backend cannot be reached")
        self.inner.apply(upserts, deletions, tracking)


def test_a_failing_search_index_does_not_stall_the_publications(
    container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    refusing = RefusingIndex(container.search)
    client = TestClient(create_app(container=container), raise_server_exceptions=False)
    with running(indexer_for(container, refusing)):
        position = publish(archive, ready_story)
        wait_until(
            lambda: (container.publications.max_tracking_id(archive.name) or 0) >= position,
            what="the publications kept up while search is down",
        )
        assert client.get("/api/v1/changes").json()["changes"], "the change feed is current"
        wait_until(lambda: bool(client.get("/api/v1/indexer/status").json()["last_error"]))
        status = client.get("/api/v1/indexer/status").json()
        assert status["state"] == "running"
        assert "cannot be reached" in status["views"]["search"]["last_error"]
        assert status["views"]["search"]["failures"] >= 1
        assert status["lag_events"] >= 1 and status["views"]["search"]["position"] == 0
        assert status["views"]["publications"]["last_error"] is None
        assert status["views"]["publications"]["lag_events"] == 0

        later = publish(archive, {**ready_story, "title": "Evening circles"})
        lag = client.get("/api/v1/indexer/status").json()["lag_events"]
        assert lag > status["lag_events"], "the lag grows while search is down"

        refusing.down = False
        wait_until(lambda: container.search.position(archive.name) >= later, what="recovery")
        wait_until(lambda: client.get("/api/v1/indexer/status").json()["last_error"] is None)
    status = client.get("/api/v1/indexer/status").json()
    assert status["state"] == "stopped" and status["lag_events"] == 0


def test_a_second_indexer_waits_and_takes_over_when_the_first_stops(
    settings: Settings, container: Container, ready_story: dict[str, Any]
) -> None:
    archive = container.archive
    second_container = build(settings)  # its own connections and locks, as another process
    written: list[int] = []

    class CountingIndex(RefusingIndex):
        """A stand-in that records which positions the second indexer writes."""

        def apply(
            self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
        ) -> None:
            written.append(tracking.notification_id)
            self.inner.apply(upserts, deletions, tracking)

    first = running(indexer_for(container))
    second = indexer_for(second_container, CountingIndex(second_container.search))
    try:
        first.__enter__()
        position = publish(archive, ready_story)
        wait_until(lambda: container.search.position(archive.name) >= position, what="first")
        with running(second):
            time.sleep(0.3)
            for n in range(10):
                position = publish(archive, {**ready_story, "title": f"Story {n}"})
                time.sleep(0.05)
            wait_until(lambda: container.search.position(archive.name) >= position)
            assert written == [], "the second indexer raced the first"
            assert second.status["state"] == "waiting"

            first.__exit__(None, None, None)
            later = publish(archive, {**ready_story, "title": "After the handover"})
            wait_until(lambda: container.search.position(archive.name) >= later, what="takeover")
            assert written and written[-1] >= later
            assert second.status["state"] == "running"
    finally:
        first.__exit__(None, None, None)
        second_container.close()


# -- a full disk, and the keep-alive connection after an error -----------------


@contextmanager
def served(app: Any) -> Iterator[httpx.Client]:
    """A real uvicorn on a loopback port, and one client reusing one connection."""
    with BackgroundServer(app) as server:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        with httpx.Client(base_url=server.base_url, limits=limits, timeout=10) as client:
            yield client


def local_port(response: httpx.Response) -> int:
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def fill_the_disk(container: Container) -> None:
    """Make SQLite itself report "database or disk is full" on the event store: no page may
    be added (PRAGMA max_page_count on every connection of its pool, old and new)."""
    pool: Any = container.archive.recorder.datastore.pool  # type: ignore[attr-defined]

    def limit(connection: Any) -> Any:
        connection._sqlite_conn.execute("PRAGMA max_page_count = 1")
        return connection

    for connection in list(pool._pool):
        limit(connection)
    create = pool._create_connection
    pool._create_connection = lambda: limit(create())


def test_a_full_disk_answers_503_and_the_connection_stays_usable(
    tmp_path: Any, ready_story: dict[str, Any]
) -> None:
    container = build(Settings(data_dir=tmp_path / "data", load_demo=False))
    seed_frameworks(container.archive)
    seed_places(container.archive)
    token, _ = container.archive.tokens.issue("partner", "Writer")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with served(create_app(container=container)) as client:
            fill_the_disk(container)
            head = container.archive.head
            long_body = "We began with listening. " * 2000  # needs new pages in the store
            bodies = [{"kind": "story", **ready_story, "body": long_body} for _ in range(3)]
            responses = [client.post("/api/v1/artifacts", json=b, headers=headers) for b in bodies]
            for response in responses:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["Retry-After"]
                assert "disk full" in response.json()["detail"]
            after = client.get("/api/v1/health")
            assert after.status_code == 200
            assert local_port(after) == local_port(responses[0]), "the connection was dropped"
    finally:
        container.close()
    with build(Settings(data_dir=tmp_path / "data", load_demo=False)) as reopened:
        assert reopened.archive.head == head, "nothing was recorded"
        assert reopened.archive.tokens.authenticate(token) is not None, "the store is intact"


def test_an_unexpected_error_answers_a_problem_and_keeps_the_connection(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data", load_demo=False))

    @app.get("/api/v1/test-only/stand-in-defect")
    async def stand_in_defect() -> None:
        """A stand-in route with a defect in it."""
        raise RuntimeError("a defect")

    try:
        with served(app) as client:
            failed = client.get("/api/v1/test-only/stand-in-defect")
            assert failed.status_code == 500
            assert failed.headers["content-type"] == "application/problem+json"
            assert "a defect" not in failed.text, "no internals to the caller"
            after = client.get("/api/v1/health")
            assert after.status_code == 200
            assert local_port(after) == local_port(failed), "the connection was dropped"
    finally:
        app.state.container.close()
