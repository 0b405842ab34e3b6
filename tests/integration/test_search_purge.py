"""The indexer's purge after an erasure (a deletion of ``PURGE``) on both search backends:
SQLite leaves no earlier copy of a replaced document in its files; the Meilisearch
adapter (checked against the stand-in server, not Meilisearch) takes it as a deletion
of nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from infra.bootstrap import tracking_recorder
from infra.search.fts_store import PURGE
from infra.search.meili import MeilisearchIndex
from infra.search.sqlite_fts import SqliteFtsIndex
from infra.settings import Settings
from tests.contract.test_search_contract import CORPUS, doc
from tests.standin_meilisearch import MeilisearchStandIn

APP = "purge"
NAME = "Bartholomea Ngozi-Lindqvist"
REMOVED = "a person who asked to be removed"


def listing(name: str) -> list[dict[str, object]]:
    return [{"person_id": "p1", "role": "named", "name": name}]


def files(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in directory.rglob("*") if p.is_file())


@pytest.mark.parametrize("purge", [True, False])
def test_sqlite_leaves_no_earlier_copy_after_a_purge(tmp_path: Path, purge: bool) -> None:
    index = SqliteFtsIndex(tmp_path / "search")
    index.apply([{**doc("a1"), "persons": listing(NAME)}], [], Tracking(APP, 1))
    assert NAME.encode() in files(tmp_path / "search")
    deletions = [PURGE] if purge else []
    index.apply([{**doc("a1"), "persons": listing(REMOVED)}], deletions, Tracking(APP, 2))
    assert index.all_ids() == {"a1"} and index.position(APP) == 2
    assert (NAME.encode() in files(tmp_path / "search")) is not purge
    index.close()


@pytest.fixture
def meili(tmp_path: Path) -> Iterator[MeilisearchIndex]:
    with MeilisearchStandIn(api_key="test-key") as standin:
        recorder = tracking_recorder(Settings(data_dir=tmp_path))
        yield MeilisearchIndex(standin.url, "test-key", "artifacts", recorder, task_timeout_ms=5000)


def test_meilisearch_takes_the_purge_as_a_deletion_of_nothing(meili: MeilisearchIndex) -> None:
    meili.apply(CORPUS, [], Tracking(APP, 1))
    before = meili.all_ids()
    meili.apply([], [PURGE], Tracking(APP, 2))
    assert meili.all_ids() == before and meili.position(APP) == 2
