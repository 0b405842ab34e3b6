"""One contract for where the indexer's reported status is read (``IndexerStatus``): the
file coordination beside SQLite, the PostgreSQL one, and the fake the search use case's
unit tests use (``tests.fakes.FakeIndexerStatus``). What the indexer saves is what the
API reads back, as JSON.

PostgreSQL runs in a schema of its own per test, and is skipped without a server unless
COMMONPLACE_TEST_REQUIRE_POSTGRES is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.ports.search import IndexerStatus
from infra.coordination import FileCoordination, PostgresCoordination
from infra.settings import Settings
from tests.fakes import FakeIndexerStatus

Save = Callable[[dict[str, Any]], None]


@pytest.fixture(params=["memory", "file", pytest.param("postgres", marks=pytest.mark.postgres)])
def status(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[IndexerStatus, Save]]:
    if request.param == "memory":
        fake = FakeIndexerStatus()
        yield fake, lambda saved: setattr(fake, "saved", saved)
        return
    if request.param == "file":
        file = FileCoordination(tmp_path / "data")
        yield file, file.save_status
        file.close()
        return
    settings = Settings(
        data_dir=tmp_path / "data",
        load_demo=False,
        database_url=request.getfixturevalue("postgres_url"),
        database_schema=request.getfixturevalue("postgres_schema"),
    )
    postgres = PostgresCoordination(settings)
    yield postgres, postgres.save_status
    postgres.close()


def test_nothing_reported_reads_as_empty(status: tuple[IndexerStatus, Save]) -> None:
    reader, _ = status
    assert reader.load_status() == {}


def test_the_last_report_is_read_back(status: tuple[IndexerStatus, Save]) -> None:
    reader, save = status
    save({"retries": 1, "views": {"search": {"position": 3}}})
    report = {"retries": 2, "last_error": None, "views": {"search": {"position": 7}}}
    save(report)
    assert reader.load_status() == report
    loaded = reader.load_status()
    loaded["retries"] = 99
    assert reader.load_status()["retries"] == 2, "a copy: changing it changes nothing stored"
