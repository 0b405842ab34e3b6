"""One contract for every search adapter.

Runs against SQLite FTS5 always; against the Meilisearch adapter talking to a
stand-in Meilisearch server (tests/standin_meilisearch.py: a test double of the
documented HTTP API, not Meilisearch itself); and against a real Meilisearch
when MEILISEARCH_URL is set (each test uses its own index and deletes it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from domain.ports.search import InvalidQuery, SearchIndex, SearchQuery
from infra.bootstrap import tracking_recorder
from infra.search.sqlite_fts import SqliteFtsIndex
from infra.settings import Settings

APP = "Archive"
TUCSON = (32.22, -110.97)
NOTTINGHAM = (52.95, -1.15)


def doc(doc_id: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": doc_id,
        "kind": "story",
        "title": "",
        "summary": "",
        "body": "",
        "language": "en",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
        "members_only": False,
        "terms": [],
        "term_filter": [],
        "stage": None,
        "place": None,
        "place_path": [],
        "place_names": [],
        "contributors": [],
        "themes": [],
        "convening": None,
        "excursion": None,
        "date": None,
        "year": 2023,
        "published_at": 1_700_000_000.0,
        "version": 2,
        "_geo": None,
    }
    base.update(fields)
    if "term_filter" not in fields:
        base["term_filter"] = list(base["terms"])
    return base


TUCSON_PLACE = {
    "place": "desert-view",
    "place_path": ["us", "arizona", "tucson", "desert-view"],
    "place_names": ["United States", "Arizona", "Tucson", "Desert View High"],
    "_geo": {"lat": 32.13, "lng": -110.93},
}
ENGLAND_PLACE = {
    "place": "brookfield",
    "place_path": ["uk", "england", "brookfield"],
    "place_names": ["United Kingdom", "England", "Brookfield Primary"],
    "_geo": {"lat": 52.95, "lng": -1.15},
}

CORPUS = [
    doc(
        "a1",
        title="Morning circles in Tucson",
        summary="Listening before teaching.",
        body="Students spoke about belonging and being known.",
        terms=["principles:lead-with-learning", "conditions:relationships"],
        term_filter=[
            "principles:lead-with-learning",
            "conditions:relationships",
            "conditions:culture",
        ],
        themes=["belonging"],
        contributors=["Ms. Lopez"],
        convening="tucson-2023",
        published_at=1_700_000_300.0,
        **TUCSON_PLACE,
    ),
    doc(
        "a2",
        kind="presentation-of-learning",
        title="What counts as evidence",
        body="A group presented portfolios of evidence.",
        terms=["principles:ground-learning-in-place"],
        year=2022,
        published_at=1_700_000_200.0,
        convening="tucson-2023",
        **TUCSON_PLACE,
    ),
    doc(
        "a3",
        title="Pupil progress meetings every half term",
        body="Teachers and leaders met.",
        terms=["network-features:collaborative-inquiry-cycles", "principles:lead-with-learning"],
        published_at=1_700_000_100.0,
        language="en-GB",
        **ENGLAND_PLACE,
    ),
    doc(
        "a4",
        title="A members-only reflection on belonging",
        body="Only for members.",
        members_only=True,
        terms=["principles:lead-with-learning"],
        **TUCSON_PLACE,
    ),
]


def _standin_index(tmp_path: Path) -> Iterator[SearchIndex]:
    from infra.search.meili import MeilisearchIndex
    from tests.standin_meilisearch import MeilisearchStandIn

    with MeilisearchStandIn() as server:
        yield MeilisearchIndex(
            server.url,
            None,
            "artifacts",
            tracking_recorder(Settings(data_dir=tmp_path)),
            task_timeout_ms=10_000,
        )


def _real_meilisearch(tmp_path: Path) -> Iterator[SearchIndex]:
    from infra.search.meili import MeilisearchIndex

    uid = f"contract_{uuid.uuid4().hex[:10]}"
    index = MeilisearchIndex(
        os.environ["MEILISEARCH_URL"],
        os.environ.get("MEILISEARCH_KEY"),
        uid,
        tracking_recorder(Settings(data_dir=tmp_path)),
    )
    yield index
    for existing in index.client.get_indexes({"limit": 1000})["results"]:
        if existing.uid.startswith(uid):
            index.client.delete_index(existing.uid)


ADAPTERS = [
    "sqlite-fts5",
    "meilisearch-standin",
    pytest.param(
        "meilisearch",
        marks=pytest.mark.skipif(
            not os.environ.get("MEILISEARCH_URL"), reason="MEILISEARCH_URL is not set"
        ),
    ),
]


@pytest.fixture(params=ADAPTERS)
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "sqlite-fts5":
        fts = SqliteFtsIndex(tmp_path / "search")
        yield fts
        fts.close()
    elif request.param == "meilisearch-standin":
        yield from _standin_index(tmp_path)
    else:
        yield from _real_meilisearch(tmp_path)


@pytest.fixture
def loaded(index: SearchIndex) -> SearchIndex:
    index.apply(CORPUS, [], Tracking(APP, 10))
    return index


def ids(index: SearchIndex, **query: Any) -> list[str]:
    return [hit.id for hit in index.search(SearchQuery(**query)).hits]


def test_writes_are_tracked_and_idempotent(index: SearchIndex) -> None:
    assert index.position(APP) == 0
    index.apply(CORPUS[:1], [], Tracking(APP, 5))
    index.apply(CORPUS[:1], [], Tracking(APP, 6))  # the same document again
    assert index.position(APP) == 6
    assert ids(index, q="morning") == ["a1"]
    assert index.all_ids() == {"a1"}
    with pytest.raises(IntegrityError):
        index.apply(CORPUS[1:2], [], Tracking(APP, 6))  # a position is never applied twice


def test_whole_documents_replace_and_deletions_remove(loaded: SearchIndex) -> None:
    loaded.apply([doc("a1", title="Evening circles", **TUCSON_PLACE)], [], Tracking(APP, 11))
    assert ids(loaded, q="morning") == []
    assert ids(loaded, q="evening") == ["a1"]
    assert (loaded.document("a1") or {})["title"] == "Evening circles"
    loaded.apply([], ["a1", "never-indexed"], Tracking(APP, 12))
    assert loaded.document("a1") is None
    assert loaded.all_ids() == {"a2", "a3", "a4"}


def test_members_only_documents_need_members(loaded: SearchIndex) -> None:
    assert "a4" not in ids(loaded, q="belonging")
    assert "a4" in ids(loaded, q="belonging", include_members=True)


def test_filters(loaded: SearchIndex) -> None:
    assert set(ids(loaded, terms=("principles:lead-with-learning",))) == {"a1", "a3"}
    assert ids(loaded, terms=("conditions:culture",)) == ["a1"], (
        "a condition finds its competencies"
    )
    assert set(ids(loaded, places=("arizona",))) == {"a1", "a2"}
    assert ids(loaded, places=("england",)) == ["a3"]
    assert ids(loaded, kinds=("presentation-of-learning",)) == ["a2"]
    assert set(ids(loaded, kinds=("story", "presentation-of-learning"))) == {"a1", "a2", "a3"}
    assert ids(loaded, year_to=2022) == ["a2"]
    assert set(ids(loaded, year_from=2023, year_to=2023)) == {"a1", "a3"}
    assert ids(loaded, language="en-GB") == ["a3"]
    assert set(ids(loaded, convening="tucson-2023")) == {"a1", "a2"}
    assert ids(loaded, terms=("principles:lead-with-learning",), places=("arizona",)) == ["a1"]


def test_near_a_point_and_sorting_by_distance(loaded: SearchIndex) -> None:
    near_tucson = loaded.search(SearchQuery(near=TUCSON, radius_km=50, sort="distance"))
    assert {hit.id for hit in near_tucson.hits} == {"a1", "a2"}
    assert all(hit.distance_km is not None and hit.distance_km < 15 for hit in near_tucson.hits)
    from_england = ids(loaded, near=NOTTINGHAM, sort="distance")
    assert from_england[0] == "a3"


def test_newest_first(loaded: SearchIndex) -> None:
    assert ids(loaded, sort="newest") == ["a1", "a2", "a3"]


def test_facets_count_every_match_not_just_the_page(loaded: SearchIndex) -> None:
    result = loaded.search(SearchQuery(per_page=1))
    assert result.total == 3 and len(result.hits) == 1
    assert result.facets["kind"] == {"story": 2, "presentation-of-learning": 1}
    assert result.facets["places"]["arizona"] == 2
    assert result.facets["places"]["england"] == 1
    assert result.facets["terms"]["principles:lead-with-learning"] == 2
    assert "conditions:culture" not in result.facets["terms"]
    assert result.facets["term_filter"]["conditions:culture"] == 1, "includes competencies"
    assert result.facets["year"] == {"2023": 2, "2022": 1}
    assert result.facets["convening"] == {"tucson-2023": 2}


def test_paging(loaded: SearchIndex) -> None:
    pages = [ids(loaded, sort="newest", per_page=2, page=n) for n in (1, 2, 3)]
    assert pages == [["a1", "a2"], ["a3"], []]


def test_typos_and_prefixes_are_forgiven(loaded: SearchIndex) -> None:
    assert set(ids(loaded, q="Tuscon")) == {"a1", "a2"}, "both are in Tucson"
    assert "a1" in ids(loaded, q="belongin")
    assert ids(loaded, q="portfolois") == ["a2"]


def test_snippets_highlight_and_escape(index: SearchIndex) -> None:
    hostile = doc("h1", title="<script>alert(1)</script> circles", body="Circles <b>bold</b> here")
    index.apply([hostile], [], Tracking(APP, 1))
    [hit] = index.search(SearchQuery(q="circles")).hits
    assert "<mark>" in hit.snippet and "<script>" not in hit.snippet and "<b>" not in hit.snippet


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "OR",
        "NEAR(a b",
        "a* -",
        "(belonging",
        "-",
        "title:x",
        "^x",
        'a"b\\c',
        "AND OR NOT",
        "*",
        "x" * 400,
        "\x00",
        "belonging NOT",
        "✓ ünïcödé 漢字",
    ],
)
def test_any_typed_query_gives_results_or_a_clear_error(loaded: SearchIndex, q: str) -> None:
    try:
        result = loaded.search(SearchQuery(q=q))
    except InvalidQuery:
        return
    assert result.total >= 0


def test_filter_values_cannot_break_out(loaded: SearchIndex) -> None:
    assert ids(loaded, places=('arizona" OR members_only = true OR place_path = "x',)) == []
    assert ids(loaded, terms=("x\\",)) == []
    assert ids(loaded, convening="' OR 1=1 --") == []


def test_rebuild_swaps_in_a_new_index(loaded: SearchIndex) -> None:
    rebuild = loaded.start_rebuild()
    rebuild.write([doc("b1", title="Rebuilt story")], [])
    rebuild.apply([doc("b2", title="Caught up story")], [], Tracking(APP, 30))
    assert ids(loaded, q="rebuilt") == [], "the live index is untouched until the swap"
    rebuild.swap(Tracking(APP, 30))
    assert loaded.all_ids() == {"b1", "b2"}
    assert loaded.position(APP) == 30
    loaded.apply([doc("b3", title="After the swap")], [], Tracking(APP, 31))
    assert loaded.position(APP) == 31 and "b3" in loaded.all_ids()


def test_capped_facets_keep_the_most_frequent_and_the_selected(loaded: SearchIndex) -> None:
    top = loaded.search(SearchQuery(facet_limit=1)).facets
    assert top["kind"] == {"story": 2}
    assert top["places"] == {"us": 2}, "the top level of the place tree only"
    assert top["year"] == {"2023": 2}
    chosen = loaded.search(SearchQuery(facet_limit=1, terms=("conditions:relationships",)))
    conditions = {t for t in chosen.facets["term_filter"] if t.startswith("conditions:")}
    assert conditions == {"conditions:culture", "conditions:relationships"}, (
        "the top one of the framework and the selected one"
    )
    assert "principles:lead-with-learning" in chosen.facets["term_filter"], "capped per framework"


def test_the_capped_place_tree_opens_below_the_selected_place(loaded: SearchIndex) -> None:
    assert loaded.search(SearchQuery(facet_limit=10)).facets["places"] == {"us": 2, "uk": 1}
    inside = loaded.search(SearchQuery(facet_limit=10, places=("arizona",))).facets["places"]
    assert inside == {"us": 2, "arizona": 2, "tucson": 2}, "ancestors, it, and its children"
    more = loaded.search(SearchQuery(facet_limit=1, facet_more="places")).facets
    assert more["places"] == {"us": 2, "uk": 1} and more["kind"] == {"story": 2}


def test_a_new_word_is_forgiven_its_typos_as_soon_as_it_is_indexed(loaded: SearchIndex) -> None:
    assert ids(loaded, q="zanzibarion") == [], "an unknown word (the typo tables are consulted)"
    loaded.apply([doc("n1", title="Zanzibarian circles")], [], Tracking(APP, 11))
    assert ids(loaded, q="zanzibarion") == ["n1"], "no wait for a typo index to be rebuilt"


# -- in Spanish and English ------------------------------------------------------------
# Both adapters answer these alike: SQLite FTS5 by Snowball stems and folded words,
# Meilisearch (and its stand-in) by folded words, prefixes and typo tolerance, with
# localizedAttributes naming each document's language.

BILINGUAL = [
    doc(
        "s1",
        language="es",
        title="Evaluación compartida en la mesa",
        summary="Rúbricas bilingües para padres y maestros.",
        body="Los padres leen con el profesorado el trabajo de sus hijos.",
        published_at=1_700_000_050.0,
    ),
    doc(
        "s2",
        language="es",
        title="Las evaluaciones de fin de curso",
        body="Cada estudiante presentó su carpeta en Tucson, con sus familias.",
        published_at=1_700_000_040.0,
    ),
    doc(
        "s3",
        language="es-MX",
        title="Reunión de padres en Tucson",
        body="Hablamos del aprendizaje en casa.",
        published_at=1_700_000_030.0,
    ),
    doc(
        "e1",
        title="Tucson parents at the assessment table",
        body="Parents read student work with teachers.",
        published_at=1_700_000_020.0,
    ),
    doc(
        "e2",
        title="Assessments at the end of the year",
        body="Every student presented a portfolio.",
        published_at=1_700_000_010.0,
    ),
]


@pytest.fixture
def bilingual(index: SearchIndex) -> SearchIndex:
    index.apply(CORPUS + BILINGUAL, [], Tracking(APP, 10))
    return index


def languages(index: SearchIndex, **query: Any) -> list[str]:
    return [hit.document["language"] for hit in index.search(SearchQuery(**query)).hits]


@pytest.mark.parametrize(
    "q", ["evaluación", "evaluacion", "evaluaciones", "EVALUACIONES", "evaluación ", "Evaluación"]
)
@pytest.mark.parametrize("lang", [None, "es"])
def test_a_spanish_word_finds_its_forms_with_or_without_accents(
    bilingual: SearchIndex, q: str, lang: str | None
) -> None:
    assert set(ids(bilingual, q=q, lang=lang)) == {"s1", "s2"}


def test_accents_typed_or_not_find_the_same(bilingual: SearchIndex) -> None:
    assert set(ids(bilingual, q="reunion")) == {"s3"}
    assert set(ids(bilingual, q="reunión padres")) == {"s3"}
    assert set(ids(bilingual, q="rubricas bilingues")) == {"s1"}


def test_an_english_word_finds_its_forms(bilingual: SearchIndex) -> None:
    assert set(ids(bilingual, q="assessment", lang="en")) == {"e1", "e2"}
    assert set(ids(bilingual, q="assessments ", lang="en")) == {"e1", "e2"}
    assert set(ids(bilingual, q="portfolios")) == {"e2", "a2"}


def test_spanish_words_are_forgiven_their_typos(bilingual: SearchIndex) -> None:
    assert set(ids(bilingual, q="evaluasión", lang="es")) == {"s1", "s2"}
    assert set(ids(bilingual, q="evaluasiones", lang="es")) >= {"s2"}
    assert ids(bilingual, q="famlias", lang="es") == ["s2"]
    assert set(ids(bilingual, q="reunoin")) == {"s3"}, "a transposition"


def test_snippets_mark_the_forms_found(bilingual: SearchIndex) -> None:
    [hit] = bilingual.search(SearchQuery(q="familias", lang="es")).hits
    assert "<mark>familias</mark>" in hit.snippet
    found = {h.id: h.snippet for h in bilingual.search(SearchQuery(q="evaluacion")).hits}
    assert "<mark>Evaluación</mark>" in found["s1"]
    assert "<mark>evaluacion" in found["s2"], "the whole word, or the part typed (Meilisearch)"


def test_the_language_facet_counts_every_match(bilingual: SearchIndex) -> None:
    facets = bilingual.search(SearchQuery(per_page=1)).facets
    assert facets["language"] == {"en": 4, "en-GB": 1, "es": 2, "es-MX": 1}
    tucson = bilingual.search(SearchQuery(q="tucson", per_page=1)).facets
    assert tucson["language"] == {"en": 3, "es": 1, "es-MX": 1}
    chosen = bilingual.search(SearchQuery(language="es", facet_limit=1)).facets
    assert chosen["language"] == {"es": 2}, "the selected language, counted among the filtered"
    assert set(ids(bilingual, language="es")) == {"s1", "s2"}


def test_a_query_in_a_language_ranks_that_languages_artifacts_first(
    bilingual: SearchIndex,
) -> None:
    in_spanish = languages(bilingual, q="tucson", lang="es")
    assert [base.split("-")[0] for base in in_spanish] == ["es", "es", "en", "en", "en"]
    in_english = languages(bilingual, q="tucson", lang="en")
    assert [base.split("-")[0] for base in in_english] == ["en", "en", "en", "es", "es"]
    assert set(ids(bilingual, q="tucson", lang="es")) == set(ids(bilingual, q="tucson"))
    assert ids(bilingual, q="tucson", lang="es", per_page=2, page=2)[0] in {"a1", "a2", "e1"}


def test_browsing_in_a_language_shows_it_first_newest_first(bilingual: SearchIndex) -> None:
    assert ids(bilingual, lang="es")[:3] == ["s1", "s2", "s3"]
    assert ids(bilingual, lang="es")[3:] == ids(bilingual, sort="newest", language="en")[:1] + [
        i for i in ids(bilingual, sort="newest") if i not in {"s1", "s2", "s3", "a1"}
    ]
    assert ids(bilingual, lang="es", sort="newest") == ids(bilingual, sort="newest")


def test_a_rebuilt_index_finds_the_forms_of_its_words(index: SearchIndex) -> None:
    rebuild = index.start_rebuild()
    rebuild.write([doc("r1", language="es", title="Evaluaciones en familia")], [])
    rebuild.swap(Tracking(APP, 3))
    assert ids(index, q="evaluación") == ["r1"]
    assert ids(index, q="evaluasiones") == ["r1"]
    index.apply([doc("r2", language="es", title="Otra evaluación")], [], Tracking(APP, 4))
    assert set(ids(index, q="evaluaciones")) == {"r1", "r2"}
