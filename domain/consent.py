"""The Consent aggregate: one person's permission for one artifact, or for all of theirs.

A consent records who gave it (the person, or the guardian of a minor), when,
how (a signed form kept as a private media object, verbally before a witness,
or online), its scope and an optional expiry. It may later be narrowed or
withdrawn; both are events, so the archive can say what was allowed at any
moment. ``ConsentTerms`` is the plain-data snapshot the rules in
``domain/consent_rules.py`` work on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict, InvalidInput
from domain.people import Person
from domain.values import clean_text
from domain.vault_port import PersonErased


class Scope(IntEnum):
    """How far an artifact may travel; each scope includes the ones before it."""

    MEMBERS = 1  # signed-in members of this site
    PUBLIC = 2  # anyone on the web
    SHARED = 3  # other sites: feeds, OAI-PMH, packages
    ADAPTABLE = 4  # other sites may adapt it to their place

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self]

    @property
    def slug(self) -> str:
        return self.name.lower()


SCOPE_LABELS = {
    Scope.MEMBERS: "members only",
    Scope.PUBLIC: "the public web",
    Scope.SHARED: "sharing with other sites",
    Scope.ADAPTABLE: "adaptation by other sites",
}


class GivenBy(StrEnum):
    PERSON = "person"
    GUARDIAN = "guardian"


class Method(StrEnum):
    SIGNED_FORM = "signed-form"  # evidence: the private media id of the scanned form
    VERBAL = "verbal"  # evidence: who witnessed it
    ONLINE = "online"  # evidence: optional reference of the online form


EVIDENCE = {Method.SIGNED_FORM: "form_media_id", Method.VERBAL: "witness"}


def parse_scope(values: str | list[str]) -> Scope:
    """One scope, or several combined: the widest named wins (it includes the others)."""
    names = [values] if isinstance(values, str) else list(values)
    if not names:
        raise InvalidInput("Name the scope of the consent.", field="scope")
    try:
        return max(Scope[name.strip().upper()] for name in names)
    except KeyError:
        allowed = [scope.slug for scope in Scope]
        raise InvalidInput(
            f"Unknown scope in {names!r}. Use: {', '.join(allowed)}.",
            field="scope",
            allowed=allowed,
        ) from None


def _enum(kind: type[StrEnum], value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = [item.value for item in kind]
        raise InvalidInput(
            f"Unknown {field} {value!r}. Use one of: {', '.join(allowed)}.", field=field
        ) from None


EVIDENCE_ITEMS = 10
EVIDENCE_LENGTH = 300


def check_evidence(method: Method, evidence: dict[str, str]) -> dict[str, str]:
    needed = EVIDENCE.get(method)
    cleaned = {
        clean_text(k, "evidence"): clean_text(v, "evidence").strip()
        for k, v in evidence.items()
        if isinstance(v, str) and v.strip()
    }
    if len(cleaned) > EVIDENCE_ITEMS or any(
        len(k) > 40 or len(v) > EVIDENCE_LENGTH for k, v in cleaned.items()
    ):
        raise InvalidInput(
            f"Evidence is at most {EVIDENCE_ITEMS} items of at most {EVIDENCE_LENGTH} "
            "characters each.",
            field=needed or "evidence",
        )
    if needed and needed not in cleaned:
        raise InvalidInput(f"A {method.value} consent needs its {needed}.", field=needed)
    return cleaned


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput(f"The {field} needs a time zone.", field=field)
    return moment


@dataclass(frozen=True)
class ConsentTerms:
    """What a consent allowed, and when; the rules need nothing else."""

    consent_id: UUID
    person_id: UUID
    artifact_id: UUID | None  # None: every artifact of the person
    given_by: GivenBy
    given_at: datetime
    scopes: tuple[tuple[datetime, Scope], ...]  # (from when, scope), oldest first
    expires_at: datetime | None = None
    withdrawn_at: datetime | None = None

    def applies_to(self, artifact_id: UUID) -> bool:
        return self.artifact_id is None or self.artifact_id == artifact_id

    def scope_at(self, at: datetime) -> Scope | None:
        """The scope in force at ``at``.

        ``None`` before the consent was given, and from the moment of its expiry
        or withdrawal on (a consent expiring at noon no longer covers noon).
        """
        if at < self.given_at:
            return None
        if self.expires_at is not None and at >= self.expires_at:
            return None
        if self.withdrawn_at is not None and at >= self.withdrawn_at:
            return None
        current = None
        for since, scope in self.scopes:
            if since <= at:
                current = scope
        return current

    def ends_at(self) -> datetime | None:
        ends = [moment for moment in (self.expires_at, self.withdrawn_at) if moment is not None]
        return min(ends) if ends else None


class Consent(Aggregate):
    id: UUID

    @event("Given")
    def __init__(
        self,
        person_id: UUID,
        artifact_id: UUID | None,
        given_by: str,
        given_at: datetime,
        method: str,
        evidence: dict[str, str],
        scope: str,
        expires_at: datetime | None,
        by: str,
    ) -> None:
        self.person_id = person_id
        self.artifact_id = artifact_id
        self.given_by = GivenBy(given_by)
        self.given_at = given_at
        self.method = Method(method)
        self.evidence = evidence
        self.scopes: list[tuple[datetime, Scope]] = [(given_at, Scope[scope.upper()])]
        self.expires_at = expires_at
        self.withdrawn_at: datetime | None = None
        self.recorded_by = by

    @event("Narrowed")
    def _narrow(self, scope: str, at: datetime, by: str) -> None:
        self.scopes = [*self.scopes, (at, Scope[scope.upper()])]

    @event("Withdrawn")
    def _withdraw(self, at: datetime, by: str) -> None:
        self.withdrawn_at = at

    @property
    def scope(self) -> Scope:
        return self.scopes[-1][1]

    def narrow(self, scope: Scope, at: datetime, by: str) -> None:
        """From ``at`` on, only ``scope`` (narrower than now); widening needs a new consent."""
        self._refuse_if_withdrawn()
        if scope >= self.scope:
            raise InvalidInput(
                f"Narrowing needs a scope narrower than {self.scope.label}; "
                "a wider one needs a new consent.",
                field="scope",
            )
        self._narrow(scope.slug, _aware(at, "time"), by)

    def withdraw(self, at: datetime, by: str) -> None:
        self._refuse_if_withdrawn()
        self._withdraw(_aware(at, "time"), by)

    def _refuse_if_withdrawn(self) -> None:
        if self.withdrawn_at is not None:
            raise Conflict("This consent was already withdrawn.")

    def terms(self) -> ConsentTerms:
        return ConsentTerms(
            consent_id=self.id,
            person_id=self.person_id,
            artifact_id=self.artifact_id,
            given_by=self.given_by,
            given_at=self.given_at,
            scopes=tuple(self.scopes),
            expires_at=self.expires_at,
            withdrawn_at=self.withdrawn_at,
        )


@dataclass(frozen=True)
class Standing:
    """What the consent rules need to know about a person; nothing personal."""

    person_id: UUID
    minor: bool = False
    minor_until: date | None = None
    erased: bool = False

    @classmethod
    def of(cls, person: Person) -> Standing:
        return cls(person.id, person.minor, person.minor_until, person.erased)

    def is_minor(self, at: datetime) -> bool:
        """A minor at ``at`` (its UTC day); with a "minor until" date, adult from that day on."""
        if not self.minor:
            return False
        return self.minor_until is None or at.astimezone(UTC).date() < self.minor_until

    def valid_giver(self, given_by: GivenBy, at: datetime) -> bool:
        """The guardian gives consent for a minor, an adult gives their own."""
        return given_by is (GivenBy.GUARDIAN if self.is_minor(at) else GivenBy.PERSON)


def give_consent(
    person: Standing,
    *,
    artifact_id: UUID | None,
    given_by: str,
    given_at: datetime,
    method: str,
    evidence: dict[str, str],
    scope: str | list[str],
    expires_at: datetime | None,
    by: str,
    consent_id: UUID | None = None,
) -> Consent:
    """A new consent for ``person``, checked before it is recorded."""
    if person.erased:
        raise PersonErased("This person asked to be removed.", person=str(person.person_id))
    giver = _enum(GivenBy, given_by, "given_by")
    how = _enum(Method, method, "method")
    given_at = _aware(given_at, "given_at")
    if not person.valid_giver(giver, given_at):
        raise InvalidInput(
            "A minor's consent must come from their guardian, an adult's from themselves.",
            field="given_by",
        )
    if expires_at is not None and _aware(expires_at, "expires_at") <= given_at:
        raise InvalidInput("A consent must expire after it was given.", field="expires_at")
    # ``id`` is accepted by the eventsourcing metaclass, not by __init__ itself.
    return Consent(  # type: ignore[call-arg]
        id=consent_id or uuid4(),
        person_id=person.person_id,
        artifact_id=artifact_id,
        given_by=giver.value,
        given_at=given_at,
        method=how.value,
        evidence=check_evidence(how, evidence),
        scope=parse_scope(scope).slug,
        expires_at=expires_at,
        by=by,
    )
