"""Consent enforcement: what an ended or narrowed consent, or an erasure, does to an artifact.

Given the standing of the persons an artifact lists and the consents on file,
``ConsentEnforcement.apply`` loads the artifact as it is now and applies
``consent_rules.decide`` at this moment: a published artifact is withdrawn
(category ``consent``, a public reason that names no one, and the consent and
person ids in the editors' note) or narrowed to what every consent still
allows. The media that show an erased person (the ``media`` ids of their
``pictured``/``recorded`` entries) are deleted from the media store, original
and every derivative, and detached from the draft.

Every write follows from the artifact's current state, so applying it again
(a replay, a crash between the write and the follower's position) writes
nothing more: a withdrawn artifact is not withdrawn twice, a narrowed one is
kept, deleted objects are gone already.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain import consent_rules
from domain.artifact import PUBLISHED, Artifact
from domain.consent import ConsentTerms, Standing
from domain.consent_rules import Decision, Exposure, exposure_of
from domain.errors import NotFound
from domain.ports.clock import Clock
from domain.ports.media import MediaStore
from domain.store import Store

ACTOR = "consent-enforcement"
SHOWING_ROLES = ("pictured", "recorded")


@dataclass(frozen=True)
class Enforced:
    """What one application did: ``keep``, ``narrow``, ``withdraw`` or ``gone``."""

    artifact_id: UUID
    action: str
    deleted_keys: tuple[str, ...] = ()
    detached: tuple[str, ...] = ()


def syndication_for(exposure: Exposure) -> str:
    if exposure.visibility != "public":
        return "none"  # members-only is never syndicated
    return "adaptable" if exposure.adaptable else "shared" if exposure.shared else "none"


def listed(content: Mapping[str, Any] | None) -> list[str]:
    """The person ids an artifact's content lists, each once, in order."""
    found = [str(e.get("person_id")) for e in (content or {}).get("persons") or []]
    return list(dict.fromkeys(found))


def showing_media(contents: Iterable[Mapping[str, Any] | None], person_ids: set[str]) -> list[str]:
    """The media ids the entries of ``person_ids`` say show them (pictured, recorded)."""
    found: list[str] = []
    for content in contents:
        for entry in (content or {}).get("persons") or []:
            if entry.get("person_id") in person_ids and entry.get("role") in SHOWING_ROLES:
                found.extend(str(media_id) for media_id in entry.get("media") or [])
    return list(dict.fromkeys(found))


class ConsentEnforcement:
    def __init__(self, store: Store, media: MediaStore | None, clock: Clock) -> None:
        self.store = store
        self.media = media
        self.clock = clock

    def apply(
        self,
        artifact_id: UUID,
        standings: Mapping[str, Standing],
        consents: Sequence[ConsentTerms],
    ) -> Enforced:
        """Decide the artifact now and record what follows; see the module's docstring."""
        try:
            artifact = self.store.load(Artifact, artifact_id)
        except NotFound:
            return Enforced(artifact_id, "gone")
        published = (artifact.published or {}).get("content")
        erased = {pid for pid, standing in standings.items() if standing.erased}
        action = "keep"
        if artifact.status == PUBLISHED and published is not None:
            persons = [standings.get(pid) or Standing(UUID(pid)) for pid in listed(published)]
            decision = consent_rules.decide(
                persons, consents, artifact.id, exposure_of(published), self.clock.now()
            )
            action = self._record(artifact, decision, consents)
        keys, detached = self._erase_media(artifact, erased, published)
        if artifact.pending_events:
            self.store.save(artifact)
        return Enforced(artifact_id, action, keys, detached)

    def _record(
        self, artifact: Artifact, decision: Decision, consents: Sequence[ConsentTerms]
    ) -> str:
        at = self.clock.now()
        if decision.action == "withdraw":
            artifact.withdraw(
                reason=consent_rules.WITHDRAWN_REASON,
                by=ACTOR,
                at=at,
                category=consent_rules.REASON_CATEGORY,
                note=editors_note(decision, consents, artifact.id),
            )
        elif decision.action == "narrow":
            artifact.narrow(
                visibility=decision.exposure.visibility,
                syndication=syndication_for(decision.exposure),
                reason=consent_rules.NARROWED_REASON,
                by=ACTOR,
                at=at,
            )
        return decision.action

    def _erase_media(
        self, artifact: Artifact, erased: set[str], published: Mapping[str, Any] | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Delete every object of the media that show an erased person; detach them."""
        media_ids = showing_media([artifact.content, published], erased)
        if not media_ids:
            return (), ()
        keys = self._keys_of(artifact.id, set(media_ids))
        if self.media is not None:
            for key in keys:
                self.media.delete(key)
        detached = []
        for media_id in media_ids:
            if artifact.media_item(media_id) is not None:
                artifact.detach_media(media_id=media_id, by=ACTOR)
                detached.append(media_id)
        return tuple(keys), tuple(detached)

    def _keys_of(self, artifact_id: UUID, media_ids: set[str]) -> list[str]:
        """Every key any version of the artifact gave these media (originals, derivatives)."""
        keys: list[str] = []
        for event in self.store.events_of(artifact_id):
            media = getattr(event, "media", None)
            if isinstance(media, dict) and str(media.get("id")) in media_ids:
                keys.append(str(media["key"]))
                keys.extend(str(v["key"]) for v in (media.get("variants") or {}).values())
        return list(dict.fromkeys(keys))


def editors_note(decision: Decision, consents: Sequence[ConsentTerms], artifact_id: UUID) -> str:
    """For editors only: which persons and consents the decision rests on (ids, no names)."""
    parts = []
    for gap in decision.gaps:
        ids = [
            str(terms.consent_id)
            for terms in consents
            if terms.person_id == gap.person_id and terms.applies_to(artifact_id)
        ]
        parts.append(
            f"person {gap.person_id}: {gap.problem.value}"
            + (f" (consents {', '.join(ids)})" if ids else "")
        )
    return "Consent enforcement. " + "; ".join(parts)
