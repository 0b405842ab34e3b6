"""The embedded index's stems: English and Spanish Snowball stems of the folded vocabulary.

These go beyond the adapter contract (tests/contract/test_search_contract.py), which
Meilisearch meets by typo tolerance and prefixes: forms of a word further apart than two
typos (``assessing`` and ``assessments``) are found here by their common stem.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from domain.ports.search import SearchQuery, SearchUnavailable
from infra.search.sqlite_fts import SqliteFtsIndex
from tests.contract.test_search_contract import doc

APP = "Archive"


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteFtsIndex]:
    fts = SqliteFtsIndex(tmp_path / "search")
    fts.apply(
        [
            doc("e1", title="Assessments that build relationships"),
            doc("e2", title="Assessing a relationship"),
            doc("s1", language="es", title="Aprendizajes de los niños"),
            doc("s2", language="es", title="Lo que aprendí del aprendizaje"),
        ],
        [],
        Tracking(APP, 1),
    )
    yield fts
    fts.close()


def ids(index: SqliteFtsIndex, **query: Any) -> set[str]:
    return {hit.id for hit in index.search(SearchQuery(**query)).hits}


def test_english_forms_beyond_typo_tolerance_share_a_stem(index: SqliteFtsIndex) -> None:
    assert ids(index, q="assessing ") == {"e1", "e2"}
    assert ids(index, q="relationships ", lang="en") == {"e1", "e2"}
    assert ids(index, q="assessed relationship ") == {"e1", "e2"}


def test_spanish_forms_share_a_stem_with_or_without_accents(index: SqliteFtsIndex) -> None:
    assert ids(index, q="aprendizaje ", lang="es") == {"s1", "s2"}
    assert ids(index, q="ninos ") == {"s1"}
    assert ids(index, q="niño ") == {"s1"}


def test_a_query_in_english_is_stemmed_in_english_only(index: SqliteFtsIndex) -> None:
    index.apply([doc("x1", language="es", title="Relationes")], [], Tracking(APP, 2))
    # Spanish stems "relationes" and "relation" alike, English does not.
    assert "x1" in ids(index, q="relation ", lang="es")
    assert "x1" not in ids(index, q="relation ", lang="en")


def test_english_text_is_not_stemmed_by_spanish_rules(index: SqliteFtsIndex) -> None:
    index.apply([doc("x2", title="The circle")], [], Tracking(APP, 2))
    # Spanish takes -ir off verbs: "their" would be "the". Only Spanish artifacts' words
    # have Spanish stems, so an English "the" is not found by a query of unknown language.
    assert ids(index, q="their circle ") == set()
    index.apply([doc("x3", language="es", title="The circle")], [], Tracking(APP, 3))
    assert ids(index, q="their circle ", lang="en") == set()
    assert ids(index, q="their circle ", lang="es") == {"x2", "x3"}, (
        "a form found through a Spanish artifact is looked for in every artifact"
    )


def test_an_index_written_before_stems_asks_for_a_rebuild(tmp_path: Path) -> None:
    fts = SqliteFtsIndex(tmp_path / "search")
    fts.apply([doc("e1", title="Circles")], [], Tracking(APP, 1))
    path = fts.generations.current_path()
    fts.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'format'")
    reopened = SqliteFtsIndex(tmp_path / "search")
    with pytest.raises(SearchUnavailable, match="reindex"):
        reopened.search(SearchQuery(q="circles"))
    reopened.close()
