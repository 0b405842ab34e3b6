"""``archive.people``: persons and their consents, over the Store port and the vault.

Editors and partners record persons; editors, and the partner who recorded a
person, change the record, erase it and manage its consents (``may_manage``).
Queries return plain data: the credited name for everyone allowed to read the
record, the personal fields (name, given name, guardian contact) only for those
who manage it, and "a person who asked to be removed" once erased.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain import policy
from domain.access import Principal, Role
from domain.artifact import Artifact
from domain.catalogue import event_topic
from domain.consent import Consent, Standing, give_consent, parse_scope
from domain.consent_forms import check_form
from domain.credit import view_person
from domain.errors import InvalidInput, NotFound, VersionConflict
from domain.people import Person, PersonDetails, may_manage, record_person, require_manager, unseal
from domain.person_consents import consents_of
from domain.results import CommandResult, now, result_of
from domain.store import Store
from domain.vault_port import PersonalDataVault

PERSONAL = ("name", "given_name", "guardian_contact")


class People:
    def __init__(self, store: Store, vault: PersonalDataVault) -> None:
        self.store = store
        self.vault = vault

    # -- persons ----------------------------------------------------------

    def record(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        """A new person from the personal fields, ``credit``, ``minor`` and ``minor_until``."""
        policy.require_role(principal, Role.PARTNER, "record persons")
        assert principal.id is not None
        person = record_person(
            self.vault,
            uuid4(),
            _details(data),
            credit=str(data.get("credit") or "full-name"),
            by=principal.id,
            minor=bool(data.get("minor")),
            minor_until=data.get("minor_until"),
        )
        return result_of(person, self.store.save(person))

    def revise(
        self, principal: Principal, person_id: UUID, changes: dict[str, Any], expected: int
    ) -> CommandResult:
        """Changes the fields named in ``changes``; ``expected`` is the version edited."""
        person = self._managed(principal, person_id)
        _check_version(person, expected)
        assert principal.id is not None
        by = principal.id
        _make_adult(person, changes, by)
        if any(field in changes for field in PERSONAL):
            current = unseal(self.vault, person) or PersonDetails(name="")
            merged = {**asdict(current), **{f: changes[f] for f in PERSONAL if f in changes}}
            person.revise(self.vault, _details(merged), by)
        if "credit" in changes and changes["credit"] != person.credit.value:
            person.choose_credit(str(changes["credit"]), by)
        _make_minor(person, changes, by)
        return result_of(person, self.store.save(person))

    def erase(self, principal: Principal, person_id: UUID) -> CommandResult:
        """Destroys the person's key and records the erasure; idempotent."""
        person = self._managed(principal, person_id)
        assert principal.id is not None
        person.erase(self.vault, principal.id, now())
        return result_of(person, self.store.save(person))

    def person(self, principal: Principal, person_id: UUID) -> dict[str, Any]:
        """The person as ``principal`` may see them."""
        return self._view(principal, self._readable(principal, person_id))

    def persons(self, principal: Principal) -> list[dict[str, Any]]:
        """The persons the principal manages: every one for editors, their own for partners."""
        policy.require_role(principal, Role.PARTNER, "read persons")
        found = []
        for _, person_id in self.store.ids_of(event_topic(Person, "Recorded")):
            person = self.store.load(Person, person_id)
            if may_manage(principal, person):
                found.append(self._view(principal, person))
        return found

    def _view(self, principal: Principal, person: Person) -> dict[str, Any]:
        view = view_person(
            self.vault, person, personal=may_manage(principal, person), on=now().date()
        )
        fields = asdict(view)
        fields["version"] = person.version
        if fields["name"] is None:
            for field in PERSONAL:
                fields.pop(field)
        if not may_manage(principal, person):  # whether someone is a child is theirs to know
            for field in ("minor", "minor_until"):
                fields.pop(field)
        return fields

    def person_record(self, principal: Principal, person_id: UUID) -> Person:
        """The person aggregate, for partners and editors (``ConsentForms``)."""
        return self._readable(principal, person_id)

    def _readable(self, principal: Principal, person_id: UUID) -> Person:
        """Partners and editors read person records; members and readers may not."""
        policy.require_role(principal, Role.PARTNER, "read persons")
        return self.store.load(Person, person_id)

    def _managed(self, principal: Principal, person_id: UUID) -> Person:
        person = self._readable(principal, person_id)
        require_manager(principal, person)
        return person

    # -- consents ---------------------------------------------------------

    def give(self, principal: Principal, data: dict[str, Any]) -> CommandResult:
        """A consent for ``data["person_id"]`` (and ``artifact_id``, or all their artifacts)."""
        try:
            person = self._managed(principal, data["person_id"])
        except NotFound:
            raise InvalidInput("No such person.", field="person_id") from None
        artifact_id = data.get("artifact_id")
        if artifact_id is not None:
            self._check_artifact(principal, artifact_id)
        if data.get("method") == "signed-form":
            check_form(self.store, person.id, dict(data.get("evidence") or {}))
        assert principal.id is not None
        consent = give_consent(
            Standing.of(person),
            artifact_id=artifact_id,
            given_by=str(data.get("given_by") or ""),
            given_at=data.get("given_at") or now(),
            method=str(data.get("method") or ""),
            evidence=dict(data.get("evidence") or {}),
            scope=data.get("scope") or [],
            expires_at=data.get("expires_at"),
            by=principal.id,
        )
        person.link_consent(consent.id, principal.id)
        # One transaction: the person's list of consents never misses a stored consent.
        return result_of(consent, self.store.save(person, consent))

    def narrow(
        self,
        principal: Principal,
        consent_id: UUID,
        scope: str | Sequence[str],
        at: datetime | None,
    ) -> CommandResult:
        consent = self._managed_consent(principal, consent_id)
        assert principal.id is not None
        names = scope if isinstance(scope, str) else [str(name) for name in scope]
        consent.narrow(parse_scope(names), _moment(consent, at), principal.id)
        return result_of(consent, self.store.save(consent))

    def withdraw(
        self, principal: Principal, consent_id: UUID, at: datetime | None
    ) -> CommandResult:
        consent = self._managed_consent(principal, consent_id)
        assert principal.id is not None
        consent.withdraw(_moment(consent, at), principal.id)
        return result_of(consent, self.store.save(consent))

    def consent(self, principal: Principal, consent_id: UUID) -> dict[str, Any]:
        return consent_view(self._managed_consent(principal, consent_id))

    def consents(
        self, principal: Principal, person_id: UUID | None, artifact_id: UUID | None
    ) -> list[dict[str, Any]]:
        """The consents of the persons the principal manages, filtered by person or artifact."""
        policy.require_role(principal, Role.PARTNER, "read consents")
        managed: dict[UUID, bool] = {}
        found = []
        for consent in self._candidates(person_id):
            if artifact_id is not None and consent.artifact_id not in (None, artifact_id):
                continue
            if consent.person_id not in managed:
                person = self.store.load(Person, consent.person_id)
                managed[consent.person_id] = may_manage(principal, person)
            if managed[consent.person_id]:
                found.append(consent_view(consent))
        return found

    def _candidates(self, person_id: UUID | None) -> Iterator[Consent]:
        """The consents of ``person_id`` (from the person's own list), or every consent."""
        if person_id is not None:
            try:
                person = self.store.load(Person, person_id)
            except NotFound:
                return
            yield from consents_of(self.store, person)
            return
        for _, consent_id in self.store.ids_of(event_topic(Consent, "Given")):
            yield self.store.load(Consent, consent_id)

    def _managed_consent(self, principal: Principal, consent_id: UUID) -> Consent:
        policy.require_role(principal, Role.PARTNER, "manage consents")
        consent = self.store.load(Consent, consent_id)
        person = self.store.load(Person, consent.person_id)
        if not may_manage(principal, person):
            raise NotFound(f"No consent {consent_id} is visible to you.")
        return consent

    def _check_artifact(self, principal: Principal, artifact_id: UUID) -> None:
        """The artifact a consent is for must exist and be visible to the principal."""
        try:
            artifact = self.store.load(Artifact, artifact_id)
        except NotFound:
            artifact = None
        visible = artifact is not None and (
            policy.may_see_draft(principal, artifact)
            or policy.may_read_published(principal, artifact.published)
        )
        if not visible:
            raise InvalidInput(f"No artifact {artifact_id} is visible to you.", field="artifact_id")


