"""Collection pages: the list, one collection, and the forms its curators use.

Anyone reads a collection; what it shows of an artifact is what that reader may
read now (a withdrawn work is not shown at all). Partners and editors make
collections; a collection's curator and the editors edit it, add published work or
links to work on other sites, remove and move items. Forms carry the session's
CSRF token and the version they were made from.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from domain.access import Role
from domain.errors import Conflict, DomainError, InvalidInput, NotFound, VersionConflict
from domain.policy import require_role
from services.api import problem_text
from services.api.deps import ArchiveDep, RendererDep
from services.api.routes.collections import CollectionsViewDep, urls
from services.api.web.i18n import N_
from services.api.web.routes.common import FormDep, ViewerDep, form_version, page_router, text
from services.api.web.session import Viewer
from services.api.web.templating import render

router = page_router()
NOTICES = {
    "created": N_("The collection is made. Add published work or links to it."),
    "saved": N_("Your changes to the collection are saved."),
}
STALE = N_("This collection changed after you loaded it; look at it again and retry.")
REFUSED = (InvalidInput, Conflict, VersionConflict)


def _message(error: DomainError) -> str:
    """What went wrong, in the page's language."""
    lang = problem_text.current_language()
    if isinstance(error, VersionConflict):
        return problem_text.detail(STALE, lang, template=STALE)
    return problem_text.detail(error.detail, lang, template=error.template, **error.params)


@router.get("/collections")
def collections_page(request: Request, view: CollectionsViewDep, viewer: ViewerDep) -> Response:
    return _list(request, view, viewer)


def _list(
    request: Request,
    view: Any,
    viewer: Viewer,
    *,
    status: int = 200,
    failed: str | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    context = {"collections": view.listing(), "failed": failed, "typed": typed or {}}
    return render(request, viewer, "collections.html", context, status=status)


@router.post("/collections")
def create(
    request: Request,
    archive: ArchiveDep,
    view: CollectionsViewDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    require_role(viewer.principal, Role.PARTNER, "make collections")
    typed = {name: text(form, name) for name in ("slug", "title", "introduction")}
    try:
        archive.collections.create(
            viewer.principal, typed["slug"], typed["title"], _raw(form, "introduction")
        )
    except REFUSED as error:
        status = 409 if isinstance(error, Conflict) else 422
        return _list(request, view, viewer, status=status, failed=_message(error), typed=typed)
    return RedirectResponse(f"/collections/{typed['slug']}?done=created", status_code=303)


@router.get("/collections/{slug}")
def collection_page(
    slug: str,
    request: Request,
    archive: ArchiveDep,
    renderer: RendererDep,
    viewer: ViewerDep,
    done: str | None = None,
) -> Response:
    return _page(request, archive, renderer, viewer, slug, notice=NOTICES.get(done or ""))


def _page(
    request: Request,
    archive: Any,
    renderer: Any,
    viewer: Viewer,
    slug: str,
    *,
    status: int = 200,
    notice: str | None = None,
    failed: str | None = None,
) -> Response:
    found = archive.collections.get(viewer.principal, slug)
    context = {
        "collection": found,
        "introduction_html": renderer.render(found["introduction"]),
        "urls": urls(found["slug"]),
        "notice": notice,
        "failed": failed,
    }
    return render(request, viewer, "collection.html", context, status=status)


def _raw(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _change(
    request: Request,
    archive: Any,
    renderer: Any,
    viewer: Viewer,
    slug: str,
    command: Any,
) -> Response:
    """Run a curator's command; the page again with what went wrong, or a redirect."""
    require_role(viewer.principal, Role.PARTNER, "curate collections")
    try:
        command()
    except REFUSED as error:
        status = 409 if isinstance(error, (Conflict, VersionConflict)) else 422
        return _page(
            request, archive, renderer, viewer, slug, status=status, failed=_message(error)
        )
    except NotFound as error:
        if error.extra.get("item"):  # an item already taken out
            return _page(request, archive, renderer, viewer, slug, status=409, failed=STALE)
        raise
    return RedirectResponse(f"/collections/{slug}?done=saved", status_code=303)


@router.post("/collections/{slug}/edit")
def edit(
    slug: str,
    request: Request,
    archive: ArchiveDep,
    renderer: RendererDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    def command() -> None:
        archive.collections.edit(
            viewer.principal,
            slug,
            form_version(form),
            title=text(form, "title"),
            introduction=_raw(form, "introduction"),
        )

    return _change(request, archive, renderer, viewer, slug, command)


@router.post("/collections/{slug}/items")
def add_item(
    slug: str,
    request: Request,
    archive: ArchiveDep,
    renderer: RendererDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    def command() -> None:
        version, note = form_version(form), text(form, "note")
        if text(form, "url"):
            archive.collections.add_link(
                viewer.principal, slug, version, text(form, "url"), text(form, "title"), note
            )
            return
        archive.collections.add_artifact(
            viewer.principal, slug, version, _artifact_id(text(form, "artifact")), note
        )

    return _change(request, archive, renderer, viewer, slug, command)


def _artifact_id(value: str) -> UUID:
    """The artifact named by its id or by the address of its page."""
    last = value.rstrip("/").rsplit("/", 1)[-1]
    try:
        return UUID(last)
    except ValueError:
        raise InvalidInput(
            "Name the artifact by the address of its page or by its id.", field="artifact"
        ) from None


@router.post("/collections/{slug}/items/{item_id}/remove")
def remove_item(
    slug: str,
    item_id: str,
    request: Request,
    archive: ArchiveDep,
    renderer: RendererDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    def command() -> None:
        archive.collections.remove(viewer.principal, slug, form_version(form), item_id)

    return _change(request, archive, renderer, viewer, slug, command)


@router.post("/collections/{slug}/items/{item_id}/move")
def move_item(
    slug: str,
    item_id: str,
    request: Request,
    archive: ArchiveDep,
    renderer: RendererDep,
    viewer: ViewerDep,
    form: FormDep,
) -> Response:
    def command() -> None:
        version = form_version(form)
        found = archive.collections.load(slug)
        order = [item["id"] for item in found.items]
        if item_id not in order:
            raise VersionConflict("The item is no longer in the collection.")
        at = order.index(item_id)
        to = at - 1 if text(form, "direction") == "up" else at + 1
        if 0 <= to < len(order):
            order[at], order[to] = order[to], order[at]
        archive.collections.reorder(viewer.principal, slug, version, order)

    return _change(request, archive, renderer, viewer, slug, command)
