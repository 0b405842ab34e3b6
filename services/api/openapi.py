"""The OpenAPI document, made to tell every answer an operation can give.

FastAPI documents an operation's success and its 422. The API also answers,
as ``application/problem+json``: 400 (malformed JSON, bad ETag), 401 (unknown
token), 403, 404, 410 (withdrawn), 413 (body too large), 429 (rate limits), 503
(a backend down) to anything, and 409, 412, 428 (edits and their ``If-Match``)
to writes; search waiting for the indexer answers 504. This module adds them,
with the Problem schema, to every operation in one place, so a generated client
can rely on the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from services.api.responses import PROBLEM

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Problem details (RFC 9457); some problems add fields, such as `errors`.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "A URI reference naming the problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}
EVERY = {
    400: "The request could not be understood (malformed JSON, a bad ETag or parameter).",
    401: "The bearer token is unknown or revoked (see `WWW-Authenticate`).",
    403: "The caller may not do this.",
    404: "Nothing is there, or nothing the caller may see.",
    410: "It was withdrawn.",
    413: "The request body is too large.",
    422: "The request is well-formed but its content is not valid.",
    429: "Too many requests from this client; see `Retry-After`.",
    503: "A backend (store, search, media) is unavailable; see `Retry-After`.",
}
WRITES = {
    409: "The change clashes with the current state.",
    412: "`If-Match` names a version that is no longer current.",
    428: "The edit needs `If-Match` with the ETag read.",
}
SEARCHING = {504: "The index did not reach the requested position in time."}
ANY: dict[str, Any] = {"schema": {}}
BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
NOT_MODIFIED = {"304": {"description": "Unchanged since the ETag or date sent."}}
# What routes answering with a plain Response send on success, by path; methods as in the doc.
SUCCESS: dict[str, dict[str, Any]] = {
    "/api/v1/artifacts/{artifact_id}/jsonld": {
        "200": {"description": "JSON-LD (schema.org).", "content": {"application/ld+json": ANY}}
    },
    "/api/v1/artifacts/{artifact_id}/package": {
        "200": {"description": "A BagIt package.", "content": {"application/zip": BINARY}}
    },
    "/feeds/atom": {
        "200": {"description": "An Atom feed.", "content": {"application/atom+xml": BINARY}},
        **NOT_MODIFIED,
    },
    "/feeds/json": {
        "200": {"description": "A JSON Feed.", "content": {"application/feed+json": ANY}},
        **NOT_MODIFIED,
    },
    "/oai": {
        "200": {"description": "An OAI-PMH response (errors too).", "content": {"text/xml": BINARY}}
    },
    "/oai/schemas/commonplace.xsd": {
        "200": {"description": "XML Schema.", "content": {"application/xml": BINARY}}
    },
    "/media/{media_id}": {
        "200": {"description": "The file.", "content": {"*/*": BINARY}},
        "307": {"description": "Where the file is (a short-lived address)."},
    },
    "/media/{media_id}/{variant}": {
        "200": {"description": "The thumbnail.", "content": {"image/*": BINARY}},
        "307": {"description": "Where the thumbnail is (a short-lived address)."},
    },
}
# A few answers are not problem documents: OAI-PMH harvesters expect text when it is down.
OTHER: dict[str, dict[str, Any]] = {
    "/oai": {
        "503": {
            "description": "The repository is unavailable; see Retry-After.",
            "content": {"text/plain": BINARY},
        }
    },
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
}


def _problem_response(description: str, status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = RETRY_AFTER
    return response


def statuses_for(method: str, path: str) -> dict[int, str]:
    answers = dict(EVERY)
    if method in ("post", "put", "patch", "delete"):
        answers.update(WRITES)
    if path.endswith("/search") or "/browse/" in path:
        answers.update(SEARCHING)
    return answers


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the problem answers to every operation of an OpenAPI document (in place)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if path in SUCCESS:
                for status in [s for s in responses if s.startswith("2")]:
                    del responses[status]
                responses.update(SUCCESS[path])
            for status, description in statuses_for(method, path).items():
                responses[str(status)] = _problem_response(description, status)
            responses.update(OTHER.get(path, {}))
    # FastAPI's own validation schemas are no longer referred to: the 422 is a Problem.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=app.openapi_version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                    servers=app.servers,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
