"""FastAPI dependencies over the one container built at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from domain.access import ANONYMOUS, Principal
from domain.application import Archive
from domain.policy import NotSignedIn
from infra.bootstrap import Container
from services.api.problems import BadRequest, PreconditionRequired

# Dependencies are ``async def`` so FastAPI runs them inline instead of paying a
# thread-pool hop for each; the work they do is a dictionary or cache lookup.


async def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


async def get_archive(request: Request) -> Archive:
    container: Container = request.app.state.container
    return container.archive


async def current_principal(
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Principal:
    """Anonymous without a token; a token that is unknown or revoked is refused."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn("Send the token as 'Authorization: Bearer <token>'.")
    container: Container = request.app.state.container
    principal = container.archive.authenticate(token.strip())
    if principal is None:
        raise NotSignedIn("This token is not valid (unknown or revoked).")
    return principal


def parse_if_match(if_match: str | None) -> int:
    """The version an ``If-Match`` header names."""
    if not if_match:
        raise PreconditionRequired(
            "Send If-Match with the ETag of the version you edited, so that "
            "nobody's change is overwritten."
        )
    value = if_match.strip().removeprefix("W/").strip('"').removeprefix("v")
    if not value.isdigit():
        raise BadRequest(f"If-Match {if_match!r} is not an ETag this API gave out.")
    return int(value)


async def expected_version(
    if_match: Annotated[str | None, Header(description="ETag of the version you edited")] = None,
) -> int:
    """The version named by ``If-Match``; edits without one are refused (428)."""
    return parse_if_match(if_match)


ArchiveDep = Annotated[Archive, Depends(get_archive)]
ContainerDep = Annotated[Container, Depends(get_container)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
IfMatchDep = Annotated[int, Depends(expected_version)]
