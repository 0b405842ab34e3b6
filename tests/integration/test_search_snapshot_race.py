"""A search whose read snapshot the shared columns outran starts again instead of failing.

Under a 20-client load one search in about 4,000 answered 500 (``KeyError`` in the
page's documents): the columns are shared by the searches of a process, and another
search had brought them past this one's snapshot, so its page named a document this
search could not read yet. Here the other search is played out inside the first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.contract.test_search_contract import CORPUS

APP = "Archive"


def test_a_search_started_before_a_write_still_answers(tmp_path: Path) -> None:
    index = SqliteFtsIndex(tmp_path / "search")
    index.apply(CORPUS, [], Tracking(APP, 10))
    assert index.search(SearchQuery(q="belonging")).total == 1
    reader = index._reader()
    columns = reader.columns
    refresh = columns.refresh
    played: list[bool] = []

    def refresh_then_another_search_moves_on(conn: sqlite3.Connection) -> Any:
        changed = refresh(conn)  # this search's snapshot is taken here
        if not played:
            played.append(True)
            newer = {**CORPUS[0], "id": "a9", "title": "Belonging, again"}
            index.apply([newer], [], Tracking(APP, 11))
            other = sqlite3.connect(reader.path)  # another search's newer snapshot:
            refresh(other)  # it brings the columns and the cached matches up to date
            (expression,) = reader.matches.entries
            reader.matches.get(other, expression, columns.seq, columns.seqs)
            other.close()
        return changed

    columns.refresh = refresh_then_another_search_moves_on  # type: ignore[method-assign]
    result = index.search(SearchQuery(q="belonging"))
    assert played
    assert sorted(hit.id for hit in result.hits) == ["a1", "a9"]
    assert result.total == 2
