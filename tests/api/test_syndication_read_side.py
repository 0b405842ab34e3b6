"""Feeds, JSON-LD and packages are built from the publications read model once it has
projected an artifact; the aggregate is read only before that, or for old rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

import feedparser
import pytest

from domain.app.records import Records
from domain.app.records_rows import PublicRows
from infra.bootstrap import Container, build_records
from tests.api.test_syndication import catch_up, publish, published
from tests.conftest import Api


def refuse(*_args: Any) -> NoReturn:
    raise AssertionError("read the Archive although the read model has the row")


def test_projected_artifacts_are_syndicated_without_reading_the_archive(
    api: Api, container: Container, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, _ = published(api, {**ready_story, "title": "Source"})
    draft = api.client.post(
        "/api/v1/adaptations",
        json={"source": {"artifact_id": source}, "place": "england"},
        headers=api.as_("other-partner"),
    )
    assert draft.status_code == 201, draft.text
    adapted = draft.json()["id"]
    noted = api.client.patch(
        f"/api/v1/artifacts/{adapted}",
        json={"adaptation_note": "Set in a Nottingham primary."},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    publish(api, adapted, noted.headers["ETag"])
    catch_up(container)
    expected = api.client.get(f"/api/v1/artifacts/{adapted}/jsonld").json()
    monkeypatch.setattr(Records, "from_aggregate", refuse)
    monkeypatch.setattr(PublicRows, "readable", refuse)

    document = api.client.get(f"/api/v1/artifacts/{adapted}/jsonld")
    assert document.status_code == 200, document.text
    assert document.json() == expected
    assert document.json()["isBasedOn"]["name"] == "Source"
    terms = {a["targetName"] for a in document.json()["educationalAlignment"]}
    assert "Lead with learning" in terms
    feed = feedparser.parse(api.client.get("/feeds/atom").content)
    assert [e.title for e in feed.entries] == ["Source", "Source"]  # the adaptation and its source
    assert api.client.get(f"/api/v1/artifacts/{source}/package").status_code == 200


def test_an_artifact_not_yet_projected_is_read_from_the_archive(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, ready_story)
    assert container.publications.get(artifact_id) is None
    document = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld")
    assert document.status_code == 200
    assert document.json()["name"] == ready_story["title"]


@dataclass(frozen=True)
class StandInRow:
    status: str
    record: dict[str, Any] | None


class StandInPublications:
    """A stand-in for the publications read model with one row for every artifact."""

    def __init__(self, row: StandInRow) -> None:
        self.found = row

    def get(self, artifact_id: str) -> StandInRow:
        return self.found


def test_a_row_without_a_stored_record_falls_back_and_a_tombstone_is_not_public(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, ready_story)
    old_row = StandInPublications(StandInRow("public", None))
    records = build_records(container.archive, "https://archive.example.org", None, old_row)
    record = records.record(artifact_id)
    assert record is not None and record["title"] == ready_story["title"]
    assert record["body_html"]
    tombstone = StandInPublications(StandInRow("deleted", None))
    gone = build_records(container.archive, "https://archive.example.org", None, tombstone)
    assert gone.record(artifact_id) is None
