"""archive.people on the in-memory Archive, with the in-memory vault."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.access import Principal, Role
from domain.application import Archive
from domain.errors import Forbidden
from domain.vault_port import PersonErased

PARTNER = Principal(id="partner-1", name="Partner", role=Role.PARTNER)
OTHER = Principal(id="partner-2", name="Other", role=Role.PARTNER)
EDITOR = Principal(id="editor-1", name="Editor", role=Role.EDITOR)
MEMBER = Principal(id="member-1", name="Member", role=Role.MEMBER)


def test_the_name_is_sealed_and_erasure_makes_it_unreadable() -> None:
    archive = Archive()
    person_id = UUID(
        archive.people.record(PARTNER, {"name": "Ada Byron", "credit": "first-name"}).id
    )
    assert all("Ada" not in repr(vars(e)) for e in archive.store.events_of(person_id))
    view = archive.people.person(PARTNER, person_id)
    assert view["name"] == "Ada Byron" and view["shown_as"] == "Ada"
    assert "name" not in archive.people.person(OTHER, person_id)
    with pytest.raises(Forbidden):
        archive.people.person(MEMBER, person_id)
    with pytest.raises(Forbidden):
        archive.people.erase(OTHER, person_id)
    archive.people.erase(EDITOR, person_id)
    assert archive.people.vault.is_erased(person_id)
    erased = archive.people.person(EDITOR, person_id)
    assert erased["shown_as"] == "a person who asked to be removed" and "name" not in erased
    with pytest.raises(PersonErased):
        archive.people.revise(PARTNER, person_id, {"credit": "initials"}, erased["version"])


def test_a_consent_is_withdrawn_from_a_moment_on() -> None:
    archive = Archive()
    person_id = UUID(archive.people.record(PARTNER, {"name": "Bo Li"}).id)
    data = {"person_id": person_id, "given_by": "person", "method": "online", "scope": "shared"}
    consent_id = UUID(archive.people.give(PARTNER, data).id)
    assert archive.people.consent(EDITOR, consent_id)["in_force"] == "shared"
    archive.people.withdraw(EDITOR, consent_id, None)
    assert archive.people.consent(PARTNER, consent_id)["in_force"] is None
    assert archive.people.consents(OTHER, person_id, None) == []
