"""Pure rules: does consent cover an artifact, what is missing, what an ending consent does.

Every function takes plain data (``Standing`` of each listed person, the
``ConsentTerms`` on file, the artifact's ``Exposure``) and a moment, so the
same rules answer "may this be published now?", "what must change at this
expiry?" and "what was allowed on that day?".

A consent counts for a person when it applies to the artifact (or to all of
their artifacts), is in force at the moment asked about, and came from the
right giver *when it was given*: the guardian while the person was a minor,
the person once adult. A guardian's consent stays valid after the person comes
of age, until it is withdrawn or expires. An erased person has no consent on
file any more (the form is destroyed with their key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.artifact_fields import syndication_of
from domain.consent import ConsentTerms, Scope, Standing

REASON_CATEGORY = "consent"
WITHDRAWN_REASON = "Withdrawn because the consent it relied on has ended."
NARROWED_REASON = "Shown more narrowly because the consent it relied on has changed."


@dataclass(frozen=True)
class Exposure:
    """How far an artifact travels: its visibility and what other sites may do with it."""

    visibility: str  # "public" | "members"
    shared: bool = False  # in feeds, OAI-PMH and packages for other sites
    adaptable: bool = False  # other sites may adapt it

    def required(self) -> Scope:
        if self.visibility != "public":
            return Scope.MEMBERS
        if self.adaptable:
            return Scope.ADAPTABLE
        return Scope.SHARED if self.shared else Scope.PUBLIC

    def within(self, scope: Scope) -> Exposure:
        """The widest exposure, no wider than this one, that ``scope`` allows."""
        if scope >= self.required():
            return self
        if scope is Scope.MEMBERS:
            return MEMBERS_ONLY
        return Exposure("public", shared=scope >= Scope.SHARED, adaptable=False)


MEMBERS_ONLY = Exposure("members")


def exposure_of(content: Mapping[str, Any], *, unset_visibility: str = "members") -> Exposure:
    """How far ``content`` travels once published, as the consent rules see it.

    Content whose visibility was cleared counts as ``unset_visibility``: the
    pages show it to members only (the default); the publish checklist asks
    for ``"public"`` so that it never asks for less consent than publishing
    might need.
    """
    syndication = syndication_of(content)
    return Exposure(
        str(content.get("visibility") or unset_visibility),
        shared=syndication in ("shared", "adaptable"),
        adaptable=syndication == "adaptable",
    )


class Problem(StrEnum):
    MISSING = "missing"  # no consent in force for this artifact
    TOO_NARROW = "too-narrow"  # a consent, but for less than the artifact needs
    GUARDIAN_NEEDED = "guardian-needed"  # only the minor's own consent is on file
    ERASED = "erased"  # the person asked to be removed


@dataclass(frozen=True)
class Gap:
    person_id: UUID
    problem: Problem
    needed: Scope
    has: Scope | None = None


def counted_scope(
    person: Standing, consents: Iterable[ConsentTerms], artifact_id: UUID, at: datetime
) -> Scope | None:
    """The widest scope the person's valid consents allow at ``at``, if any."""
    if person.erased:
        return None
    scopes = [
        scope
        for terms in _in_force(person, consents, artifact_id, at)
        if person.valid_giver(terms.given_by, terms.given_at)
        and (scope := terms.scope_at(at)) is not None
    ]
    return max(scopes, default=None)


def _in_force(
    person: Standing, consents: Iterable[ConsentTerms], artifact_id: UUID, at: datetime
) -> list[ConsentTerms]:
    return [
        terms
        for terms in consents
        if terms.person_id == person.person_id
        and terms.applies_to(artifact_id)
        and terms.scope_at(at) is not None
    ]


