"""The Meilisearch adapter's requests and task handling, checked against a stand-in server.

The stand-in (tests/standin_meilisearch.py) is a test double of Meilisearch's
documented HTTP API with real task states; it is not Meilisearch. These tests
check the exact requests the adapter sends: settings before documents, batched
documents, escaped filter expressions, swap-indexes, and that a failed task
never moves the tracking position.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery, SearchUnavailable
from infra.bootstrap import tracking_recorder
from infra.search.meili import SETTINGS, MeilisearchIndex
from infra.settings import Settings
from tests.contract.test_search_contract import CORPUS, doc
from tests.standin_meilisearch import MeilisearchStandIn

APP = "Archive"


@pytest.fixture
def server() -> Iterator[MeilisearchStandIn]:
    with MeilisearchStandIn(api_key="test-key") as standin:
        yield standin


@pytest.fixture
def index(server: MeilisearchStandIn, tmp_path: Path) -> MeilisearchIndex:
    recorder = tracking_recorder(Settings(data_dir=tmp_path))
    return MeilisearchIndex(server.url, "test-key", "artifacts", recorder, task_timeout_ms=5000)


def test_settings_are_configured_before_any_document(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    index.apply(CORPUS, [], Tracking(APP, 1))
    writes = [r for r in server.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]
    assert [(r.method, r.path) for r in writes[:3]] == [
        ("POST", "/indexes"),
        ("PATCH", "/indexes/artifacts/settings"),
        ("POST", "/indexes/artifacts/documents"),
    ]
    assert writes[0].body == {"uid": "artifacts", "primaryKey": "id"}
    settings = writes[1].body
    assert settings == SETTINGS
    assert "_geo" in settings["filterableAttributes"]
    assert "_geo" in settings["sortableAttributes"]
    assert settings["pagination"]["maxTotalHits"] >= 100_000
    stored = server.settings("artifacts")["filterableAttributes"]
    assert set(stored) == set(settings["filterableAttributes"])


def test_documents_go_in_batches_with_the_primary_key(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    documents = [doc(f"d{n}", title=f"Story {n}") for n in range(2500)]
    index.apply(documents, [], Tracking(APP, 1))
    sent = server.find_requests("POST", "/indexes/artifacts/documents")
    assert [len(r.body) for r in sent] == [1000, 1000, 500]
    assert all(r.query.get("primaryKey") == "id" for r in sent)
    assert len(index.all_ids()) == 2500


def test_filters_are_documented_syntax_with_escaped_values(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    index.apply(CORPUS, [], Tracking(APP, 1))
    server.clear_requests()
    index.search(
        SearchQuery(
            q="belonging",
            terms=("principles:lead-with-learning",),
            places=('say "hi" \\o/',),
            kinds=("story", "presentation-of-learning"),
            year_from=2020,
            year_to=2023,
            near=(32.22, -110.97),
            radius_km=25,
            sort="distance",
            page=2,
            per_page=5,
        )
    )
    [request] = server.find_requests("POST", "/indexes/artifacts/search")
    body = request.body
    assert body["q"] == "belonging"
    assert body["filter"] == [
        "members_only = false",
        'term_filter = "principles:lead-with-learning"',
        'place_path = "say \\"hi\\" \\\\o/"',
        'kind IN ["story", "presentation-of-learning"]',
        "year >= 2020",
        "year <= 2023",
        "_geoRadius(32.22, -110.97, 25000)",
    ]
    assert body["sort"] == ["_geoPoint(32.22, -110.97):asc"]
    assert (body["page"], body["hitsPerPage"]) == (2, 5)
    assert body["facets"] == [
        "terms",
        "term_filter",
        "place_path",
        "kind",
        "year",
        "convening",
        "language",
    ]
    assert body["matchingStrategy"] == "all"


def test_a_failed_task_does_not_move_the_position(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    index.apply(CORPUS[:1], [], Tracking(APP, 1))
    server.fail_next_tasks(1, code="internal", message="disk full")
    with pytest.raises(SearchUnavailable, match=r"failed.*disk full"):
        index.apply(CORPUS[1:2], [], Tracking(APP, 2))
    assert index.position(APP) == 1
    failed = [t for t in server.tasks() if t["status"] == "failed"]
    assert failed and failed[0]["error"]["code"] == "internal"
    index.apply(CORPUS[1:2], [], Tracking(APP, 2))  # the retry
    assert index.position(APP) == 2


def test_tasks_pass_through_enqueued_and_processing(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    index.apply(CORPUS[:1], [], Tracking(APP, 1))
    server.processing_delay = 0.2
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.update(t["status"] for t in server.tasks())
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    index.apply(CORPUS[1:2], [], Tracking(APP, 2))
    stop.set()
    watcher.join()
    assert {"processing", "succeeded"} <= seen
    assert index.position(APP) == 2


def test_rebuild_uses_swap_indexes(server: MeilisearchStandIn, index: MeilisearchIndex) -> None:
    index.apply(CORPUS, [], Tracking(APP, 10))
    rebuild = index.start_rebuild()
    rebuild.write([doc("n1", title="New")], [])
    rebuild.swap(Tracking(APP, 12))
    [swap] = server.find_requests("POST", "/swap-indexes")
    assert swap.body[0]["indexes"][0] == "artifacts"
    assert index.all_ids() == {"n1"}
    assert server.index_uids() == ["artifacts"], "the old documents' index is deleted"
    assert index.position(APP) == 12


def test_an_unreachable_server_is_reported_as_unavailable(tmp_path: Path) -> None:
    recorder = tracking_recorder(Settings(data_dir=tmp_path))
    index = MeilisearchIndex("http://127.0.0.1:9", None, "artifacts", recorder)
    with pytest.raises(SearchUnavailable):
        index.apply(CORPUS[:1], [], Tracking(APP, 1))
    with pytest.raises(SearchUnavailable):
        index.search(SearchQuery(q="x"))
    assert index.position(APP) == 0


def test_the_api_answers_503_when_search_is_down(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from infra.bootstrap import build, seed_frameworks
    from services.api.app import create_app

    settings = Settings(
        data_dir=tmp_path,
        load_demo=False,
        search_backend="meilisearch",
        meilisearch_url="http://127.0.0.1:9",
    )
    container = build(settings)
    seed_frameworks(container.archive)
    with TestClient(create_app(container=container)) as client:
        response = client.get("/api/v1/search?q=x")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "try again" in response.json()["detail"]
