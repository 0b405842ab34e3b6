"""Finding one person's consents without reading every consent in the store.

A person recorded since the index keeps the ids of their consents (the
``ConsentLinked`` event, saved in one transaction with each ``Consent``). A
person recorded before it has ``consent_ids`` of ``None``; their consents are
found the old way, by reading every ``Consent.Given`` event of the log.
"""

from __future__ import annotations

from domain.catalogue import event_topic
from domain.consent import Consent, ConsentTerms
from domain.people import Person
from domain.store import Store


def consents_of(store: Store, person: Person) -> list[Consent]:
    """Every consent given for ``person``, oldest first."""
    if person.consent_ids is not None:
        return [store.load(Consent, consent_id) for consent_id in person.consent_ids]
    found = []
    for _, consent_id in store.ids_of(event_topic(Consent, "Given")):
        consent = store.load(Consent, consent_id)
        if consent.person_id == person.id:
            found.append(consent)
    return found


def terms_of(store: Store, persons: list[Person]) -> list[ConsentTerms]:
    """The terms of every consent of these persons (the rules' input)."""
    return [consent.terms() for person in persons for consent in consents_of(store, person)]
