"""The search page's state: read from the URL (so a search can be shared), turned
into a search request, and back into links that add or remove one filter."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from domain.app.search import SearchRequest, parse_near
from domain.errors import InvalidInput
from domain.ports.search import DEFAULT_FACET_LIMIT, MORE
from services.api.web import worldmap

PER_PAGE = 10
SORTS = ("relevance", "newest", "distance")
MULTI = ("principle", "term", "place", "kind")
DEFAULT_RADIUS_KM = 100.0  # the radius the form offers first


@dataclass(frozen=True)
class SearchState(SearchRequest):
    """The search page's search: the one ``SearchRequest`` type, read from the URL, with
    the links that change it. The page asks for ``PER_PAGE`` hits and capped facets."""

    per_page: int = PER_PAGE
    facet_limit: int | None = DEFAULT_FACET_LIMIT
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    # -- reading the URL -----------------------------------------------------

    @classmethod
    def from_query(cls, params: QueryParams, lang: str | None = None) -> SearchState:
        """The search in the URL; ``lang``: the page's language, the query's unless the URL
        says otherwise (its words are stemmed in it and its artifacts come first)."""

        def one(name: str) -> str | None:
            value = (params.get(name) or "").strip()
            return value or None

        def number(name: str, low: int, high: int) -> int | None:
            value = one(name)
            if value is None:
                return None
            if not value.isdigit() or not low <= int(value) <= high:
                raise InvalidInput(f"{name} must be a whole number from {low} to {high}.")
            return int(value)

        radius = one("radius_km")
        try:
            radius_km = float(radius) if radius else None
        except ValueError:
            raise InvalidInput("radius_km must be a number of kilometres.") from None
        near = _near(one("near"), one("point"))
        if radius_km is not None and not 0 < radius_km <= 20000:
            raise InvalidInput("radius_km must be between 0 and 20000.")
        sort = one("sort") or "relevance"
        if sort not in SORTS or (sort == "distance" and not near):
            sort = "relevance"
        return cls(
            q=(params.get("q") or "").strip()[:500],
            principle=_many(params, "principle"),
            term=_many(params, "term"),
            place=_many(params, "place"),
            kind=_many(params, "kind"),
            convening=one("convening"),
            language=one("language"),
            lang=lang,
            year_from=number("year_from", 1900, 2200),
            year_to=number("year_to", 1900, 2200),
            near=near,
            radius_km=radius_km if near else None,
            sort=sort,
            page=number("page", 1, 1000) or 1,
            more=one("more") if one("more") in MORE else None,
        )

    # -- asking the search service --------------------------------------------

    def request(self, per_page: int = PER_PAGE) -> SearchRequest:
        return replace(self, per_page=per_page)

    @property
    def filtered(self) -> bool:
        return bool(
            self.terms
            or self.place
            or self.kind
            or self.convening
            or self.language
            or self.year_from
            or self.year_to
            or self.near
        )

    @property
    def empty(self) -> bool:
        return not self.q and not self.filtered

    # -- writing URLs ----------------------------------------------------------

    def pairs(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if self.q:
            found.append(("q", self.q))
        for name in MULTI:
            found += [(name, value) for value in getattr(self, name)]
        for name in ("convening", "language", "year_from", "year_to", "near", "radius_km"):
            value = getattr(self, name)
            if value is not None:
                found.append((name, _text(value)))
        if self.sort != "relevance":
            found.append(("sort", self.sort))
        if self.page > 1:
            found.append(("page", str(self.page)))
        if self.more:
            found.append(("more", self.more))
        return found

    def url(self, **changes: Any) -> str:
        state = replace(self, **changes)
        pairs = state.pairs()
        return "/search" + ("?" + urlencode(pairs) if pairs else "")

    def has(self, name: str, value: str) -> bool:
        current = getattr(self, name)
        return value in current if isinstance(current, tuple) else current == value

    def toggle(self, name: str, value: str) -> str:
        """The URL with this filter added, or removed if it is there; back to page 1."""
        current = getattr(self, name)
        if isinstance(current, tuple):
            changed: Any = (
                tuple(v for v in current if v != value) if value in current else (*current, value)
            )
        else:
            changed = None if current == value else value
        return self.url(**{name: changed, "page": 1})

    def year_url(self, year: int) -> str:
        if self.year_from == year and self.year_to == year:
            return self.url(year_from=None, year_to=None, page=1)
        return self.url(year_from=year, year_to=year, page=1)

    def page_url(self, page: int) -> str:
        return self.url(page=page)


def _near(near: str | None, point: str | None) -> str | None:
    """The point to search near, as LAT,LNG. The form sends near=point with the point
    typed or picked on the map in ``point``; a point typed with "Anywhere" chosen counts
    too, and a place chosen from the list wins over it."""
    if near == "point" or (near is None and point):
        near = point
    if not near:
        return None
    near = near.replace(" ", "")
    parse_near(near)
    return near


def near_map(state: SearchState) -> worldmap.Map:
    """The map to pick a point on: around the chosen point, with its radius drawn, or the
    whole world when no point is chosen."""
    if state.near:
        lat, lng = parse_near(state.near)
        radius = state.radius_km or DEFAULT_RADIUS_KM
        return worldmap.picker((lat, lng), max(40.0, radius * 3), radius_km=radius)
    return worldmap.picker(None)


def _many(params: QueryParams, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in params.getlist(name) if v.strip()))[:20]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pages(current: int, total: int, per_page: int = PER_PAGE) -> list[int | None]:
    """Page numbers to offer, with None where a gap is: 1 … 4 5 6 … 12."""
    last = max(1, -(-total // per_page))
    wanted = {1, last, current - 1, current, current + 1}
    shown = sorted(p for p in wanted if 1 <= p <= last)
    found: list[int | None] = []
    for page in shown:
        if found and page - (found[-1] or 0) > 1:
            found.append(None)
        found.append(page)
    return found
