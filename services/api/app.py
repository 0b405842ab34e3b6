"""Builds the FastAPI application around one container."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from infra.bootstrap import Container, build, prepare
from infra.sessions import SqlSessionStore
from infra.settings import Settings
from services.api import openapi, problems, web
from services.api.compression import CompressMachineReadable
from services.api.deps import ArchiveDep
from services.api.limits import BodyLimit
from services.api.methods import Methods
from services.api.ratelimit import RateLimits
from services.api.responses import JSON
from services.api.routes import (
    adaptations,
    artifacts,
    catalogue,
    collection_feeds,
    collections,
    inbox,
    media,
    oai,
    people,
    responses,
    review,
    search,
    syndication,
    translations,
)
from services.api.web.session import WebSessions

DESCRIPTION = """
Commonplace keeps a learning community's stories, presentations of learning and
learning-excursion syntheses as immutable events.

Send `Authorization: Bearer <token>` to act as a member, partner, editor or admin;
without a token you read what is public. Edits need `If-Match` with the ETag you read.
Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    container = container or build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        container.close()

    app = FastAPI(
        title="Commonplace",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.container = container
    settings = container.settings
    # Web sign-in sessions live in the read-model database, beside the publications view.
    app.state.web_sessions = WebSessions(
        SqlSessionStore(container.publications.datastore),
        container.archive,
        settings.base_url,
        settings.session_secret,
    )
    problems.install(app)
    openapi.install(app)
    app.include_router(artifacts.router)
    app.include_router(catalogue.router)
    app.include_router(search.router)
    app.include_router(media.router)
    app.include_router(syndication.router)
    app.include_router(adaptations.router)
    app.include_router(oai.router)
    app.include_router(inbox.router)
    app.include_router(people.router)
    app.include_router(review.router)
    app.include_router(collections.router)
    app.include_router(collection_feeds.router)
    app.include_router(responses.router)
    app.include_router(translations.router)

    @app.get("/api/v1/health", tags=["system"])
    async def health(archive: ArchiveDep) -> JSON:
        """Liveness, and the head of the event log."""
        return JSON({"status": "ok", "head": archive.head})

    # Upload bodies are limited by their declared size instead (see routes/media.py).
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_request_bytes,
        exempt_suffixes=("/content", "/consent-forms"),  # each checks its own, larger limit
    )
    app.add_middleware(Methods)  # OPTIONS, HEAD wherever GET, and the full Allow on a 405
    if settings.rate_limits_enabled:
        app.add_middleware(RateLimits, per_minute=settings.rate_limits)
    web.install(app)  # the web pages: their router and web-only middleware
    app.add_middleware(CompressMachineReadable)  # outermost: problems and 429s too
    return app


def app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory``: settings from the environment."""
    container = build(Settings())
    prepare(container)
    return create_app(container=container)
