"""Editors' pages for convenings and their learning excursions: schedule, plan and edit.

The forms go through the Archive's own commands (``schedule_convening``,
``update_convening``, ``plan_excursion``, ``update_excursion``). An edit form carries
the version it was filled from, so a change someone saved in the meantime is not
overwritten: the form comes back with the reason, as any refused form does.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from domain.application import Archive
from services.api.deps import ArchiveDep
from services.api.web import catalogue_forms as forms
from services.api.web.form_pages import REFUSED, failure_of, form_page, require_editor, shown
from services.api.web.routes.common import FormDep, ViewerDep, page_router
from services.api.web.session import Viewer
from services.api.web.vocab import place_tree

router = page_router()
CONVENING_FIELDS = ("slug", "title", "place", "starts", "ends", "question", "summary")
EXCURSION_FIELDS = ("slug", "title", "host_place", "big_question", "date")


# -- convenings --------------------------------------------------------------------------


def _convening_form(
    request: Request,
    archive: Archive,
    viewer: Viewer,
    values: dict[str, Any],
    failure: dict[str, Any] | None = None,
    *,
    editing: dict[str, Any] | None = None,
) -> Response:
    context = {"values": values, "editing": editing, "places": place_tree(archive)}
    return form_page(request, viewer, "convening_form.html", context, failure)


def _typed_convening(form: FormData) -> dict[str, Any]:
    return {name: forms.field(form, name) for name in CONVENING_FIELDS}


@router.get("/catalogue/convenings/new")
def new_convening_page(request: Request, archive: ArchiveDep, viewer: ViewerDep) -> Response:
    require_editor(viewer, "schedule convenings")
    return _convening_form(request, archive, viewer, dict.fromkeys(CONVENING_FIELDS, ""))


@router.post("/catalogue/convenings/new")
def schedule_convening(
    request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    require_editor(viewer, "schedule convenings")
    try:
        data = forms.convening_data(form)
        archive.catalogue.schedule_convening(viewer.principal, data)
    except REFUSED as exc:
        typed = _typed_convening(form)
        return _convening_form(request, archive, viewer, typed, failure_of(exc))
    return RedirectResponse(f"/catalogue#convening-{data['slug']}", status_code=303)


@router.get("/catalogue/convenings/{slug}/edit")
def edit_convening_page(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    require_editor(viewer, "edit convenings")
    convening = archive.catalogue.get_convening(slug)
    values = shown(convening, CONVENING_FIELDS)
    return _convening_form(request, archive, viewer, values, editing=convening)


@router.post("/catalogue/convenings/{slug}/edit")
def update_convening(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    require_editor(viewer, "edit convenings")
    convening = archive.catalogue.get_convening(slug)  # 404 for one that does not exist
    try:
        data = forms.revised(forms.convening_data(form, slug=slug))
        version = forms.edited_version(form)
        archive.catalogue.update_convening(viewer.principal, slug, data, expected_version=version)
    except REFUSED as exc:
        typed = {**_typed_convening(form), "slug": slug}
        failure = failure_of(exc)
        return _convening_form(request, archive, viewer, typed, failure, editing=convening)
    return RedirectResponse(f"/catalogue#convening-{slug}", status_code=303)


# -- excursions --------------------------------------------------------------------------


def _excursion_form(
    request: Request,
    archive: Archive,
    viewer: Viewer,
    convening: dict[str, Any],
    values: dict[str, Any],
    failure: dict[str, Any] | None = None,
    *,
    editing: dict[str, Any] | None = None,
) -> Response:
    context = {
        "convening": convening,
        "convenings": archive.catalogue.list_convenings(),
        "editing": editing,
        "values": values,
        "places": place_tree(archive),
        "roles": forms.LEADER_ROLES,
    }
    return form_page(request, viewer, "excursion_form.html", context, failure)


def _typed_excursion(form: FormData) -> dict[str, Any]:
    typed: dict[str, Any] = {name: forms.field(form, name) for name in EXCURSION_FIELDS}
    names = [v for v in form.getlist("leader_name") if isinstance(v, str)]
    roles = [v for v in form.getlist("leader_role") if isinstance(v, str)]
    typed["leaders"] = [
        {"name": n, "role": r} for n, r in zip(names, roles, strict=False) if n.strip()
    ]
    return typed


@router.get("/catalogue/convenings/{slug}/excursions/new")
def new_excursion_page(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    require_editor(viewer, "plan excursions")
    convening = archive.catalogue.get_convening(slug)
    values: dict[str, Any] = dict.fromkeys(EXCURSION_FIELDS, "")
    values.update(date=convening["starts"], leaders=[])
    return _excursion_form(request, archive, viewer, convening, values)


@router.post("/catalogue/convenings/{slug}/excursions/new")
def plan_excursion(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    require_editor(viewer, "plan excursions")
    convening = archive.catalogue.get_convening(slug)
    try:
        data = forms.excursion_data(form, slug)
        archive.catalogue.plan_excursion(viewer.principal, data)
    except REFUSED as exc:
        typed = _typed_excursion(form)
        return _excursion_form(request, archive, viewer, convening, typed, failure_of(exc))
    return RedirectResponse(f"/catalogue#convening-{slug}", status_code=303)


@router.get("/catalogue/excursions/{slug}/edit")
def edit_excursion_page(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep
) -> Response:
    require_editor(viewer, "edit excursions")
    excursion = archive.catalogue.get_excursion(slug)
    convening = archive.catalogue.get_convening(excursion["convening"])
    values = {**shown(excursion, EXCURSION_FIELDS), "leaders": excursion["leaders"]}
    values["convening"] = excursion["convening"]
    return _excursion_form(request, archive, viewer, convening, values, editing=excursion)


@router.post("/catalogue/excursions/{slug}/edit")
def update_excursion(
    slug: str, request: Request, archive: ArchiveDep, viewer: ViewerDep, form: FormDep
) -> Response:
    require_editor(viewer, "edit excursions")
    excursion = archive.catalogue.get_excursion(slug)  # 404 for one that does not exist
    convening = archive.catalogue.get_convening(excursion["convening"])
    moved_to = forms.field(form, "convening") or excursion["convening"]
    try:
        data = forms.revised(forms.excursion_data(form, moved_to, slug=slug))
        version = forms.edited_version(form)
        archive.catalogue.update_excursion(viewer.principal, slug, data, expected_version=version)
    except REFUSED as exc:
        typed = {**_typed_excursion(form), "slug": slug, "convening": moved_to}
        failure = failure_of(exc)
        return _excursion_form(
            request, archive, viewer, convening, typed, failure, editing=excursion
        )
    return RedirectResponse(f"/catalogue#convening-{moved_to}", status_code=303)
