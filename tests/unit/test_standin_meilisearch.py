"""The Meilisearch stand-in, driven through the official ``meilisearch`` client.

These tests pin the Meilisearch behaviour the stand-in reproduces, so that adapter tests
run against it can trust what it answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import meilisearch
import pytest
from meilisearch.errors import MeilisearchApiError
from meilisearch.index import Index
from meilisearch.models.task import Task, TaskInfo

from tests.standin_meilisearch import MeilisearchStandIn

MASTER_KEY = "stand-in-master-key"
PARIS = {"lat": 48.8566, "lng": 2.3522}
BERLIN = {"lat": 52.52, "lng": 13.405}
TUCSON = {"lat": 32.2226, "lng": -110.9747}

STORIES: list[dict[str, Any]] = [
    {
        "id": 1,
        "title": "Tucson nights",
        "summary": "A story about belonging in the desert",
        "genre": "Drama",
        "year": 2001,
        "tags": ["desert", "night"],
        "quote": 'He said "hi" \\ then left',
        "_geo": TUCSON,
    },
    {
        "id": 2,
        "title": "Belonging",
        "summary": "Finding a place to call home",
        "genre": "drama",
        "year": 1999,
        "tags": ["home"],
        "_geo": PARIS,
    },
    {
        "id": 3,
        "title": "The bird",
        "summary": "A comedy about a talkative bird",
        "genre": "Comedy",
        "year": 2010,
        "tags": [],
        "subtitle": None,
        "_geo": BERLIN,
    },
    {
        "id": 4,
        "title": "Cactus flower",
        "summary": "Desert blooms after the rain",
        "genre": "Documentary",
        "year": 2015,
        "tags": ["desert"],
        "note": "",
    },
]


@pytest.fixture
def server() -> Iterator[MeilisearchStandIn]:
    with MeilisearchStandIn(api_key=MASTER_KEY) as standin:
        yield standin


@pytest.fixture
def client(server: MeilisearchStandIn) -> meilisearch.Client:
    return meilisearch.Client(server.url, MASTER_KEY)


def wait(client: meilisearch.Client, info: TaskInfo) -> Task:
    return client.wait_for_task(info.task_uid, timeout_in_ms=5000, interval_in_ms=5)


@pytest.fixture
def stories(client: meilisearch.Client) -> Index:
    index = client.index("stories")
    settings = index.update_settings(
        {
            "searchableAttributes": ["title", "summary", "genre", "tags"],
            "filterableAttributes": ["genre", "year", "tags", "quote", "subtitle", "note", "_geo"],
            "sortableAttributes": ["year", "title", "_geo"],
        }
    )
    assert wait(client, settings).status == "succeeded"
    added = index.add_documents(STORIES, primary_key="id")
    assert wait(client, added).status == "succeeded"
    return index


def ids(result: dict[str, Any]) -> list[int]:
    return [hit["id"] for hit in result["hits"]]


def search_error(index: Index, query: str, params: dict[str, Any]) -> MeilisearchApiError:
    with pytest.raises(MeilisearchApiError) as caught:
        index.search(query, params)
    return caught.value


# -- server and tasks ----------------------------------------------------------------------


def test_serves_on_loopback_and_requires_the_master_key(server: MeilisearchStandIn) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert meilisearch.Client(server.url).health() == {"status": "available"}
    with pytest.raises(MeilisearchApiError) as caught:
        meilisearch.Client(server.url, "wrong-key").get_indexes()
    assert caught.value.status_code == 403
    assert caught.value.code == "invalid_api_key"
    assert caught.value.type == "auth"
    assert caught.value.link == "https://docs.meilisearch.com/errors#invalid_api_key"


def test_task_states_move_from_enqueued_to_processing_to_succeeded() -> None:
    with MeilisearchStandIn(processing_delay=0.3) as server:
        client = meilisearch.Client(server.url)
        with server.paused():
            info = client.create_index("stories", {"primaryKey": "id"})
            assert (info.status, info.type, info.index_uid) == (
                "enqueued",
                "indexCreation",
                "stories",
            )
            assert client.get_task(info.task_uid).status == "enqueued"
        seen = "enqueued"
        deadline = time.monotonic() + 2
        while seen == "enqueued" and time.monotonic() < deadline:
            seen = client.get_task(info.task_uid).status
        assert seen == "processing"
        processing = client.get_task(info.task_uid)
        assert processing.started_at is not None and processing.finished_at is None
        done = client.wait_for_task(info.task_uid, interval_in_ms=10)
        assert done.status == "succeeded"
        assert done.error is None
        assert done.details == {"primaryKey": "id"}
        assert done.started_at is not None and done.finished_at is not None
        assert done.enqueued_at <= done.started_at <= done.finished_at
        assert done.duration is not None and done.duration.startswith("PT")
        assert client.get_index("stories").primary_key == "id"


def test_injected_failures_end_failed_without_raising(
    server: MeilisearchStandIn, client: meilisearch.Client
) -> None:
    server.fail_next_tasks(1, code="internal", message="disk on fire")
    failed = wait(client, client.index("stories").add_documents([{"id": 1}]))
    assert failed.status == "failed"
    assert failed.error == {
        "message": "disk on fire",
        "code": "internal",
        "type": "internal",
        "link": "https://docs.meilisearch.com/errors#internal",
    }
    assert failed.details == {"receivedDocuments": 1, "indexedDocuments": 0}
    assert server.index_uids() == []
    succeeded = wait(client, client.index("stories").add_documents([{"id": 1}]))
    assert succeeded.status == "succeeded"
    assert server.documents("stories") == [{"id": 1}]


def test_documents_without_the_primary_key_fail_the_task(client: meilisearch.Client) -> None:
    index = client.index("stories")
    assert wait(client, index.add_documents([{"id": 1, "title": "One"}])).status == "succeeded"
    task = wait(client, index.add_documents([{"id": 2}, {"title": "no id"}]))
    assert task.status == "failed"
    assert task.error is not None
    assert task.error["code"] == "missing_document_id"
    assert task.error["message"] == (
        'Document doesn\'t have a `id` attribute: `{"title":"no id"}`.'
    )
    assert [doc.id for doc in index.get_documents().results] == [1]


def test_a_different_primary_key_fails_and_inference_needs_an_id_field(
    client: meilisearch.Client,
) -> None:
    index = client.index("stories")
    assert wait(client, index.add_documents([{"slug": "a", "id": 1}], "slug")).status == (
        "succeeded"
    )
    clash = wait(client, index.add_documents([{"slug": "b", "id": 2}], "id"))
    assert clash.status == "failed"
    assert clash.error is not None and clash.error["code"] == "index_primary_key_already_exists"
    assert clash.error["message"] == "Index already has a primary key: `slug`."
    no_candidate = wait(client, client.index("other").add_documents([{"title": "x"}]))
    assert no_candidate.error is not None
    assert no_candidate.error["code"] == "index_primary_key_no_candidate_found"
    inferred = wait(client, client.index("third").add_documents([{"storyId": 7, "n": 1}]))
    assert inferred.status == "succeeded"
    assert client.get_index("third").primary_key == "storyId"


def test_tasks_can_be_listed_by_status_and_index(client: meilisearch.Client) -> None:
    wait(client, client.create_index("a"))
    wait(client, client.create_index("a"))
    wait(client, client.create_index("b"))
    failed = client.get_tasks({"statuses": ["failed"]})
    assert failed.total == 1
    assert failed.results[0].error is not None
    assert failed.results[0].error["code"] == "index_already_exists"
    of_a = client.get_tasks({"indexUids": ["a"]})
    assert [task.uid for task in of_a.results] == [1, 0]
    with pytest.raises(MeilisearchApiError) as caught:
        client.get_task(99)
    assert (caught.value.status_code, caught.value.code) == (404, "task_not_found")


# -- indexes, settings and documents -----------------------------------------------------


def test_settings_round_trip(client: meilisearch.Client) -> None:
    index = client.index("stories")
    update = {
        "searchableAttributes": ["title", "summary"],
        "filterableAttributes": ["genre", "year"],
        "sortableAttributes": ["year"],
        "displayedAttributes": ["id", "title", "year"],
        "rankingRules": [
            "words",
            "typo",
            "proximity",
            "attribute",
            "sort",
            "exactness",
            "year:desc",
        ],
        "typoTolerance": {"minWordSizeForTypos": {"oneTypo": 4}},
        "faceting": {"maxValuesPerFacet": 10},
        "pagination": {"maxTotalHits": 50},
    }
    task = wait(client, index.update_settings(update))
    assert (task.status, task.type, task.details) == ("succeeded", "settingsUpdate", update)
    settings = index.get_settings()
    for name in (
        "searchableAttributes",
        "filterableAttributes",
        "sortableAttributes",
        "displayedAttributes",
        "rankingRules",
    ):
        assert settings[name] == update[name]
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 4, "twoTypos": 9}
    assert settings["typoTolerance"]["enabled"] is True
    assert settings["faceting"]["maxValuesPerFacet"] == 10
    assert settings["pagination"] == {"maxTotalHits": 50}
    assert index.get_pagination_settings().max_total_hits == 50
    wait(client, index.update_sortable_attributes(["title"]))
    wait(client, index.reset_filterable_attributes())
    assert index.get_sortable_attributes() == ["title"]
    assert index.get_filterable_attributes() == []
    with pytest.raises(MeilisearchApiError) as caught:
        client.index("missing").get_settings()
    assert (caught.value.status_code, caught.value.code) == (404, "index_not_found")
    assert caught.value.message == "Index `missing` not found."


def test_add_replace_update_and_delete_documents(
    server: MeilisearchStandIn, client: meilisearch.Client
) -> None:
    index = client.index("stories")
    wait(client, index.update_filterable_attributes(["genre"]))
    first: list[dict[str, Any]] = [
        {"id": 1, "title": "One", "genre": "drama"},
        {"id": "two", "title": "Two"},
        {"id": 3, "title": "Three", "genre": "comedy"},
        {"id": 4, "title": "Four"},
    ]
    added = wait(client, index.add_documents(first, primary_key="id"))
    assert added.details == {"receivedDocuments": 4, "indexedDocuments": 4}
    assert server.find_requests("POST", "/indexes/stories/documents")[-1].query == {
        "primaryKey": "id"
    }
    wait(client, index.add_documents([{"id": 1, "title": "One, again"}]))
    assert dict(index.get_document(1)) == {"id": 1, "title": "One, again"}
    wait(client, index.update_documents([{"id": "two", "genre": "drama"}]))
    assert dict(index.get_document("two")) == {"id": "two", "title": "Two", "genre": "drama"}
    assert dict(index.get_document("two", {"fields": ["title"]})) == {"title": "Two"}

    with pytest.warns(DeprecationWarning):
        batch = index.delete_documents([4, "missing"])
    assert server.find_requests("POST", "/indexes/stories/documents/delete-batch")[-1].body == [
        "4",
        "missing",
    ]
    deleted = wait(client, batch)
    assert (deleted.type, deleted.details) == (
        "documentDeletion",
        {"providedIds": 2, "deletedDocuments": 1, "originalFilter": None},
    )
    wait(client, index.delete_document(1))
    by_filter = wait(client, index.delete_documents(filter="genre = comedy"))
    assert by_filter.details is not None and by_filter.details["deletedDocuments"] == 1
    listing = index.get_documents({"limit": 10, "fields": ["id"]})
    assert (listing.total, [dict(doc) for doc in listing.results]) == (1, [{"id": "two"}])

    with pytest.raises(MeilisearchApiError) as caught:
        index.get_document(1)
    assert (caught.value.status_code, caught.value.code) == (404, "document_not_found")
    cleared = wait(client, index.delete_all_documents())
    assert cleared.details == {"providedIds": 0, "deletedDocuments": 1, "originalFilter": None}
    assert index.get_stats().number_of_documents == 0
    gone = wait(client, index.delete())
    assert gone.status == "succeeded"
    missing = wait(client, index.delete())
    assert missing.error is not None and missing.error["code"] == "index_not_found"


def test_swap_indexes_exchanges_documents_and_settings(client: meilisearch.Client) -> None:
    live, fresh = client.index("stories"), client.index("stories_next")
    wait(client, live.add_documents([{"id": 1, "title": "old"}]))
    wait(client, fresh.update_settings({"filterableAttributes": ["title"]}))
    wait(client, fresh.add_documents([{"id": 1, "title": "new"}, {"id": 2, "title": "newer"}]))
    swap = wait(client, client.swap_indexes([{"indexes": ["stories", "stories_next"]}]))
    assert (swap.status, swap.type, swap.index_uid) == ("succeeded", "indexSwap", None)
    assert swap.details == {"swaps": [{"indexes": ["stories", "stories_next"], "rename": False}]}
    assert ids(live.search("new")) == [1, 2]
    assert live.get_filterable_attributes() == ["title"]
    assert live.search("")["estimatedTotalHits"] == 2
    assert [doc.title for doc in fresh.get_documents().results] == ["old"]
    failed = wait(client, client.swap_indexes([{"indexes": ["stories", "nowhere"]}]))
    assert failed.status == "failed"
    assert failed.error is not None
    assert (failed.error["code"], failed.error["message"]) == (
        "index_not_found",
        "Index `nowhere` not found.",
    )


# -- search --------------------------------------------------------------------------------


def test_search_request_is_recorded_exactly(server: MeilisearchStandIn, stories: Index) -> None:
    stories.search("desert", {"filter": ["genre = drama"], "limit": 5})
    request = server.find_requests("POST", "/indexes/stories/search")[-1]
    assert request.body == {"q": "desert", "filter": ["genre = drama"], "limit": 5}
    assert request.headers["authorization"] == f"Bearer {MASTER_KEY}"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('quote = "He said \\"hi\\" \\\\ then left"', [1]),
        ("genre = DRAMA", [1, 2]),
        ("genre IN [drama, comedy]", [1, 2, 3]),
        ("genre NOT IN [drama]", [3, 4]),
        ("year 2000 TO 2010", [1, 3]),
        ("NOT genre = drama", [3, 4]),
        ("genre != drama", [3, 4]),
        (
            "(genre = drama AND (year < 2000 OR year > 2010)) OR (genre = comedy AND year = 2010)",
            [2, 3],
        ),
        ("tags = desert", [1, 4]),
        ("subtitle IS NULL", [3]),
        ("note IS EMPTY OR tags IS EMPTY", [3, 4]),
        ("subtitle EXISTS", [3]),
        ("subtitle NOT EXISTS AND year >= 2015", [4]),
        ("_geoRadius(48.8566, 2.3522, 1000)", [2]),
        ("_geoRadius(50.5, 8.0, 700000) AND year > 2000", [3]),
    ],
)
def test_filter_grammar(stories: Index, expression: str, expected: list[int]) -> None:
    assert sorted(ids(stories.search("", {"filter": expression}))) == expected


def test_filter_quoting_escapes_double_quotes_and_backslashes(stories: Index) -> None:
    value = STORIES[0]["quote"]
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    assert ids(stories.search("", {"filter": f'quote = "{escaped}"'})) == [1]
    unescaped = search_error(stories, "", {"filter": f"quote = '{value}'"})
    assert unescaped.code == "invalid_search_filter"
    assert unescaped.message.startswith("Malformed value: ")


def test_array_filters_and_the_elements_and_or_the_nested_arrays(stories: Index) -> None:
    result = stories.search(
        "", {"filter": [["genre = comedy", "genre = documentary"], "year > 2012"]}
    )
    assert ids(result) == [4]


@pytest.mark.parametrize(
    "expression",
    [
        "genre = ",
        "genre = drama AND",
        "(genre = drama",
        'genre = "drama',
        "genre drama",
        "year IN drama",
        "_geoRadius(1, 2)",
    ],
)
def test_malformed_filters_are_invalid_search_filter(stories: Index, expression: str) -> None:
    error = search_error(stories, "", {"filter": expression})
    assert (error.status_code, error.code) == (400, "invalid_search_filter")


def test_filtering_needs_a_filterable_attribute(stories: Index) -> None:
    error = search_error(stories, "", {"filter": "summary = desert"})
    assert (error.status_code, error.code, error.type) == (
        400,
        "invalid_search_filter",
        "invalid_request",
    )
    assert error.message.startswith(
        "Index `stories`: Attribute `summary` is not filterable. Available filterable attribute "
        "patterns are: `_geo`, `genre`, `note`, `quote`, `subtitle`, `tags`, `year`.\n"
        "1:8 summary = desert"
    )


def test_sorting_needs_a_sortable_attribute(stories: Index) -> None:
    assert ids(stories.search("", {"sort": ["year:desc"]})) == [4, 3, 1, 2]
    error = search_error(stories, "", {"sort": ["genre:asc"]})
    assert (error.status_code, error.code) == (400, "invalid_search_sort")
    assert "Attribute `genre` is not sortable" in error.message
    assert search_error(stories, "", {"sort": ["year"]}).code == "invalid_search_sort"


def test_sort_is_a_tie_breaker_after_the_textual_rules_by_default(
    client: meilisearch.Client, stories: Index
) -> None:
    # words, typo, proximity, attribute, then sort: a title match beats a newer story
    assert ids(stories.search("belonging", {"sort": ["year:desc"]})) == [2, 1]
    assert ids(stories.search("desert rain", {"sort": ["year:asc"]})) == [4, 1]
    wait(client, stories.update_ranking_rules(["sort", "words", "typo", "attribute"]))
    assert ids(stories.search("belonging", {"sort": ["year:desc"]})) == [1, 2]


def test_facets_count_every_match_not_just_the_page(
    client: meilisearch.Client, stories: Index
) -> None:
    result = stories.search("", {"facets": ["genre", "tags", "year"], "limit": 1})
    assert len(result["hits"]) == 1
    assert result["facetDistribution"] == {
        "genre": {"Comedy": 1, "Documentary": 1, "Drama": 2},  # "Drama" and "drama" are one
        "tags": {"desert": 2, "home": 1, "night": 1},  # arrays count once per element
        "year": {"1999": 1, "2001": 1, "2010": 1, "2015": 1},
    }
    assert result["facetStats"] == {"year": {"min": 1999.0, "max": 2015.0}}
    filtered = stories.search("desert", {"facets": ["tags"], "filter": "year > 2000"})
    assert filtered["facetDistribution"] == {"tags": {"desert": 2, "night": 1}}
    wait(client, stories.update_faceting_settings({"maxValuesPerFacet": 2}))
    capped = stories.search("", {"facets": ["tags"]})
    assert capped["facetDistribution"] == {"tags": {"desert": 2, "home": 1}}
    assert search_error(stories, "", {"facets": ["summary"]}).code == "invalid_search_facets"


def test_page_and_hits_per_page_give_exhaustive_totals(
    client: meilisearch.Client, stories: Index
) -> None:
    paged = stories.search("", {"page": 2, "hitsPerPage": 3, "sort": ["year:asc"]})
    assert ids(paged) == [4]
    assert {key: paged[key] for key in ("page", "hitsPerPage", "totalPages", "totalHits")} == {
        "page": 2,
        "hitsPerPage": 3,
        "totalPages": 2,
        "totalHits": 4,
    }
    assert "estimatedTotalHits" not in paged and "offset" not in paged
    windowed = stories.search("", {"offset": 1, "limit": 2, "sort": ["year:asc"]})
    assert ids(windowed) == [1, 3]
    assert (windowed["offset"], windowed["limit"], windowed["estimatedTotalHits"]) == (1, 2, 4)
    assert "totalHits" not in windowed
    wait(client, stories.update_pagination_settings({"maxTotalHits": 3}))
    capped = stories.search("", {"hitsPerPage": 2, "page": 2})
    assert (capped["totalHits"], capped["totalPages"], len(capped["hits"])) == (3, 2, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tuscon", [1]),  # 6 letters: one typo (a transposition) is tolerated
        ("belongin", [2, 1]),  # the last word is a prefix; title ranks above summary
        ("bitd", []),  # 4 letters: no typo tolerated
        ("vactus", []),  # a typo on the first letter counts as two
        ("cactsu", [4]),
        ("vocumentary", [4]),  # 9+ letters allow two typos, so a first-letter typo passes
        ("desrt blooms", [4, 1]),  # default strategy "last": the last word may be dropped
        ("bird comedy", [3]),
    ],
)
def test_typo_tolerance_and_prefix_search(stories: Index, query: str, expected: list[int]) -> None:
    assert ids(stories.search(query)) == expected


def test_all_words_are_needed_with_matching_strategy_all(stories: Index) -> None:
    assert ids(stories.search("desert rain", {"matchingStrategy": "all"})) == [4]
    assert ids(stories.search("desert rain")) == [4, 1]  # default "last" drops the last word


def test_highlighting_and_cropping_fill_formatted(stories: Index) -> None:
    result = stories.search(
        "desert",
        {
            "attributesToHighlight": ["summary"],
            "highlightPreTag": "<mark>",
            "highlightPostTag": "</mark>",
            "filter": "year = 2001",
        },
    )
    formatted = result["hits"][0]["_formatted"]
    assert formatted["summary"] == "A story about belonging in the <mark>desert</mark>"
    assert formatted["title"] == "Tucson nights"
    assert formatted["id"] == "1"
    assert result["hits"][0]["summary"] == "A story about belonging in the desert"
    cropped = stories.search(
        "desert",
        {
            "attributesToCrop": ["summary"],
            "cropLength": 3,
            "attributesToHighlight": ["*"],
            "filter": "year = 2001",
        },
    )
    assert cropped["hits"][0]["_formatted"]["summary"] == "\u2026in the <em>desert</em>"
    prefix = stories.search(
        "belongin", {"attributesToHighlight": ["title"], "filter": "year = 1999"}
    )
    assert prefix["hits"][0]["_formatted"]["title"] == "<em>Belongin</em>g"


def test_geo_sort_orders_by_distance_and_reports_it(stories: Index) -> None:
    result = stories.search(
        "", {"sort": ["_geoPoint(48.8566, 2.3522):asc"], "attributesToRetrieve": ["id"]}
    )
    assert ids(result) == [2, 3, 1, 4]
    distances = [hit.get("_geoDistance") for hit in result["hits"]]
    assert distances[0] == 0
    assert 870_000 < distances[1] < 890_000
    assert distances[3] is None
    assert result["hits"][0] == {"id": 2, "_geoDistance": 0}
    farthest = stories.search("", {"sort": ["_geoPoint(48.8566, 2.3522):desc"]})
    assert ids(farthest) == [1, 3, 2, 4]


def test_searching_a_missing_index_is_index_not_found(client: meilisearch.Client) -> None:
    with pytest.raises(MeilisearchApiError) as caught:
        client.index("nowhere").search("anything")
    assert (caught.value.status_code, caught.value.code) == (404, "index_not_found")
