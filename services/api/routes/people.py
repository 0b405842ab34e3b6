"""Persons and consents: record, revise, erase; give, narrow and withdraw consent.

Editors and partners record persons. Editors, and the partner who recorded a
person, see the personal fields (name, given name, guardian contact), change
the record, erase it and manage its consents; any other partner sees only the
credited name. Members and anonymous readers are refused (403, 401). An erased
person reads as "a person who asked to be removed" to everyone.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.results import CommandResult
from services.api.deps import IfMatchDep, PeopleDep, PrincipalDep
from services.api.responses import JSON, etag_for
from services.api.routes.consent_forms import FormsDep
from services.api.routes.consent_forms import router as forms_router

router = APIRouter(prefix="/api/v1", tags=["people"])

CreditName = Literal["full-name", "first-name", "initials", "anonymous"]
ScopeName = Literal["members", "public", "shared", "adaptable"]
Name = Annotated[str, Field(max_length=200)]
Contact = Annotated[str, Field(max_length=300)]
Short = Annotated[str, Field(max_length=300)]


class PersonIn(BaseModel):
    """A person a story names or shows, or a contributor; a minor needs a guardian contact."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    given_name: Name | None = None
    guardian_contact: Contact | None = None
    credit: CreditName = "full-name"
    minor: bool = False
    minor_until: date | None = Field(None, description="Adult from this day on (UTC).")


class PersonChanges(BaseModel):
    """The fields to change; those left out stay as they are."""

    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    given_name: Name | None = None
    guardian_contact: Contact | None = None
    credit: CreditName | None = None
    minor: bool | None = None
    minor_until: date | None = None


class PersonOut(BaseModel):
    id: UUID
    version: int
    shown_as: str = Field(description="The credited name, as every public surface shows it.")
    credit: CreditName
    minor: bool | None = Field(None, description="Only for editors and the recording partner.")
    minor_until: date | None = None
    erased: bool
    recorded_by: str
    name: str | None = Field(None, description="Only for editors and the recording partner.")
    given_name: str | None = None
    guardian_contact: str | None = None


class ConsentIn(BaseModel):
    """One person's consent for one artifact, or for all their artifacts (no ``artifact_id``)."""

    model_config = ConfigDict(extra="forbid")
    person_id: UUID
    artifact_id: UUID | None = None
    given_by: Literal["person", "guardian"]
    given_at: AwareDatetime | None = Field(None, description="Default: now.")
    method: Literal["signed-form", "verbal", "online"]
    evidence: dict[Annotated[str, Field(max_length=40)], Short] = Field(
        default_factory=dict,
        max_length=10,
        description="`form_media_id` for a signed form, `witness` for a verbal consent.",
    )
    scope: ScopeName | list[ScopeName] = Field(description="Several: the widest counts.")
    expires_at: AwareDatetime | None = None


class Narrowing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: ScopeName | list[ScopeName]
    at: AwareDatetime | None = Field(None, description="From when; default: now.")


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: AwareDatetime | None = Field(None, description="From when; default: now.")


class ScopeFrom(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    since: AwareDatetime = Field(alias="from")
    scope: ScopeName


class ConsentOut(BaseModel):
    id: UUID
    version: int
    person_id: UUID
    artifact_id: UUID | None
    given_by: Literal["person", "guardian"]
    given_at: AwareDatetime
    method: Literal["signed-form", "verbal", "online"]
    evidence: dict[str, str]
    scope: ScopeName
    scopes: list[ScopeFrom]
    expires_at: AwareDatetime | None
    withdrawn_at: AwareDatetime | None
    in_force: ScopeName | None = Field(description="The scope in force now, if any.")
    recorded_by: str


def _answer(result: CommandResult, view: dict[str, object], status: int = 200) -> JSON:
    headers = {"ETag": etag_for(result.version)}
    if status == 201:
        kind = "persons" if "shown_as" in view else "consents"
        headers["Location"] = f"/api/v1/{kind}/{result.id}"
    return JSON(view, status, headers=headers)


@router.post("/persons", status_code=201, response_model=PersonOut)
def record_person(body: PersonIn, people: PeopleDep, principal: PrincipalDep) -> JSON:
    """Records a person (editors and partners); their personal fields are sealed."""
    result = people.record(principal, body.model_dump())
    return _answer(result, people.person(principal, UUID(result.id)), 201)


@router.get("/persons", response_model=list[PersonOut])
def list_persons(people: PeopleDep, principal: PrincipalDep) -> JSON:
    """The persons you manage: every one for editors, those you recorded for partners."""
    return JSON(people.persons(principal))


@router.get("/persons/{person_id}", response_model=PersonOut)
def get_person(person_id: UUID, people: PeopleDep, principal: PrincipalDep) -> JSON:
    """One person; personal fields only for editors and the partner who recorded them."""
    view = people.person(principal, person_id)
    return JSON(view, headers={"ETag": etag_for(int(str(view["version"])))})


@router.patch("/persons/{person_id}", response_model=PersonOut)
def revise_person(
    person_id: UUID,
    body: PersonChanges,
    people: PeopleDep,
    principal: PrincipalDep,
    expected: IfMatchDep,
) -> JSON:
    """Changes a person's details, credit or minority; needs `If-Match`."""
    result = people.revise(principal, person_id, body.model_dump(exclude_unset=True), expected)
    return _answer(result, people.person(principal, person_id))


@router.post("/persons/{person_id}/erase", response_model=PersonOut)
def erase_person(
    person_id: UUID, people: PeopleDep, forms: FormsDep, principal: PrincipalDep
) -> JSON:
    """Erases a person: their key is destroyed, so nothing personal can be read again,
    and their consent forms are deleted."""
    result = forms.erase(principal, person_id)
    return _answer(result, people.person(principal, person_id))


@router.post("/consents", status_code=201, response_model=ConsentOut)
def give_consent(body: ConsentIn, people: PeopleDep, principal: PrincipalDep) -> JSON:
    """Records a consent, given by the person (an adult) or their guardian (a minor)."""
    result = people.give(principal, body.model_dump())
    return _answer(result, people.consent(principal, UUID(result.id)), 201)


@router.get("/consents", response_model=list[ConsentOut])
def list_consents(
    people: PeopleDep,
    principal: PrincipalDep,
    person_id: Annotated[UUID | None, Query()] = None,
    artifact_id: Annotated[UUID | None, Query()] = None,
) -> JSON:
    """The consents of the persons you manage, for one person or one artifact if asked."""
    return JSON(people.consents(principal, person_id, artifact_id))


@router.get("/consents/{consent_id}", response_model=ConsentOut)
def get_consent(consent_id: UUID, people: PeopleDep, principal: PrincipalDep) -> JSON:
    """One consent of a person you manage."""
    return JSON(people.consent(principal, consent_id))


@router.post("/consents/{consent_id}/narrow", response_model=ConsentOut)
def narrow_consent(
    consent_id: UUID, body: Narrowing, people: PeopleDep, principal: PrincipalDep
) -> JSON:
    """Narrows a consent from a moment on; widening needs a new consent."""
    result = people.narrow(principal, consent_id, body.scope, body.at)
    return _answer(result, people.consent(principal, consent_id))


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentOut)
def withdraw_consent(
    consent_id: UUID, people: PeopleDep, principal: PrincipalDep, body: Withdrawal | None = None
) -> JSON:
    """Withdraws a consent from a moment on (default: now)."""
    result = people.withdraw(principal, consent_id, body.at if body else None)
    return _answer(result, people.consent(principal, consent_id))


router.include_router(forms_router)  # /api/v1/persons/{id}/consent-forms
