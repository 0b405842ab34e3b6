"""Everything the draft editor page shows besides the typed values."""

from __future__ import annotations

from typing import Any

from domain.access import Principal
from domain.app.search import SearchRequest, SearchService
from domain.application import Archive
from domain.artifact import missing_for_publication
from domain.history import content_diff
from domain.values import CONTRIBUTOR_ROLES, KINDS, LICENCES
from services.api.web import diffs
from services.api.web.forms import LICENCE_HELP, content_for
from services.api.web.presenting import PRIVATE_RENDERER, media_items
from services.api.web.vocab import framework_trees, place_names, place_tree, term_labels


def checklist(archive: Archive, values: dict[str, Any]) -> list[str]:
    """What publishing would still need (the domain's own checklist, alt text included)."""
    adapted = values.get("adapted_from") is not None
    return (
        missing_for_publication(values["kind"], values, adapted=adapted)
        + archive.content.unpublishable(values)
        + archive.artifacts.consent_missing(values)
    )


def presentation_options(search: SearchService, principal: Principal) -> list[dict[str, Any]]:
    request = SearchRequest(kind=("presentation-of-learning",), sort="newest", per_page=100)
    hits = search.search(principal, request)["hits"]
    return [{"id": h["id"], "title": h["title"]} for h in hits]


def editor_context(
    archive: Archive,
    search: SearchService,
    principal: Principal,
    values: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    kind = values["kind"]
    frameworks = framework_trees(archive)
    stages = [
        {"key": f"{f.id}:{s['id']}", "label": f"{s['label']} ({f.name})"}
        for f in frameworks
        for s in f.stages
    ]
    context = {
        "values": values,
        "kind_fields": KINDS[kind].fields,
        "frameworks": frameworks,
        "stages": stages,
        "places": place_tree(archive),
        "convenings": archive.catalogue.list_convenings(),
        "excursions": archive.catalogue.list_excursions(),
        "licences": LICENCES,
        "licence_help": LICENCE_HELP,
        "roles": CONTRIBUTOR_ROLES,
        "presentation_options": presentation_options(search, principal)
        if "presentations" in KINDS[kind].fields
        else [],
        "media": media_items(values, public=False),
        "checklist": checklist(archive, values),
        "adapted": values.get("adapted_from") is not None,
        "preview_html": None,
        "error": None,
        "error_field": None,
        "conflict": None,
        "notice": None,
    }
    context.update(extra)
    return context


def preview(values: dict[str, Any]) -> str:
    return PRIVATE_RENDERER.render(values.get("body") or "")


def conflict(archive: Archive, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What someone else's change made the draft, next to what this person typed."""
    adapted = current.get("adapted_from") is not None
    theirs = content_for(current["kind"], current, adapted=adapted)
    yours = content_for(current["kind"], values, adapted=adapted)
    diff = content_diff(theirs, yours, current["version"], current["version"])
    labels = term_labels(archive)
    places = place_names(archive)
    return {
        "version": current["version"],
        "fields": diffs.field_changes(diff["fields"], labels, places),
        "lines": diffs.body_lines(diff["body_diff"]),
        "body_changed": diff["body_changed"],
    }
