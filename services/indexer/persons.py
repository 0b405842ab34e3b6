"""The persons as the indexer's views see them: a fold of the Person events.

A view that shows who is in an artifact keeps its own :class:`PersonsFold`, made
from the Person events it has read: for each person the sealed personal fields
and the credit they chose. The name it shows is ``credited_name``'s, worked out
with the vault when first asked for and kept in memory only until the person's
next event; an erased person (or one whose key is gone) is shown as the removed
phrase, so a real name never reaches a projection after the erasure is folded.
Each event says which person it touched, so the view can derive again every
artifact that lists them.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.catalogue import event_topic
from domain.credit import credit_name
from domain.people import REMOVED, Credit, Person, PersonDetails
from domain.vault_port import ERASED, PersonalDataVault, VaultError

RECORDED = event_topic(Person, "Recorded")
REVISED = event_topic(Person, "Revised")
CREDIT_CHOSEN = event_topic(Person, "CreditChosen")
ERASED_TOPIC = event_topic(Person, "Erased")
TOPICS = (RECORDED, REVISED, CREDIT_CHOSEN, ERASED_TOPIC)
log = logging.getLogger(__name__)


@dataclass
class PersonEntry:
    sealed: str | None  # None once erased
    credit: Credit


def person_ref(person_id: str) -> str:
    """What finds an artifact again when a person it lists changes."""
    return f"person:{person_id}"


def persons_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The persons an artifact's content lists (none in content recorded before persons)."""
    return [p for p in content.get("persons") or [] if isinstance(p, dict)]


class PersonsFold:
    def __init__(self, vault: PersonalDataVault) -> None:
        self.vault = vault
        self.entries: dict[str, PersonEntry] = {}
        self.names: dict[str, str] = {}  # worked out once, forgotten at the person's next event
        self.position = 0

    def fold(self, topic: str, position: int, event: Any) -> str | None:
        """Apply one Person event; the id of the person it touched (None if already folded)."""
        if position <= self.position:
            return None
        self.position = position
        person_id = str(event.originator_id)
        self.names.pop(person_id, None)
        entry = self.entries.get(person_id)
        if topic == RECORDED:
            self.entries[person_id] = PersonEntry(event.sealed, Credit(event.credit))
        elif entry is None:
            return None
        elif topic == REVISED:
            entry.sealed = event.sealed
        elif topic == CREDIT_CHOSEN:
            entry.credit = Credit(event.credit)
        elif topic == ERASED_TOPIC:
            entry.sealed = None
        return person_id

    def name(self, person_id: str) -> str | None:
        """The credited name, or None for a person this fold never met."""
        entry = self.entries.get(person_id)
        if entry is None:
            return None
        found = self.names.get(person_id)
        if found is None:
            found = self.names[person_id] = credit_name(
                self._details(person_id, entry), entry.credit
            )
        return found

    def credited(self, content: dict[str, Any]) -> list[dict[str, str]]:
        """The artifact's persons as every surface shows them: credited name and role."""
        shown = []
        for listed in persons_of(content):
            name = self.name(str(listed.get("person_id")))
            if name is not None:
                shown.append({"name": name, "role": str(listed.get("role") or "")})
        return shown

    def _details(self, person_id: str, entry: PersonEntry) -> PersonDetails | None:
        if entry.sealed is None:
            return None
        try:
            fields = self.vault.decrypt(UUID(person_id), base64.b64decode(entry.sealed))
        except VaultError as error:  # the vault and the log disagree: show no name at all
            log.warning("Person %s shown as removed: %s", person_id, error)
            return None
        if fields is ERASED:
            return None
        return PersonDetails(name=fields["name"], given_name=fields.get("given_name"))


def fold_persons(archive: Any, persons: PersonsFold, upto: int, page: int = 1000) -> None:
    """Fold the Person events after the fold's position up to ``upto``."""
    position = persons.position
    while position < upto:
        batch = archive.recorder.select_notifications(
            position + 1, page, stop=upto, topics=list(TOPICS)
        )
        for notification in batch:
            persons.fold(
                notification.topic, notification.id, archive.mapper.to_domain_event(notification)
            )
        position = batch[-1].id if len(batch) == page else upto
    persons.position = max(persons.position, upto)


__all__ = ["REMOVED", "TOPICS", "PersonsFold", "fold_persons", "person_ref", "persons_of"]