def consent_view(consent: Consent) -> dict[str, Any]:
    at = now()
    terms = consent.terms()
    in_force = terms.scope_at(at)
    return {
        "id": consent.id,
        "version": consent.version,
        "person_id": consent.person_id,
        "artifact_id": consent.artifact_id,
        "given_by": consent.given_by.value,
        "given_at": consent.given_at,
        "method": consent.method.value,
        "evidence": consent.evidence,
        "scope": consent.scope.slug,
        "scopes": [{"from": since, "scope": scope.slug} for since, scope in consent.scopes],
        "expires_at": consent.expires_at,
        "withdrawn_at": consent.withdrawn_at,
        "in_force": in_force.slug if in_force is not None else None,
        "recorded_by": consent.recorded_by,
    }


def _details(data: dict[str, Any]) -> PersonDetails:
    return PersonDetails(
        name=str(data.get("name") or ""),
        given_name=data.get("given_name"),
        guardian_contact=data.get("guardian_contact"),
    )


def _make_adult(person: Person, changes: dict[str, Any], by: str) -> None:
    """First, so that the guardian contact of someone no longer a minor may be removed."""
    if changes.get("minor") is not False:
        return
    if changes.get("minor_until") is not None:
        raise InvalidInput("An adult has no 'minor until' date.", field="minor_until")
    if person.minor:
        person.mark_adult(by)


def _make_minor(person: Person, changes: dict[str, Any], by: str) -> None:
    """Last, so that a guardian contact given in the same change counts."""
    if changes.get("minor") is False or not (changes.get("minor") or "minor_until" in changes):
        return
    until: date | None = changes.get("minor_until")
    if not person.minor or person.minor_until != until:
        person.mark_minor(until, by)


def _moment(consent: Consent, at: datetime | None) -> datetime:
    """When a narrowing or withdrawal takes effect: now, unless given; never before the consent."""
    if at is None:
        return now()
    if at.tzinfo is not None and at < consent.given_at:
        raise InvalidInput("A consent cannot change before it was given.", field="at")
    return at


def _check_version(person: Person, expected: int) -> None:
    if expected != person.version:
        raise VersionConflict(
            f"You edited version {expected} of this person, but it is now at version "
            f"{person.version}. Reload it, reapply your change and try again.",
            current_version=person.version,
        )
