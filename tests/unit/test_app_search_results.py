"""What the search use case shows of an index's answer (hits, labelled facets, browse
pages), against the in-memory index and the in-memory archive's catalogue."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid5

import pytest
from eventsourcing.persistence import Tracking

from domain.access import ANONYMOUS
from domain.app.search import SearchRequest, SearchService
from domain.application import Archive
from infra.bootstrap import seed_frameworks
from tests.conftest import MEMBER, seed_places
from tests.contract.test_search_contract import doc
from tests.fakes import FakeClock, FakeIndexerStatus, MemorySearchIndex

ARIZONA = {"place": "desert-view", "place_path": ["us", "arizona", "tucson", "desert-view"]}
ENGLAND = {"place": "england", "place_path": ["england"]}
# Hits are artifacts: their ids are UUIDs (their language versions are looked up by them).
A1, A2, A3, A4 = (str(uuid5(NAMESPACE_URL, name)) for name in ("a1", "a2", "a3", "a4"))


@pytest.fixture
def service() -> SearchService:
    archive = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed_frameworks(archive)
    seed_places(archive)
    index = MemorySearchIndex()
    documents = [
        doc(
            A1,
            title="Morning circles",
            summary="Listening <first>.",
            terms=["principles:lead-with-learning"],
            persons=[{"person_id": "p-1", "name": "Rosa", "role": "pictured"}],
            year=2023,
            published_at=3.0,
            **ARIZONA,
        ),
        doc(
            A2,
            title="Evening circles",
            kind="presentation-of-learning",
            year=2022,
            published_at=1.0,
            **ARIZONA,
        ),
        doc(A3, title="Circles in England", published_at=2.0, **ENGLAND),
        doc(A4, title="Members' circles", members_only=True, **ENGLAND),
    ]
    index.apply(documents, [], Tracking(archive.name, 9))
    return SearchService(archive, index, FakeIndexerStatus(), FakeClock())


def test_hits_show_what_a_reader_needs_and_no_person_ids(service: SearchService) -> None:
    found = service.search(ANONYMOUS, SearchRequest(q="circles", sort="newest"))
    assert found["total"] == 3 and [h["id"] for h in found["hits"]] == [A1, A3, A2]
    first = found["hits"][0]
    assert first["url"] == f"/api/v1/artifacts/{A1}"
    assert first["snippet"] == "Listening &lt;first&gt;."
    assert first["persons"] == [{"name": "Rosa", "role": "pictured"}]
    assert first["versions"] == []


def test_members_find_members_only_work(service: SearchService) -> None:
    assert service.count(ANONYMOUS, SearchRequest(q="circles")) == 3
    assert service.count(MEMBER, SearchRequest(q="circles")) == 4


def test_facets_are_labelled_from_the_catalogue(service: SearchService) -> None:
    facets: dict[str, Any] = service.search(ANONYMOUS, SearchRequest())["facets"]
    [principle] = facets["frameworks"]["principles"]
    assert (principle["term"], principle["count"]) == ("principles:lead-with-learning", 1)
    assert principle["label"]
    places = {p["place"]: (p["name"], p["count"]) for p in facets["places"]}
    assert places["arizona"] == ("Arizona", 2) and places["england"] == ("England", 1)
    assert [y["year"] for y in facets["years"]] == ["2023", "2022"], "newest year first"
    assert {k["kind"]: k["count"] for k in facets["kinds"]} == {
        "story": 2,
        "presentation-of-learning": 1,
    }


def test_a_place_page_counts_each_child_place(service: SearchService) -> None:
    page = service.browse_place(ANONYMOUS, "arizona", page=1, per_page=10)
    assert [h["id"] for h in page["artifacts"]["hits"]] == [A1, A2]
    assert {c["slug"]: c["count"] for c in page["place"]["children"]} == {"tucson": 2}


def test_a_term_page_lists_its_work_newest_first(service: SearchService) -> None:
    page = service.browse_term(ANONYMOUS, "principles", "lead-with-learning", page=1, per_page=5)
    assert page["term"]["key"] == "principles:lead-with-learning"
    assert [h["id"] for h in page["artifacts"]["hits"]] == [A1]


def test_the_position_is_the_indexs_for_this_archive(service: SearchService) -> None:
    assert service.position() == 9


def test_a_page_of_hits_refreshes_the_translation_index_once(
    service: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = service.archive.translations.index
    calls = []
    monkeypatch.setattr(index, "refresh", lambda: calls.append(1))
    found = service.search(ANONYMOUS, SearchRequest(q="circles"))
    assert len(found["hits"]) == 3
    assert len(calls) == 1, "one refresh for the page, not one for each hit"
