"""Facets for the search page: values with their counts, as links that toggle a filter.

The search answers the most frequent values of each facet (and the selected ones);
a group that may have more offers a link that asks for that facet in full.

Titles and hints are English message ids (marked with ``N_``); the template
translates them into the page's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babel.core import UnknownLocaleError

from domain.application import Archive
from domain.ports.search import DEFAULT_FACET_LIMIT
from services.api.web.i18n import N_, own_name
from services.api.web.searching import SearchState
from services.api.web.templating import kind_label
from services.api.web.vocab import PRINCIPLES, FrameworkTree, convening_titles, place_names


@dataclass
class FacetValue:
    label: str
    count: int
    selected: bool
    url: str
    children: list[FacetValue] = field(default_factory=list)


@dataclass
class FacetGroup:
    id: str
    title: str
    values: list[FacetValue]
    hint: str = ""
    more_url: str = ""  # the same search with this group's every value

    @property
    def has_selection(self) -> bool:
        return any(v.selected or any(c.selected for c in v.children) for v in self.values)


def facet_groups(
    archive: Archive,
    state: SearchState,
    facets: dict[str, Any],
    frameworks: list[FrameworkTree],
) -> list[FacetGroup]:
    groups = [_framework_group(state, facets, f) for f in frameworks]
    groups.append(_place_group(archive, state, facets))
    kinds = {k["kind"]: k["count"] for k in facets.get("kinds", [])}
    groups.append(
        FacetGroup(
            "kind",
            N_("Kinds"),
            [
                FacetValue(kind_label(k), n, state.has("kind", k), state.toggle("kind", k))
                for k, n in _with_selected(kinds, state.kind)
            ],
        )
    )
    years = {int(y["year"]): y["count"] for y in facets.get("years", [])}
    chosen = state.year_from if state.year_from == state.year_to else None
    if chosen is not None:
        years.setdefault(chosen, 0)
    groups.append(
        FacetGroup(
            "year",
            N_("Years"),
            [
                FacetValue(str(y), n, chosen == y, state.year_url(y))
                for y, n in sorted(years.items(), reverse=True)
            ],
        )
    )
    titles = convening_titles(archive)
    convenings = {c["convening"]: c["count"] for c in facets.get("convenings", [])}
    selected = (state.convening,) if state.convening else ()
    groups.append(
        FacetGroup(
            "convening",
            N_("Convenings"),
            [
                FacetValue(
                    titles.get(c, c), n, state.has("convening", c), state.toggle("convening", c)
                )
                for c, n in _with_selected(convenings, selected)
            ],
        )
    )
    groups.append(_language_group(state, facets))
    for group in groups:
        facet = MORE_OF.get(group.id, "frameworks")
        if state.more != facet and _shown(group.values) >= DEFAULT_FACET_LIMIT:
            group.more_url = state.url(more=facet)
    return [g for g in groups if g.values]


MORE_OF = {
    "place": "places",
    "kind": "kinds",
    "year": "years",
    "convening": "convenings",
    "language": "languages",
}


def language_name(code: str) -> str:
    """A language's name in itself (English, Español); an unknown tag as written."""
    try:
        return own_name(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):  # a tag Babel does not know: as written
        return code


def _language_group(state: SearchState, facets: dict[str, Any]) -> FacetGroup:
    """The artifacts' languages, each named in itself (English, Español)."""
    counts = {v["language"]: v["count"] for v in facets.get("languages", [])}
    selected = (state.language,) if state.language else ()
    values = [
        FacetValue(
            language_name(code), n, state.has("language", code), state.toggle("language", code)
        )
        for code, n in _with_selected(counts, selected)
    ]
    return FacetGroup("language", N_("Languages"), values)


def _shown(values: list[FacetValue]) -> int:
    """The most values shown on one level of a group (each level is capped on its own)."""
    most = len(values)
    for value in values:
        most = max(most, _shown(value.children))
    return most


def _with_selected(counts: dict[str, int], selected: tuple[str, ...]) -> list[tuple[str, int]]:
    merged = dict(counts)
    for value in selected:
        merged.setdefault(value, 0)
    return list(merged.items())


def _framework_group(
    state: SearchState, facets: dict[str, Any], framework: FrameworkTree
) -> FacetGroup:
    counts = {v["term"]: v["count"] for v in facets.get("frameworks", {}).get(framework.id, [])}
    is_principle = framework.id == PRINCIPLES

    def value(node: Any) -> FacetValue | None:
        name, param = ("principle", node.id) if is_principle else ("term", node.key)
        selected = state.has(name, param) or (is_principle and state.has("term", node.key))
        count = counts.get(node.key, 0)
        children = [v for v in (value(c) for c in node.children) if v is not None]
        if not (count or selected or children):
            return None
        return FacetValue(node.label, count, selected, state.toggle(name, param), children)

    values = [v for v in (value(t) for t in framework.terms) if v is not None]
    hint = (
        N_("A condition's count includes what is tagged with its competencies.")
        if any(v.children for v in values)
        else ""
    )
    return FacetGroup(framework.id, framework.name, values, hint)


def _place_group(archive: Archive, state: SearchState, facets: dict[str, Any]) -> FacetGroup:
    entries = {p["place"]: p for p in facets.get("places", [])}
    names = place_names(archive)
    for slug in state.place:
        if slug not in entries and slug in names:
            record = archive.catalogue.get_place_record(slug)
            entries[slug] = {
                "place": slug,
                "name": names[slug],
                "parent": record.parent if record else None,
                "count": 0,
            }
    nodes = {
        slug: FacetValue(
            e["name"], e["count"], state.has("place", slug), state.toggle("place", slug)
        )
        for slug, e in entries.items()
    }
    tops: list[FacetValue] = []
    for slug, entry in sorted(entries.items(), key=lambda item: item[1]["name"]):
        parent = nodes.get(entry.get("parent") or "")
        (parent.children if parent else tops).append(nodes[slug])
    return FacetGroup("place", N_("Places"), tops, N_("A place includes everything inside it."))
