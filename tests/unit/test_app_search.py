"""The search use case and its one request type, against stand-ins of the index and clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.datastructures import QueryParams

from domain.access import ANONYMOUS, SYSTEM
from domain.app.search import SearchRequest, SearchService
from domain.application import Archive
from domain.errors import InvalidInput
from domain.vocabularies import seeded_frameworks
from services.api.web.searching import SearchState
from tests.fakes import FakeClock, FakeIndexerStatus, RecordingIndex


@pytest.fixture
def archive() -> Archive:
    return Archive()  # in memory (eventsourcing's POPO persistence)


def service(
    archive: Archive, index: RecordingIndex, clock: FakeClock | None = None
) -> SearchService:
    return SearchService(archive, index, FakeIndexerStatus({"retries": 2}), clock or FakeClock())


def test_principles_are_terms_of_the_principles_framework() -> None:
    request = SearchRequest(principle=("lead-with-learning", "other:term"), term=("a:b",))
    assert request.terms == ("principles:lead-with-learning", "other:term", "a:b")


def test_the_search_page_state_is_a_search_request() -> None:
    state = SearchState.from_query(QueryParams("q=water&kind=story&sort=newest&page=2"))
    assert isinstance(state, SearchRequest)
    asked = state.request(per_page=5)
    assert (asked.q, asked.kind, asked.sort, asked.page, asked.per_page) == (
        "water",
        ("story",),
        "newest",
        2,
        5,
    )


def test_the_query_carries_the_request_and_the_readers_rights(archive: Archive) -> None:
    index = RecordingIndex()
    request = SearchRequest(q="river", kind=("story",), near="32.2,-110.9", sort="distance")
    service(archive, index).search(ANONYMOUS, request)
    (query,) = index.queries
    assert (query.q, query.kinds, query.near, query.sort) == (
        "river",
        ("story",),
        (32.2, -110.9),
        "distance",
    )
    assert query.include_members is False


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (SearchRequest(sort="loudest"), "sort"),
        (SearchRequest(sort="distance"), "sort"),
        (SearchRequest(radius_km=5), "radius_km"),
        (SearchRequest(kind=("poem",)), "kind"),
        (SearchRequest(near="north"), "near"),
        (SearchRequest(more="colours"), "more"),
    ],
)
def test_requests_the_index_cannot_run_are_refused(
    archive: Archive, request_: SearchRequest, field: str
) -> None:
    index = RecordingIndex()
    with pytest.raises(InvalidInput) as raised:
        service(archive, index).search(ANONYMOUS, request_)
    assert raised.value.extra["field"] == field
    assert index.queries == []


def test_status_reports_the_indexer_and_measures_lag_by_the_clock(archive: Archive) -> None:
    archive.catalogue.define_framework(SYSTEM, next(iter(seeded_frameworks())))
    first: Any = archive.mapper.to_domain_event(archive.recorder.select_notifications(1, 1)[0])
    clock = FakeClock(at=first.timestamp + timedelta(seconds=12))
    status = SearchService(archive, RecordingIndex(), FakeIndexerStatus({"retries": 2}), clock)
    found = status.status()
    assert found["lag_events"] == archive.head > 0
    assert found["lag_seconds"] == 12.0
    assert found["retries"] == 2


def test_a_count_asks_the_index_for_no_hits_and_no_facets(archive: Archive) -> None:
    index = RecordingIndex()
    assert service(archive, index).count(ANONYMOUS, SearchRequest(q="river")) == 0
    (query,) = index.queries
    assert (query.q, query.per_page, query.facets) == ("river", 1, False)
