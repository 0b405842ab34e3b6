"""The persons an artifact lists: who may list whom, how they are shown, what consent lacks.

An artifact's content lists ``[{person_id, role}]``. Listing a person needs the
person to exist, not to be erased, and to be one the principal manages
(``domain.people.may_manage``). Views show each person by the credited name
they chose (``domain.credit.credited_name``); the person's id only to editors
and the artifact's contributors. Publishing asks ``consent_rules.gaps`` for
every listed person against the exposure of the content being published.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from domain import consent_rules
from domain.access import Principal
from domain.consent import Standing
from domain.credit import credited_name
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.people import UNNAMED, Person, may_manage
from domain.person_consents import terms_of
from domain.results import now
from domain.store import Store
from domain.vault_port import PersonalDataVault, PersonErased


def listed_persons(content: dict[str, Any]) -> list[dict[str, str]]:
    """The ``persons`` of a content; old content lacks the field."""
    return list(content.get("persons") or [])


class ArtifactPersons:
    def __init__(self, store: Store, vault: PersonalDataVault) -> None:
        self.store = store
        self.vault = vault

    def _person(self, person_id: str | UUID) -> Person | None:
        try:
            return self.store.load(Person, UUID(str(person_id)))
        except (NotFound, ValueError):
            return None

    def check_listing(
        self,
        principal: Principal,
        persons: Iterable[dict[str, str]],
        already: Iterable[dict[str, str]] = (),
    ) -> None:
        """Refuse persons the principal may not newly list; those already listed stay."""
        kept = {entry["person_id"] for entry in already}
        for entry in persons:
            if entry["person_id"] in kept:
                continue
            person = self._person(entry["person_id"])
            if person is None:
                raise InvalidInput(f"No person {entry['person_id']}.", field="persons")
            if person.erased:
                raise PersonErased(
                    "A person who asked to be removed cannot be listed.", field="persons"
                )
            if not may_manage(principal, person):
                raise Forbidden(
                    "Partners list the persons they recorded; ask an editor to list this one.",
                    field="persons",
                )

    def shown(self, persons: Iterable[dict[str, str]], *, with_ids: bool) -> list[dict[str, str]]:
        """``[{person_id, role, name}]`` (``with_ids``) or ``[{role, name}]``, name as credited."""
        shown = []
        for entry in persons:
            person = self._person(entry["person_id"])
            name = UNNAMED if person is None else credited_name(self.vault, person)
            item = {"role": entry["role"], "name": name}
            shown.append({"person_id": entry["person_id"], **item} if with_ids else item)
        return shown

    def in_view(
        self, principal: Principal, owners: Iterable[str], view: dict[str, Any]
    ) -> dict[str, Any]:
        """The view with its persons as ``principal`` may see them: the ids only for
        editors and the artifact's contributors (``owners``)."""
        with_ids = principal.is_editor or (principal.id is not None and principal.id in owners)
        persons = [p for p in listed_persons(view) if "person_id" in p]
        return {**view, "persons": self.shown(persons, with_ids=with_ids)}

    def consent_missing(self, artifact_id: UUID, content: dict[str, Any]) -> list[str]:
        """The publish checklist's consent lines for ``content``, by credited name."""
        entries = [entry for entry in listed_persons(content) if "person_id" in entry]
        if not entries:
            return []
        persons: dict[UUID, Person] = {}
        for entry in entries:
            person = self._person(entry["person_id"])
            if person is not None:
                persons.setdefault(person.id, person)
        found = consent_rules.gaps(
            [Standing.of(person) for person in persons.values()],
            terms_of(self.store, list(persons.values())),
            artifact_id,
            consent_rules.exposure_of(content, unset_visibility="public"),
            now(),
        )
        names = {pid: credited_name(self.vault, person) for pid, person in persons.items()}
        return consent_rules.checklist_items(found, names)
