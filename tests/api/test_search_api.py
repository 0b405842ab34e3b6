"""Search over HTTP: filters, facets, browse pages, read-your-writes and the indexer status."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from infra.bootstrap import Container
from services.indexer.runner import Indexer
from tests.conftest import Api


@pytest.fixture
def running_indexer(container: Container) -> Iterator[Indexer]:
    indexer = Indexer(
        container.archive, container.search, container.coordination, poll_interval=0.01
    )
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, args=(stop,))
    thread.start()
    yield indexer
    stop.set()
    thread.join(timeout=10)


def publish(api: Api, content: dict[str, Any]) -> dict[str, Any]:
    created = api.client.post("/api/v1/artifacts", json=content, headers=api.as_("partner"))
    done = api.client.post(
        f"/api/v1/artifacts/{created.json()['id']}/publish",
        headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    return dict(done.json())


def test_a_new_story_is_found_with_read_your_writes(
    api: Api, running_indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    story = publish(api, {"kind": "story", **ready_story})
    response = api.client.get(f"/api/v1/search?q=circles&after={story['position']}")
    assert response.status_code == 200
    body = response.json()
    assert [hit["id"] for hit in body["hits"]] == [story["id"]]
    assert "<mark>" in body["hits"][0]["snippet"]
    assert body["position"] >= story["position"]


def test_waiting_for_an_unindexed_position_ends_in_504(api: Api, container: Container) -> None:
    container.settings.search_wait_seconds = 0.2
    # No indexer runs here: the seeded catalogue's events are in the log but not indexed.
    response = api.client.get(f"/api/v1/search?after={container.archive.head}")
    assert response.status_code == 504
    assert "not yet" in response.json()["detail"]


def test_a_position_beyond_the_log_is_refused_at_once(api: Api, container: Container) -> None:
    container.settings.search_wait_seconds = 5
    response = api.client.get(f"/api/v1/search?after={container.archive.head + 100}")
    assert response.status_code == 422
    assert response.json()["field"] == "after"


def test_filters_facets_and_places_inside_places(
    api: Api, running_indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    publish(api, {"kind": "story", **ready_story})
    last = publish(
        api,
        {
            "kind": "story",
            **ready_story,
            "title": "Elsewhere",
            "place": "england",
            "terms": ["principles:see-the-system"],
        },
    )
    url = f"/api/v1/search?principle=lead-with-learning&place=arizona&after={last['position']}"
    body = api.client.get(url).json()
    assert body["total"] == 1 and body["hits"][0]["title"] == ready_story["title"]
    everything = api.client.get("/api/v1/search").json()
    assert everything["total"] == 2
    principles = {f["term"]: f["count"] for f in everything["facets"]["frameworks"]["principles"]}
    assert principles == {"principles:lead-with-learning": 1, "principles:see-the-system": 1}
    places = {p["place"]: p for p in everything["facets"]["places"]}
    assert "us" in places and "arizona" not in places, "the place tree's top level only"
    inside = api.client.get("/api/v1/search?place=us").json()["facets"]["places"]
    places = {p["place"]: p for p in inside}
    assert places["arizona"]["count"] == 1 and places["arizona"]["parent"] == "us"
    near = api.client.get("/api/v1/search?near=32.2,-110.9&radius_km=100&sort=distance").json()
    assert [h["title"] for h in near["hits"]] == [ready_story["title"]]
    assert near["hits"][0]["distance_km"] < 20


def test_browse_pages(api: Api, running_indexer: Indexer, ready_story: dict[str, Any]) -> None:
    story = publish(api, {"kind": "story", **ready_story})
    api.client.get(f"/api/v1/search?after={story['position']}")
    culture = api.client.get("/api/v1/browse/terms/conditions/culture").json()
    assert culture["term"]["label"] == "Culture"
    assert [c["id"] for c in culture["children"]][:2] == ["culture-of-innovation", "relationships"]
    assert culture["artifacts"]["total"] == 1
    tucson = api.client.get("/api/v1/browse/places/tucson").json()
    assert tucson["artifacts"]["total"] == 1
    assert tucson["place"]["children"][0]["count"] == 1
    assert api.client.get("/api/v1/browse/terms/conditions/nothing").status_code == 404


def test_bad_search_input_gets_clear_4xx(api: Api) -> None:
    cases = {
        "/api/v1/search?more=everything": 422,
        "/api/v1/search?facet_limit=0": 422,
        "/api/v1/search?principle=kindness": 422,
        "/api/v1/search?place=atlantis": 422,
        "/api/v1/search?near=north": 422,
        "/api/v1/search?near=91,0": 422,
        "/api/v1/search?sort=distance": 422,
        "/api/v1/search?sort=loudest": 422,
        "/api/v1/search?kind=poem": 422,
        "/api/v1/search?per_page=1000": 422,
        "/api/v1/search?radius_km=5": 422,
    }
    for url, status in cases.items():
        response = api.client.get(url)
        assert response.status_code == status, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    for q in ['"', "NEAR(", "a OR", "*", "-", "(((", "title:x"]:
        assert api.client.get("/api/v1/search", params={"q": q}).status_code == 200, q


def test_indexer_status(api: Api, container: Container, ready_story: dict[str, Any]) -> None:
    publish(api, {"kind": "story", **ready_story})
    status = api.client.get("/api/v1/indexer/status").json()
    assert status["head"] == container.archive.head
    assert status["lag_events"] == status["head"] - status["position"] > 0
    assert status["lag_seconds"] >= 0
    Indexer(container.archive, container.search, container.coordination).catch_up()
    caught_up = api.client.get("/api/v1/indexer/status").json()
    assert caught_up["lag_events"] == 0 and caught_up["last_error"] is None


def test_facets_are_capped_and_one_can_be_asked_for_in_full(
    api: Api, running_indexer: Indexer, ready_story: dict[str, Any]
) -> None:
    last: dict[str, Any] = {}
    for place in ("tucson", "england", "arizona"):
        last = publish(api, {"kind": "story", **ready_story, "place": place})
    body = api.client.get(f"/api/v1/search?facet_limit=1&after={last['position']}").json()
    assert [p["place"] for p in body["facets"]["places"]] == ["us"], "the most frequent only"
    full = api.client.get("/api/v1/search?facet_limit=1&more=places").json()
    assert {p["place"] for p in full["facets"]["places"]} == {"us", "england"}
