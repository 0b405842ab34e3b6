"""One contract for the record format (``domain.app.records.RecordFormat``): the
syndication format of ``infra.syndication.records`` and the plain fake the public records'
unit tests use (``tests.fakes.PlainRecordFormat``). Both name a work by the same
addresses, and build its record from the publication and the catalogue given."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from domain.app.lineage import local_id
from domain.app.records import Publication, RecordFormat
from domain.app.records_catalogue import Lookups
from domain.application import Archive
from infra.bootstrap import seed_frameworks
from infra.syndication.records import RecordFormat as SyndicationFormat
from tests.conftest import READY_STORY, seed_places
from tests.fakes import PlainRecordFormat

BASE = "https://here.example"


@pytest.fixture(params=["syndication", "plain"])
def formatter(request: pytest.FixtureRequest) -> RecordFormat:
    return SyndicationFormat(BASE) if request.param == "syndication" else PlainRecordFormat(BASE)


@pytest.fixture(scope="module")
def catalogue() -> Lookups:
    archive = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed_frameworks(archive)
    seed_places(archive)
    return Lookups(archive)


def publication(**more: Any) -> Publication:
    content = {**READY_STORY, "visibility": "public"}
    return Publication(str(uuid4()), "story", content, 4, **more)


def test_a_work_is_named_by_this_sites_addresses(formatter: RecordFormat) -> None:
    artifact_id = uuid4()
    api = formatter.api_url(str(artifact_id))
    assert formatter.base == BASE
    assert api == f"{BASE}/api/v1/artifacts/{artifact_id}"
    assert local_id(BASE, api) == artifact_id
    assert formatter.page_url(str(artifact_id)) == f"{BASE}/artifacts/{artifact_id}"
    assert formatter.jsonld_url(str(artifact_id)) == f"{api}/jsonld"
    assert formatter.package_url(str(artifact_id)) == f"{api}/package"


def test_a_record_is_the_publication_it_was_built_from(
    formatter: RecordFormat, catalogue: Lookups
) -> None:
    given = publication(persons=[{"name": "Ana R.", "role": "storyteller"}])
    record = formatter.build(given, catalogue)
    assert (record["id"], record["kind"], record["version"]) == (given.artifact_id, "story", 4)
    assert record["title"] == READY_STORY["title"]
    assert {"name": "Ana R.", "role": "storyteller"} in record["persons"]


def test_the_place_comes_from_the_kept_labels_else_from_the_catalogue(
    formatter: RecordFormat, catalogue: Lookups
) -> None:
    looked_up = formatter.build(publication(), catalogue)["place"]
    assert (looked_up["slug"], looked_up["name"]) == ("desert-view", "Desert View High School")
    kept = {"place": {"slug": "desert-view", "name": "Kept label"}, "terms": []}
    labelled = formatter.build(publication(labels=kept), catalogue)["place"]
    assert (labelled["slug"], labelled["name"]) == ("desert-view", "Kept label")


def test_places_by_slug(formatter: RecordFormat, catalogue: Lookups) -> None:
    place = formatter.place("tucson", catalogue)
    assert place is not None and (place["slug"], place["name"]) == ("tucson", "Tucson")
    assert formatter.place("nowhere", catalogue) is None
    assert formatter.place(None, catalogue) is None


def test_json_ld_names_the_work_by_its_address(formatter: RecordFormat, catalogue: Lookups) -> None:
    given = publication()
    document = formatter.jsonld(formatter.build(given, catalogue))
    assert document["@id"] == formatter.api_url(given.artifact_id)
    assert document["name"] == READY_STORY["title"]