def gap_for(
    person: Standing,
    consents: Iterable[ConsentTerms],
    artifact_id: UUID,
    exposure: Exposure,
    at: datetime,
) -> Gap | None:
    consents = list(consents)
    needed = exposure.required()
    if person.erased:
        return Gap(person.person_id, Problem.ERASED, needed)
    has = counted_scope(person, consents, artifact_id, at)
    if has is not None and has >= needed:
        return None
    if has is None and person.is_minor(at) and _in_force(person, consents, artifact_id, at):
        return Gap(person.person_id, Problem.GUARDIAN_NEEDED, needed)
    problem = Problem.MISSING if has is None else Problem.TOO_NARROW
    return Gap(person.person_id, problem, needed, has)


def gaps(
    persons: Iterable[Standing],
    consents: Iterable[ConsentTerms],
    artifact_id: UUID,
    exposure: Exposure,
    at: datetime,
) -> list[Gap]:
    """Every listed person whose consent does not cover ``exposure`` at ``at``, in list order."""
    consents = list(consents)
    found = (gap_for(person, consents, artifact_id, exposure, at) for person in persons)
    return [gap for gap in found if gap is not None]


def covers(
    persons: Iterable[Standing],
    consents: Iterable[ConsentTerms],
    artifact_id: UUID,
    exposure: Exposure,
    at: datetime,
) -> bool:
    return not gaps(persons, consents, artifact_id, exposure, at)


def checklist_items(found: Iterable[Gap], names: Mapping[UUID, str]) -> list[str]:
    """The publish checklist's lines, one per person, for editors and partners."""
    return [_item(gap, names.get(gap.person_id, "an unnamed person")) for gap in found]


def _item(gap: Gap, name: str) -> str:
    needed = gap.needed.label
    if gap.problem is Problem.ERASED:
        return "to take out a person who asked to be removed, or withdraw their part"
    if gap.problem is Problem.GUARDIAN_NEEDED:
        return f"consent from the guardian of {name} for {needed}"
    if gap.problem is Problem.TOO_NARROW and gap.has is not None:
        return f"consent from {name} for {needed} (theirs is for {gap.has.label})"
    return f"consent from {name} for {needed}"


@dataclass(frozen=True)
class Decision:
    """What must happen to a published artifact when consent changes.

    ``action`` is ``keep``, ``narrow`` (to ``exposure``) or ``withdraw``. The
    public reason names no one; ``gaps`` (person ids only) are for editors.
    """

    action: str
    exposure: Exposure
    gaps: tuple[Gap, ...] = ()
    reason_category: str = REASON_CATEGORY
    public_reason: str = ""


def decide(
    persons: Iterable[Standing],
    consents: Iterable[ConsentTerms],
    artifact_id: UUID,
    exposure: Exposure,
    at: datetime,
) -> Decision:
    """Keep, narrow or withdraw an artifact, given the consents in force at ``at``."""
    persons, consents = list(persons), list(consents)
    found = tuple(gaps(persons, consents, artifact_id, exposure, at))
    if not found:
        return Decision("keep", exposure)
    scopes = [counted_scope(person, consents, artifact_id, at) for person in persons]
    if any(scope is None for scope in scopes):
        return Decision("withdraw", exposure, found, public_reason=WITHDRAWN_REASON)
    narrowest = min(scope for scope in scopes if scope is not None)
    return Decision("narrow", exposure.within(narrowest), found, public_reason=NARROWED_REASON)


def due_expiries(
    consents: Iterable[ConsentTerms], after: datetime, until: datetime
) -> list[ConsentTerms]:
    """Consents whose expiry falls in (``after``, ``until``]: what a sweep must apply now."""
    return sorted(
        (
            terms
            for terms in consents
            if terms.expires_at is not None
            and after < terms.expires_at <= until
            and (terms.withdrawn_at is None or terms.withdrawn_at > terms.expires_at)
        ),
        key=lambda terms: terms.expires_at or until,
    )


def next_expiry(consents: Iterable[ConsentTerms], after: datetime) -> datetime | None:
    """The first expiry after ``after`` of a consent not withdrawn before it, if any."""
    upcoming = [
        terms.expires_at
        for terms in consents
        if terms.expires_at is not None
        and terms.expires_at > after
        and (terms.withdrawn_at is None or terms.withdrawn_at > terms.expires_at)
    ]
    return min(upcoming, default=None)
