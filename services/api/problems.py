"""Maps errors to ``application/problem+json`` responses, once, for the whole API."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain import errors
from domain.policy import NotSignedIn
from domain.ports.media import MediaStoreUnavailable
from domain.ports.search import InvalidQuery, SearchUnavailable
from services.api import problem_text, unavailable
from services.api.responses import problem

log = logging.getLogger("commonplace.api")

STATUS: dict[type[errors.DomainError], int] = {
    errors.NotFound: 404,
    errors.Gone: 410,
    errors.InvalidInput: 422,
    errors.Conflict: 409,
    errors.VersionConflict: 412,
    errors.PublishRequirementsMissing: 422,
    NotSignedIn: 401,
    errors.Forbidden: 403,
    errors.TooLarge: 413,
}


class PreconditionRequired(errors.DomainError):
    title = "Precondition required"


class BadRequest(errors.DomainError):
    title = "Bad request"


class GatewayTimeout(errors.DomainError):
    title = "Not yet indexed"


class ServiceUnavailable(errors.DomainError):
    title = "Service unavailable"


STATUS[PreconditionRequired] = 428
STATUS[BadRequest] = 400
STATUS[GatewayTimeout] = 504
STATUS[ServiceUnavailable] = 503


def status_for(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _language(request: Request) -> str:
    return problem_text.language_of(request.scope)


def _localised(exc: errors.DomainError, lang: str) -> str:
    """The error's detail in ``lang`` (see ``problem_text``)."""
    missing = exc.extra.get("missing")
    if isinstance(exc, errors.PublishRequirementsMissing) and isinstance(missing, list):
        return problem_text.publish_requirements([str(m) for m in missing], lang)
    return problem_text.detail(exc.detail, lang, template=exc.template, **exc.params)


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.DomainError)
    status = status_for(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="commonplace"'} if status == 401 else None
    lang = _language(request)
    return problem(
        status,
        exc.title,
        exc.detail,
        headers=headers,
        language=lang,
        localised_detail=_localised(exc, lang),
        **exc.extra,
    )


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    lang = problem_text.language_of(request.scope)
    found = [_describe(e, lang) for e in exc.errors()]
    if any(e["type"] == "json_invalid" for e in exc.errors()):
        return problem(
            400,
            "Malformed JSON",
            "The request body is not valid JSON.",
            language=lang,
            errors=found,
        )
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in found)
    return problem(
        422, "Invalid request", detail, language=lang, localised_detail=detail, errors=found
    )


def _describe(error: Any, lang: str) -> dict[str, object]:
    """One validation error: its field and machine-readable ``type``, and a message in
    the request's language."""
    location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "header")]
    return {
        "field": ".".join(location) or "body",
        "message": problem_text.validation_message(error, lang),
        "type": error.get("type"),
    }


async def invalid_query(request: Request, exc: Exception) -> Response:
    return problem(400, "Invalid search", str(exc), language=_language(request))


async def search_unavailable(request: Request, exc: Exception) -> Response:
    log.error("Search backend unavailable: %s", exc)
    return problem(
        503,
        "Search unavailable",
        "Search is unavailable right now; try again shortly.",
        headers={"Retry-After": "5"},
        language=_language(request),
    )


async def storage_unavailable(request: Request, exc: Exception) -> Response:
    log.error("Object storage unavailable: %s", exc)
    return problem(
        503,
        "Storage unavailable",
        "Media storage cannot be reached right now; nothing was recorded. Try again shortly.",
        headers={"Retry-After": "10"},
        language=_language(request),
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 413: "Too large"}
    title = titles.get(exc.status_code, "Request failed")
    detail = exc.detail if isinstance(exc.detail, str) else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}."
    return problem(
        exc.status_code,
        title,
        detail,
        headers=getattr(exc, "headers", None),
        language=_language(request),
    )


async def storage_error(request: Request, exc: Exception) -> Response:
    """A full disk, a locked database or a lost connection: 503; any other error: 500."""
    why = unavailable.reason(exc)
    if why is None:
        return await server_error(request, exc)
    log.error("Storage unavailable (%s) on %s %s: %s", why, request.method, request.url.path, exc)
    return problem(
        503,
        "Service unavailable",
        f"The archive's storage is unavailable right now ({why}); nothing was recorded. "
        "Try again shortly.",
        headers={"Retry-After": "5"},
        language=_language(request),
    )


async def server_error(request: Request, exc: Exception) -> Response:
    """Last resort: log the failure, tell the caller without internals."""
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        500,
        "Internal error",
        "Something went wrong on our side; it has been logged.",
        language=_language(request),
    )


class UnhandledErrors:
    """Answers an unhandled exception with a problem+json 500 right here.

    Starlette hands the ``Exception`` handler's response to the server and then
    re-raises, and uvicorn closes the keep-alive connection when an application
    raises, so the client's next request on it would fail too. Caught here the
    exception ends with the response, and the connection stays open.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:
                raise  # too late for a response of our own
            response = await storage_error(Request(scope), exc)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(InvalidQuery, invalid_query)
    app.add_exception_handler(SearchUnavailable, search_unavailable)
    app.add_exception_handler(MediaStoreUnavailable, storage_unavailable)
    for cls in unavailable.CLASSES:
        app.add_exception_handler(cls, storage_error)
    app.add_exception_handler(Exception, server_error)
    app.add_middleware(UnhandledErrors)
