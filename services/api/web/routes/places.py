"""Editors' pages for the catalogue: the overview, and adding and editing places (a point
typed or picked on the map). Convenings and excursions have theirs in ``convenings``.

Every form carries the CSRF token and goes through the same Archive commands as the
API (``register_place``, ``update_place``); a refused form comes back filled in, with
the reason and the field to fix.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from domain.application import Archive
from domain.catalogue import PLACE_KINDS
from services.api.deps import ArchiveDep
from services.api.web import catalogue_forms as forms
from services.api.web import worldmap
from services.api.web.form_pages import REFUSED, failure_of, form_page, require_editor, shown
from services.api.web.routes.common import FormDep, ViewerDep, page_router
from services.api.web.session import Viewer
from services.api.web.templating import render
from services.api.web.vocab import place_tree

router = page_router()


@router.get("/catalogue")
def catalogue_page(request: Request, archive: ArchiveDep, viewer: ViewerDep) -> Response:
    """Places, convenings and their excursions, with links to add and edit them."""
    require_editor(viewer, "manage places and convenings")
    convenings = [
        archive.catalogue.get_convening(c["slug"]) for c in archive.catalogue.list_convenings()
    ]
    context = {"places": place_tree(archive), "convenings": convenings}
    return render(request, viewer, "catalogue.html", context)


# -- places ------------------------------------------------------------------------------


def _place_form(
    request: Request,
    archive: Archive,
    viewer: Viewer,
    values: dict[str, Any],
    *,
    editing: str | None = None,
    failure: dict[str, Any] | None = None,
) -> Response:
    context = {
        "values": values,
        "editing": editing,
        "kinds": PLACE_KINDS,
        "places": [p for p in place_tree(archive) if p.slug != editing],
        "picker": _picker(archive, values),
    }
    return form_page(request, viewer, "place_form.html", context, failure)


@router.get("/catalogue/places/new")
def new_place_page(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, parent: str = ""
) -> Response:
    require_editor(viewer, "add places")
    values = {"slug": "", "name": "", "kind": "school", "parent": parent, "lat": "", "lon": ""}
    return _place_form(request, archive, viewer, values)


@router.post("/catalogue/places/new")
def add_place(request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    require_editor(viewer, "add places")
    try:
        data = forms.place_data(form)
        data["slug"] = forms.new_slug(form, data["name"])
        archive.catalogue.register_place(viewer.principal, data)
    except REFUSED as exc:
        return _place_form(request, archive, viewer, _typed(form), failure=failure_of(exc))
    return RedirectResponse(f"/places/{data['slug']}", status_code=303)


@router.get("/places/{slug}/edit")
def edit_place_page(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    require_editor(viewer, "edit places")
    place = archive.catalogue.get_place(slug)
    values = shown(place, ("name", "kind", "parent"))
    values.update(slug=slug, lat=_coordinate(place["lat"]), lon=_coordinate(place["lon"]))
    return _place_form(request, archive, viewer, values, editing=slug)


@router.post("/places/{slug}/edit")
def update_place(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    require_editor(viewer, "edit places")
    archive.catalogue.get_place(slug)  # 404 for a place that does not exist
    try:
        archive.catalogue.update_place(viewer.principal, slug, forms.place_data(form))
    except REFUSED as exc:
        values = {**_typed(form), "slug": slug}
        return _place_form(request, archive, viewer, values, editing=slug, failure=failure_of(exc))
    return RedirectResponse(f"/places/{slug}", status_code=303)


# How wide the map to pick a point is, by the kind of place it is centred on.
SPAN_KM = {"country": 3000.0, "region": 900.0, "city": 60.0, "district": 40.0, "trust": 60.0}


def _picker(archive: Archive, values: dict[str, Any]) -> worldmap.Map:
    """The map to pick a point on: around the point typed, else the nearest place outside."""
    try:
        here = float(values["lat"]), float(values["lon"])
        return worldmap.picker(here, SPAN_KM.get(str(values.get("kind")), 15.0))
    except (KeyError, TypeError, ValueError):
        pass
    slug = values.get("parent") or ""
    chain = [*archive.catalogue.place_ancestors(slug), archive.catalogue.get_place_record(slug)]
    for place in reversed(chain):
        if place is not None and place.lat is not None and place.lon is not None:
            return worldmap.picker((place.lat, place.lon), SPAN_KM.get(place.kind, 15.0))
    return worldmap.picker(None)


def _typed(form: FormData) -> dict[str, str]:
    names = ("slug", "name", "kind", "parent", "lat", "lon")
    return {name: forms.field(form, name) for name in names}


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")
