"""What the Meilisearch adapter tells the server about languages, checked against a stand-in.

The stand-in (tests/standin_meilisearch.py) is a test double of Meilisearch's documented
HTTP API, not Meilisearch: it checks the shape of ``localizedAttributes`` and ``locales``
and keeps them, but tokenises every language alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import meilisearch
import pytest
from eventsourcing.persistence import Tracking
from meilisearch.errors import MeilisearchApiError

from domain.ports.search import SearchQuery
from infra.bootstrap import tracking_recorder
from infra.search.meili import MeilisearchIndex
from infra.settings import Settings
from tests.contract.test_search_contract import BILINGUAL, CORPUS
from tests.standin_meilisearch import MeilisearchStandIn

APP = "Archive"


@pytest.fixture
def server() -> Iterator[MeilisearchStandIn]:
    with MeilisearchStandIn() as standin:
        yield standin


@pytest.fixture
def index(server: MeilisearchStandIn, tmp_path: Path) -> MeilisearchIndex:
    recorder = tracking_recorder(Settings(data_dir=tmp_path))
    built = MeilisearchIndex(server.url, None, "artifacts", recorder, task_timeout_ms=5000)
    built.apply(CORPUS + BILINGUAL, [], Tracking(APP, 1))
    return built


def test_each_language_has_its_locale_for_the_text_attributes(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    rules = server.settings("artifacts")["localizedAttributes"]
    assert {"attributePatterns": ["title.es", "summary.es", "body.es", "themes.es"],
            "locales": ["spa"]} in rules  # fmt: skip
    assert {"attributePatterns": ["title.en", "summary.en", "body.en", "themes.en"],
            "locales": ["eng"]} in rules  # fmt: skip
    assert server.settings("artifacts")["rankingRules"][0] == "sort"


def test_documents_carry_their_text_under_their_language_and_come_back_as_written(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    held = {d["id"]: d for d in server.documents("artifacts")}
    assert held["s3"]["title"] == {"es": "Reunión de padres en Tucson"}, "es-MX is Spanish"
    assert held["a3"]["title"] == {"en": "Pupil progress meetings every half term"}
    assert (held["s1"]["other_language_es"], held["s1"]["other_language_en"]) == (0, 1)
    assert index.document("s3") == next(d for d in BILINGUAL if d["id"] == "s3")
    [hit] = index.search(SearchQuery(q="reunion")).hits
    assert hit.document["title"] == "Reunión de padres en Tucson"
    assert "other_language_es" not in hit.document


def test_a_query_names_its_locale_and_sorts_its_language_first(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    server.clear_requests()
    index.search(SearchQuery(q="tucson", lang="es"))
    index.search(SearchQuery(q="tucson"))
    index.search(SearchQuery(q="tucson", lang="es", sort="newest"))
    spanish, unknown, newest = (
        r.body for r in server.find_requests("POST", "/indexes/artifacts/search")
    )
    assert spanish["locales"] == ["spa"] and spanish["sort"] == ["other_language_es:asc"]
    assert "locales" not in unknown and "sort" not in unknown
    assert newest["sort"] == ["published_at:desc"], "newest first is a whole order"


def test_the_standin_refuses_unknown_locales_as_meilisearch_does(
    server: MeilisearchStandIn, index: MeilisearchIndex
) -> None:
    client = meilisearch.Client(server.url)
    with pytest.raises(MeilisearchApiError) as refused:
        client.index("artifacts").search("x", {"locales": ["klingon"]})
    assert refused.value.code == "invalid_search_locales"
    with pytest.raises(MeilisearchApiError) as bad:
        client.index("artifacts").update_localized_attributes([{"locales": ["spa"]}])
    assert bad.value.code == "invalid_settings_localized_attributes"
