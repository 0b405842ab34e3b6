"""Editors revise convenings and excursions: only the changed fields are recorded."""

from __future__ import annotations

from typing import Any

import pytest

from domain.access import SYSTEM, Principal, Role
from domain.application import Archive
from domain.catalogue import Convening, Excursion, slug_id
from domain.errors import Forbidden, InvalidInput, NotFound, VersionConflict

PARTNER = Principal(id="partner-1", name="A partner", role=Role.PARTNER)


def updated_changes(archive: Archive, namespace: str, slug: str) -> list[dict[str, Any]]:
    """The ``changes`` of every update recorded on a catalogue record."""
    events: list[Any] = list(archive.events.get(slug_id(namespace, slug)))
    return [e.changes for e in events if type(e).__name__ == "Updated"]


def test_a_convening_revision_records_only_what_changed(archive: Archive) -> None:
    result = archive.catalogue.update_convening(
        SYSTEM, "tucson-2023", {"title": "Tucson convening 2023", "question": "q"}
    )
    assert result.position is not None
    view = archive.catalogue.get_convening("tucson-2023")
    assert view["title"] == "Tucson convening 2023" and view["version"] == 2
    assert view["excursions"][0]["slug"] == "desert-view-voice"
    assert updated_changes(archive, "convenings", "tucson-2023") == [
        {"title": "Tucson convening 2023"}
    ]


def test_an_unchanged_convening_records_nothing(archive: Archive) -> None:
    result = archive.catalogue.update_convening(
        SYSTEM, "tucson-2023", {"title": "Tucson convening"}
    )
    assert result.position is None
    assert archive.catalogue.get_convening("tucson-2023")["version"] == 1


def test_convening_dates_are_checked(archive: Archive) -> None:
    with pytest.raises(InvalidInput, match="end before it starts"):
        archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"ends": "2023-02-01"})
    with pytest.raises(InvalidInput, match="not a date") as caught:
        archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"starts": "14 Feb"})
    assert caught.value.extra["field"] == "starts"
    archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"starts": "2023-02-13"})
    assert archive.catalogue.get_convening("tucson-2023")["starts"] == "2023-02-13"


def test_convening_references_title_role_and_existence(archive: Archive) -> None:
    with pytest.raises(InvalidInput, match="Unknown place 'atlantis'"):
        archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"place": "atlantis"})
    with pytest.raises(InvalidInput, match="needs a title"):
        archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"title": "  "})
    with pytest.raises(Forbidden):
        archive.catalogue.update_convening(PARTNER, "tucson-2023", {"title": "Mine now"})
    with pytest.raises(NotFound):
        archive.catalogue.update_convening(SYSTEM, "no-such-convening", {"title": "X"})
    assert archive.catalogue.get_convening("tucson-2023")["version"] == 1


def test_a_stale_version_is_refused(archive: Archive) -> None:
    archive.catalogue.update_convening(
        SYSTEM, "tucson-2023", {"summary": "Four days"}, expected_version=1
    )
    with pytest.raises(VersionConflict) as caught:
        archive.catalogue.update_convening(
            SYSTEM, "tucson-2023", {"summary": "Old"}, expected_version=1
        )
    assert caught.value.extra["current_version"] == 2
    with pytest.raises(VersionConflict):
        archive.catalogue.update_excursion(
            SYSTEM, "desert-view-voice", {"title": "X"}, expected_version=7
        )


def test_an_excursion_revision_checks_its_references(archive: Archive) -> None:
    archive.catalogue.update_excursion(
        SYSTEM,
        "desert-view-voice",
        {"host_place": "sunnyside", "leaders": [{"name": "B. Diaz", "role": "lead-learner"}]},
    )
    view = archive.catalogue.get_excursion("desert-view-voice")
    assert view["host_place"] == "sunnyside" and view["version"] == 2
    assert view["leaders"] == [{"name": "B. Diaz", "role": "lead-learner"}]
    assert set(updated_changes(archive, "excursions", "desert-view-voice")[0]) == {
        "host_place",
        "leaders",
    }
    with pytest.raises(InvalidInput, match="Unknown convening"):
        archive.catalogue.update_excursion(
            SYSTEM, "desert-view-voice", {"convening": "nowhere-2020"}
        )
    with pytest.raises(InvalidInput, match="Unknown host place"):
        archive.catalogue.update_excursion(SYSTEM, "desert-view-voice", {"host_place": "atlantis"})
    with pytest.raises(InvalidInput, match="not a date"):
        archive.catalogue.update_excursion(SYSTEM, "desert-view-voice", {"date": "2023-13-40"})
    with pytest.raises(Forbidden):
        archive.catalogue.update_excursion(PARTNER, "desert-view-voice", {"title": "X"})
    with pytest.raises(NotFound):
        archive.catalogue.update_excursion(SYSTEM, "nowhere", {"title": "X"})


def test_an_excursion_date_can_be_cleared(archive: Archive) -> None:
    archive.catalogue.update_excursion(SYSTEM, "desert-view-voice", {"date": None})
    assert archive.catalogue.get_excursion("desert-view-voice")["date"] is None
    assert isinstance(
        archive.catalogue.get(Excursion, "excursions", "desert-view-voice"), Excursion
    )
    assert archive.catalogue.get(Convening, "convenings", "desert-view-voice") is None
