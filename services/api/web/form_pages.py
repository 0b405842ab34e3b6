"""What the catalogue's editor pages share: who may open them, and how a refused form
comes back (filled in as it was typed, with the reason, the field to fix and the status
the API would have answered with)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from domain.access import Role
from domain.errors import Conflict, InvalidInput, VersionConflict
from domain.policy import require_role
from services.api.problems import status_for
from services.api.web.session import Viewer
from services.api.web.templating import render

REFUSED = (InvalidInput, Conflict, VersionConflict)


def require_editor(viewer: Viewer, action: str) -> None:
    require_role(viewer.principal, Role.EDITOR, action)


def shown(view: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """A record's values as a form shows them (nothing rather than None)."""
    return {name: "" if view.get(name) is None else view[name] for name in names}


def failure_of(exc: InvalidInput | Conflict | VersionConflict) -> dict[str, Any]:
    """The reason a command refused a form, and the form field it names."""
    field = str(exc.extra.get("field") or "")
    bad = "slug" if field.endswith("slug") else field  # "place slug" is the slug field
    return {"error": exc.detail, "bad": bad, "status": status_for(exc)}


def form_page(
    request: Request,
    viewer: Viewer,
    template: str,
    context: dict[str, Any],
    failure: dict[str, Any] | None = None,
) -> Response:
    """A form page; after a refusal, with its reason and status."""
    failure = failure or {}
    context = {**context, "error": failure.get("error"), "bad": failure.get("bad")}
    return render(request, viewer, template, context, status=failure.get("status", 200))
