"""Builds the FastAPI application around one container."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from infra.bootstrap import Container, build, prepare
from infra.settings import Settings
from services.api import problems, web
from services.api.deps import ArchiveDep
from services.api.limits import BodyLimit
from services.api.responses import JSON
from services.api.routes import (
    adaptations,
    artifacts,
    catalogue,
    media,
    oai,
    search,
    syndication,
)

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
    problems.install(app)
    app.include_router(artifacts.router)
    app.include_router(catalogue.router)
    app.include_router(search.router)
    app.include_router(media.router)
    app.include_router(syndication.router)
    app.include_router(adaptations.router)
    app.include_router(oai.router)

    @app.get("/api/v1/health", tags=["system"])
    async def health(archive: ArchiveDep) -> JSON:
        """Liveness, and the head of the event log."""
        return JSON({"status": "ok", "head": archive.head})

    # Upload bodies are limited by their declared size instead (see routes/media.py).
    app.add_middleware(
        BodyLimit, max_bytes=container.settings.max_request_bytes, exempt_suffixes=("/content",)
    )
    web.install(app)  # the web pages: their router and web-only middleware
    return app


def app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory``: settings from the environment."""
    container = build(Settings())
    prepare(container)
    return create_app(container=container)
