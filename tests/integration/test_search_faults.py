"""A missing or broken FTS5 index says so (issue 10, defect 3).

Before: a deleted index file kept answering from the deleted file; a new process
silently made an empty index (and a search answered part of the archive while the
indexer refilled it); a dangling CURRENT pointer answered 200 with no results. Now
each raises ``SearchUnavailable`` (503 with Retry-After over HTTP), the writer does
not recreate the index behind the readers' back, and ``health()`` and the indexer
status say what is wrong and whether a rebuild is under way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery, SearchUnavailable
from infra.bootstrap import Container
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.conftest import Api
from tests.contract.test_search_contract import CORPUS

APP = "Archive"


@pytest.fixture
def loaded(tmp_path: Path) -> SqliteFtsIndex:
    index = SqliteFtsIndex(tmp_path / "search")
    index.apply(CORPUS, [], Tracking(APP, 10))
    assert index.search(SearchQuery(q="belonging")).total == 1
    return index


def current_file(index: SqliteFtsIndex) -> Path:
    return index.generations.directory / index.generations.current_name()


def remove_generation(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


def test_a_file_removed_under_a_running_reader_is_unavailable(loaded: SqliteFtsIndex) -> None:
    remove_generation(current_file(loaded))
    with pytest.raises(SearchUnavailable, match="missing"):
        loaded.search(SearchQuery(q="belonging"))
    with pytest.raises(SearchUnavailable):
        loaded.apply(CORPUS[:1], [], Tracking(APP, 11))
    assert loaded.health()["state"] == "missing"


def test_a_new_process_does_not_make_an_empty_index_in_its_place(
    loaded: SqliteFtsIndex, tmp_path: Path
) -> None:
    path = current_file(loaded)
    loaded.close()
    remove_generation(path)
    restarted = SqliteFtsIndex(tmp_path / "search")
    with pytest.raises(SearchUnavailable):
        restarted.search(SearchQuery())
    with pytest.raises(SearchUnavailable):
        restarted.position(APP)
    assert not path.exists(), "nothing recreated it"


def test_a_dangling_pointer_is_unavailable_not_empty(loaded: SqliteFtsIndex) -> None:
    loaded.generations.point_to("gen-99.sqlite3")
    with pytest.raises(SearchUnavailable, match="gen-99"):
        loaded.search(SearchQuery())
    health = loaded.health()
    assert health["state"] == "missing" and "gen-99" in health["detail"]


def test_a_missing_pointer_beside_generations_is_unavailable(loaded: SqliteFtsIndex) -> None:
    loaded.generations.pointer.unlink()
    with pytest.raises(SearchUnavailable, match="pointer"):
        loaded.search(SearchQuery())


def test_an_unreadable_file_is_unavailable(loaded: SqliteFtsIndex, tmp_path: Path) -> None:
    path = current_file(loaded)
    loaded.close()
    remove_generation(path)
    path.write_bytes(b"this is not a database" * 100)
    broken = SqliteFtsIndex(tmp_path / "search")
    with pytest.raises(SearchUnavailable):
        broken.search(SearchQuery())
    assert broken.health()["state"] == "broken"


def test_a_rebuild_in_progress_is_reported(loaded: SqliteFtsIndex) -> None:
    rebuild = loaded.start_rebuild()
    rebuild.write(CORPUS[:2], [])
    assert loaded.health() == {"state": "ok", "detail": "gen-1.sqlite3", "rebuilding": True}
    assert loaded.search(SearchQuery()).total == 3, "the complete index answers meanwhile"
    remove_generation(current_file(loaded))
    with pytest.raises(SearchUnavailable, match="rebuild into gen-2"):
        loaded.search(SearchQuery())
    assert loaded.health()["rebuilding"] is True
    rebuild.swap(Tracking(APP, 10))
    assert loaded.health() == {"state": "ok", "detail": "gen-2.sqlite3", "rebuilding": False}
    assert loaded.search(SearchQuery()).total == 2


def test_the_api_answers_503_and_the_status_says_why(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    index = container.search
    if not isinstance(index, SqliteFtsIndex):
        pytest.skip("the embedded index only")
    assert api.client.get("/api/v1/search").status_code == 200
    remove_generation(current_file(index))
    response = api.client.get("/api/v1/search?q=circles")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    status = api.client.get("/api/v1/indexer/status")
    assert status.status_code == 200
    assert status.json()["index"]["state"] == "missing"
