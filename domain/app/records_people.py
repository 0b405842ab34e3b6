"""How far a publication travels, and who a public record shows when the record is
built from the aggregate.

The publications read model keeps each public record's persons by credited name
(the indexer works them out); an artifact the indexer has not projected yet is
built from its aggregate, and its persons here, with the archive's own vault.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.application import Archive
from domain.artifact_fields import syndication_of
from domain.credit import credited_name
from domain.people import REMOVED, Person
from domain.vault_port import VaultError


def travels(content: dict[str, Any]) -> bool:
    """Whether a publication goes beyond this site's pages (feeds, OAI-PMH, packages).

    Members-only content never does; public content unless its ``syndication`` is "none".
    """
    public = content.get("visibility") == "public"
    return public and syndication_of(content) != "none"


def credited_persons(archive: Archive, content: dict[str, Any]) -> list[dict[str, str]]:
    """The persons ``content`` lists, by the name each chose to be credited with."""
    shown = []
    for listed in content.get("persons") or []:
        try:
            person: Any = archive.repository.get(UUID(str(listed.get("person_id"))))
        except (AggregateNotFoundError, ValueError):  # an unknown person names no one
            continue
        if not isinstance(person, Person):
            continue
        try:
            name = credited_name(archive.people.vault, person)
        except VaultError:  # the vault cannot open it: show no name rather than fail
            name = REMOVED
        shown.append({"name": name, "role": str(listed.get("role") or "")})
    return shown
