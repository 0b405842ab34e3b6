"""FastAPI dependencies over the one container built at start-up.

Routes ask for what they use by these aliases (``SearchDep``, ``MediaDep``, ...),
never by importing the container: the wiring point (``infra/bootstrap.py``)
decides what each one is.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from domain.access import ANONYMOUS, Principal
from domain.app.adaptations import AdaptationService
from domain.app.media import MediaService
from domain.app.records import Records
from domain.app.search import SearchService
from domain.application import Archive
from domain.outbox import Outbox
from domain.people_commands import People
from domain.policy import NotSignedIn
from domain.ports.clock import Clock
from domain.tokens import Tokens
from infra.bootstrap import Container
from infra.coordination import Coordination
from infra.markdown import MarkdownRenderer
from infra.readmodel.inbox import Inbox
from infra.readmodel.publications import Publications
from infra.settings import Settings
from infra.syndication.oai import OAIRepository
from services.api.problems import BadRequest, PreconditionRequired

# Dependencies that only hand out what the container holds are ``async def``, so FastAPI
# runs them inline instead of paying a thread-pool hop for each; ``current_principal``
# goes to the thread pool only when it must read the token store.


async def get_archive(request: Request) -> Archive:
    container: Container = request.app.state.container
    return container.archive


async def get_settings(request: Request) -> Settings:
    return _container(request).settings


async def get_search(request: Request) -> SearchService:
    return _container(request).queries


async def get_media(request: Request) -> MediaService:
    return _container(request).media


async def get_adaptations(request: Request) -> AdaptationService:
    return _container(request).adaptations


async def get_records(request: Request) -> Records:
    return _container(request).records


async def get_publications(request: Request) -> Publications:
    return _container(request).publications


async def get_coordination(request: Request) -> Coordination:
    return _container(request).coordination


async def get_oai(request: Request) -> OAIRepository:
    return _container(request).oai


async def get_renderer(request: Request) -> MarkdownRenderer:
    return _container(request).renderer


async def get_outbox(request: Request) -> Outbox:
    return _container(request).outbox


async def get_inbox(request: Request) -> Inbox:
    return _container(request).inbox


async def get_clock(request: Request) -> Clock:
    return _container(request).clock


async def get_people(request: Request) -> People:
    return _container(request).archive.people


def _container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def _tokens(request: Request) -> Tokens:
    tokens: Tokens = request.app.state.container.archive.tokens
    return tokens


async def current_principal(request: Request) -> Principal:
    """Anonymous without a token; a token that is unknown or revoked is refused.

    The header is read from the request rather than declared as a parameter (it is not
    in the OpenAPI document either way), which spares FastAPI validating it per request.
    A token answered in the last seconds is looked up in memory on the event loop; only
    one that is not goes to the thread pool, since checking it reads the store."""
    authorization = request.headers.get("authorization")
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn("Send the token as 'Authorization: Bearer <token>'.")
    tokens = _tokens(request)
    known, principal = tokens.remembered(token.strip())
    if not known:
        principal = await run_in_threadpool(tokens.authenticate, token.strip())
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


IfMatchHeader = Annotated[str | None, Header(description="ETag of the version you edited")]


async def expected_version(if_match: IfMatchHeader = None) -> int:
    """The version named by ``If-Match``; edits without one are refused (428)."""
    return parse_if_match(if_match)


ArchiveDep = Annotated[Archive, Depends(get_archive)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
MediaDep = Annotated[MediaService, Depends(get_media)]
AdaptationsDep = Annotated[AdaptationService, Depends(get_adaptations)]
RecordsDep = Annotated[Records, Depends(get_records)]
PublicationsDep = Annotated[Publications, Depends(get_publications)]
CoordinationDep = Annotated[Coordination, Depends(get_coordination)]
OAIDep = Annotated[OAIRepository, Depends(get_oai)]
RendererDep = Annotated[MarkdownRenderer, Depends(get_renderer)]
OutboxDep = Annotated[Outbox, Depends(get_outbox)]
InboxDep = Annotated[Inbox, Depends(get_inbox)]
ClockDep = Annotated[Clock, Depends(get_clock)]
PeopleDep = Annotated[People, Depends(get_people)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
IfMatchDep = Annotated[int, Depends(expected_version)]
