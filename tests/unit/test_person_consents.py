"""A person's consents are found from the person's own list, not by reading every consent."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain.access import Principal, Role
from domain.application import Archive
from domain.catalogue import event_topic
from domain.consent import Consent
from domain.people import Person, PersonDetails, seal
from domain.person_consents import consents_of

PARTNER = Principal(id="partner-1", name="Partner", role=Role.PARTNER)
ONLINE = {"given_by": "person", "method": "online", "scope": "public"}


class CountingStore:
    """Wraps the archive's store and counts the loads of consents."""

    def __init__(self, archive: Archive) -> None:
        self.inner = archive.store
        self.consent_loads = 0
        self.scans = 0

    def load(self, cls: type[Any], aggregate_id: UUID, version: int | None = None) -> Any:
        if cls is Consent:
            self.consent_loads += 1
        return self.inner.load(cls, aggregate_id, version)

    def ids_of(self, topic: str, page: int = 500) -> Any:
        self.scans += 1
        return self.inner.ids_of(topic, page)


def test_a_consent_is_saved_with_the_person_that_lists_it() -> None:
    archive = Archive()
    ada = UUID(archive.people.record(PARTNER, {"name": "Ada Byron"}).id)
    bo = UUID(archive.people.record(PARTNER, {"name": "Bo Li"}).id)
    given = [archive.people.give(PARTNER, {"person_id": ada, **ONLINE}) for _ in range(2)]
    archive.people.give(PARTNER, {"person_id": bo, **ONLINE})
    person = archive.store.load(Person, ada)
    assert person.consent_ids == [UUID(result.id) for result in given]
    # One save records the person's link, then the consent: its position is the answer's.
    linked = archive.store.notifications(1, 100, stop=None, topics=[])
    topics = [n.topic.rsplit(".", 1)[-1] for n in linked]
    assert given[-1].position is not None
    assert topics[given[-1].position - 2 : given[-1].position] == ["ConsentLinked", "Given"]

    counting = CountingStore(archive)
    found = consents_of(counting, person)  # type: ignore[arg-type]
    assert [c.id for c in found] == person.consent_ids
    assert counting.scans == 0 and counting.consent_loads == 2
    listed = archive.people.consents(PARTNER, ada, None)
    assert [c["id"] for c in listed] == person.consent_ids


def test_a_person_recorded_before_the_index_still_finds_their_consents() -> None:
    archive = Archive()
    vault = archive.people.vault
    person_id = uuid4()
    # As a Person.Recorded event stored before persons kept their consents' ids.
    old = Person(
        id=person_id,
        sealed=seal(vault, person_id, PersonDetails(name="Cleo Old")),
        has_guardian_contact=False,
        credit="full-name",
        by="partner-1",
    )
    archive.store.save(old)
    assert archive.store.load(Person, person_id).consent_ids is None
    consent_id = UUID(archive.people.give(PARTNER, {"person_id": person_id, **ONLINE}).id)
    other = UUID(archive.people.record(PARTNER, {"name": "Dara New"}).id)
    archive.people.give(PARTNER, {"person_id": other, **ONLINE})

    counting = CountingStore(archive)
    found = consents_of(counting, archive.store.load(Person, person_id))  # type: ignore[arg-type]
    assert [c.id for c in found] == [consent_id]
    assert counting.scans == 1
    assert len(list(archive.store.ids_of(event_topic(Consent, "Given")))) == 2
