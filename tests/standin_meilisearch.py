"""A Meilisearch stand-in: a small, real HTTP server that behaves like Meilisearch.

No Meilisearch server can be installed where the test suite runs, so the search adapter is
tested against this stand-in instead. It is NOT Meilisearch: it implements, over loopback
HTTP, the documented endpoints the adapter and the official ``meilisearch`` Python client
use, with Meilisearch-shaped JSON (field names, task objects, error objects with ``message``,
``code``, ``type`` and ``link``) and Meilisearch's observable behaviour where it matters to
an adapter:

* every write is an asynchronous task: ``202`` with a summarised task, then a single
  background worker moves it ``enqueued`` -> ``processing`` -> ``succeeded`` / ``failed``;
* documents are added or replaced whole (``POST``) or merged (``PUT``) under a primary key
  that is given, already set, or inferred; realistic task failures (``missing_document_id``,
  ``index_primary_key_already_exists``, ``index_not_found``, ...);
* search: typo-tolerant, prefix-aware matching, the documented filter grammar, facets,
  sort (including ``_geoPoint``), both pagination modes, highlighting and cropping.

Known differences from Meilisearch (keep tests away from them):

* ranking approximates the bucket sort: each built-in rule is computed per document
  (proximity is simplified, ``_rankingScore`` is only roughly comparable); placeholder
  searches keep insertion order;
* tokenisation is "runs of Unicode letters and digits", lowercased with diacritics folded;
  no language-specific segmentation, no splitting/concatenation of query words (n-grams),
  no ``separatorTokens``/``dictionary`` effect;
* ``localizedAttributes`` and the search parameter ``locales`` are checked (the shape, and
  locales from a subset of the documented list, ``KNOWN_LOCALES``) and stored, but change
  nothing: every language is tokenised the same way (as Meilisearch does for Latin scripts);
* one task per batch (no auto-batching); only ``enqueued`` tasks can be canceled;
* endpoints it does not implement (keys, dumps, snapshots, facet search, similar documents,
  vector/hybrid and federated search, CSV/NDJSON payloads) answer ``501 not_implemented``
  and log a warning, so a test never silently relies on them.

Usage::

    with MeilisearchStandIn(api_key="master") as server:
        client = meilisearch.Client(server.url, "master")
        ...
        assert server.requests[-1].path == "/indexes/stories/search"
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import logging
import math
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["MeilisearchStandIn", "RecordedRequest"]

logger = logging.getLogger(__name__)

Json = Any

STANDIN_VERSION = "1.15.0"
ERRORS_LINK = "https://docs.meilisearch.com/errors#"
EARTH_RADIUS_METRES = 6_371_000.0
DEFAULT_RANKING_RULES = ["words", "typo", "proximity", "attribute", "sort", "exactness"]
BUILT_IN_RULES = frozenset(
    {
        "words",
        "typo",
        "proximity",
        "attribute",
        "sort",
        "exactness",
        "attributeRank",
        "wordPosition",
    }
)
MAX_QUERY_WORDS = 10
CROP_MARKER = "\u2026"


def _default_settings() -> dict[str, Json]:
    return {
        "displayedAttributes": ["*"],
        "searchableAttributes": ["*"],
        "filterableAttributes": [],
        "sortableAttributes": [],
        "rankingRules": list(DEFAULT_RANKING_RULES),
        "stopWords": [],
        "nonSeparatorTokens": [],
        "separatorTokens": [],
        "dictionary": [],
        "synonyms": {},
        "distinctAttribute": None,
        "proximityPrecision": "byWord",
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnWords": [],
            "disableOnAttributes": [],
            "disableOnNumbers": False,
        },
        "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "alpha"}},
        "pagination": {"maxTotalHits": 1000},
        "embedders": {},
        "searchCutoffMs": None,
        "localizedAttributes": None,
        "facetSearch": True,
        "prefixSearch": "indexingTime",
    }


SETTING_NAMES = tuple(_default_settings())
OBJECT_SETTINGS = frozenset({"typoTolerance", "faceting", "pagination", "embedders"})


# ----------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso_duration(start: datetime, end: datetime) -> str:
    return f"PT{(end - start).total_seconds():.6f}S"


def _compact_json(value: Json) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _kebab(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _is_number(value: Json) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_text(value: float | int) -> str:
    """A JSON number as Meilisearch prints it in ``_formatted`` and facet keys."""
    if isinstance(value, int):
        return str(value)
    return repr(value)


def _facet_number_key(value: float | int) -> str:
    """Facet values are f64 in Meilisearch: ``2019`` and ``2019.0`` both print as ``2019``."""
    as_float = float(value)
    if as_float.is_integer():
        return str(int(as_float))
    return repr(as_float)


def _parse_finite_float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def normalize_word(text: str) -> str:
    """Lowercase and fold diacritics (NFKD, combining marks dropped), like Meilisearch's tokens."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def normalize_facet(text: str) -> str:
    """Facet normalisation of Meilisearch (milli ``normalize_facet``): trim, NFKD, lowercase."""
    return unicodedata.normalize("NFKD", text.strip()).lower()


_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Token:
    norm: str
    start: int
    end: int
    position: int


def _tokenize(text: str, first_position: int = 0) -> list[_Token]:
    return [
        _Token(normalize_word(match.group()), match.start(), match.end(), first_position + i)
        for i, match in enumerate(_WORD_RE.finditer(text))
    ]


def _original_prefix_end(text: str, token: _Token, normalized_chars: int) -> int:
    """Index in ``text`` where the first ``normalized_chars`` of the token's normal form end."""
    count = 0
    for index in range(token.start, token.end):
        count += len(normalize_word(text[index]))
        if count >= normalized_chars:
            return index + 1
    return token.end


def _scalar_text(value: Json) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    return None


@dataclass
class _Flat:
    """A document flattened the way Meilisearch flattens it for filters and facets."""

    raw: dict[str, list[Json]] = field(default_factory=dict)
    leaves: dict[str, list[Json]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


def _flatten(document: dict[str, Json]) -> _Flat:
    flat = _Flat()

    def walk(value: Json, path: str, record_raw: bool) -> None:
        if record_raw:
            flat.raw.setdefault(path, []).append(value)
            if path not in flat.leaves:
                flat.leaves[path] = []
                flat.order.append(path)
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}", True)
        elif isinstance(value, list):
            for item in value:
                walk(item, path, False)
        elif value is not None:
            flat.leaves.setdefault(path, []).append(value)

    for key, value in document.items():
        walk(value, key, True)
    return flat


def _haversine(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres, as Meilisearch computes it (geoutils, R = 6371 km)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    hav = (1 - math.cos(dphi)) / 2 + math.cos(phi1) * math.cos(phi2) * (1 - math.cos(dlambda)) / 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(min(1.0, max(0.0, hav))))


def _geo_point(document: dict[str, Json]) -> tuple[float, float] | None:
    geo = document.get("_geo")
    if not isinstance(geo, dict):
        return None
    try:
        return float(geo["lat"]), float(geo["lng"])
    except (KeyError, TypeError, ValueError):
        return None


def _attribute_matches(name: str, pattern: str) -> bool:
    """Whether attribute ``name`` is covered by a settings entry ``pattern``.

    Exact names, parents (``author`` covers ``author.name``) and ``*`` wildcards at either end
    (``*``, ``doggos.*``, ``*_id``).
    """
    if pattern == "*" or name == pattern or name.startswith(pattern + "."):
        return True
    if "*" in pattern:
        regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"
        return re.match(regex, name) is not None
    return False


# ----------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------

_ERROR_TYPES = {
    "internal": "internal",
    "index_creation_failed": "internal",
    "invalid_api_key": "auth",
    "missing_authorization_header": "auth",
    "missing_master_key": "auth",
    "io_error": "system",
    "no_space_left_on_device": "system",
    "too_many_open_files": "system",
}


def error_type_for(code: str) -> str:
    return _ERROR_TYPES.get(code, "invalid_request")


def error_object(code: str, message: str, error_type: str | None = None) -> dict[str, str]:
    return {
        "message": message,
        "code": code,
        "type": error_type or error_type_for(code),
        "link": ERRORS_LINK + code,
    }


class ApiError(Exception):
    """An error answered synchronously, with Meilisearch's status and error object."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, str]:
        return error_object(self.code, self.message)


class TaskError(Exception):
    """An error that makes a task end ``failed``."""

    def __init__(self, code: str, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.error_type = error_type

    def body(self) -> dict[str, str]:
        return error_object(self.code, self.message, self.error_type)


def _index_not_found(uid: str) -> ApiError:
    return ApiError(404, "index_not_found", f"Index `{uid}` not found.")


def _bad_type(code: str, where: str, expected: str, value: Json) -> ApiError:
    negative = isinstance(value, int) and not isinstance(value, bool) and value < 0
    kind = (
        "a negative integer"
        if negative
        else {
            str: "a string",
            bool: "a boolean",
            int: "an integer",
            float: "a number",
            list: "an array",
            dict: "an object",
            type(None): "null",
        }.get(type(value), "a value")
    )
    return ApiError(
        400,
        code,
        f"Invalid value type at `{where}`: expected {expected}, but found {kind}: "
        f"`{_compact_json(value)}`",
    )


def _unknown_field(name: str, allowed: Sequence[str], where: str = "") -> ApiError:
    expected = ", ".join(f"`{item}`" for item in allowed)
    location = f" inside `{where}`" if where else ""
    return ApiError(
        400, "bad_request", f"Unknown field `{name}`{location}: expected one of {expected}"
    )


# ----------------------------------------------------------------------------------------
# Filter expressions
# ----------------------------------------------------------------------------------------

_FILTER_KEYWORDS = frozenset(
    {
        "AND",
        "OR",
        "IN",
        "NOT",
        "TO",
        "EXISTS",
        "IS",
        "NULL",
        "EMPTY",
        "CONTAINS",
        "STARTS",
        "WITH",
        "_geoRadius",
        "_geoBoundingBox",
    }
)
_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_OPERATORS = ("!=", ">=", "<=", "=", ">", "<")
_PRIMARY_EXPECTED = (
    "Was expecting an operation `=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, "
    "`EXISTS`, `NOT EXISTS`, `IS NULL`, `IS NOT NULL`, `IS EMPTY`, `IS NOT EMPTY`, "
    "`CONTAINS`, `NOT CONTAINS`, `STARTS WITH`, `NOT STARTS WITH`, `_geoRadius`, or "
    "`_geoBoundingBox`"
)


def _is_value_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-."


def _is_syntax_char(ch: str) -> bool:
    return ch.isspace() or ch in "()=<>!"


@dataclass(frozen=True)
class FilterSpan:
    source: str
    start: int
    end: int

    def describe(self) -> str:
        return f"{self.start + 1}:{self.end + 1} {self.source}"


@dataclass(frozen=True)
class FilterCondition:
    fid: str
    span: FilterSpan
    op: str  # = != > >= < <= TO EXISTS NULL EMPTY CONTAINS STARTS_WITH
    value: str | None = None
    upper: str | None = None


@dataclass(frozen=True)
class FilterIn:
    fid: str
    span: FilterSpan
    values: tuple[str, ...]


@dataclass(frozen=True)
class FilterNot:
    child: FilterNode


@dataclass(frozen=True)
class FilterAnd:
    children: tuple[FilterNode, ...]


@dataclass(frozen=True)
class FilterOr:
    children: tuple[FilterNode, ...]


@dataclass(frozen=True)
class FilterGeoRadius:
    lat: float
    lng: float
    radius: float
    span: FilterSpan


@dataclass(frozen=True)
class FilterGeoBox:
    top: float
    right: float
    bottom: float
    left: float
    span: FilterSpan


FilterNode = (
    FilterCondition | FilterIn | FilterNot | FilterAnd | FilterOr | FilterGeoRadius | FilterGeoBox
)


class FilterSyntaxError(Exception):
    def __init__(self, message: str, span: FilterSpan) -> None:
        super().__init__(message)
        self.message = message
        self.span = span

    def describe(self) -> str:
        return f"{self.message}\n{self.span.describe()}"


_UNESCAPES = {
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "'": "'",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "0": "\0",
}


def _unescape(text: str) -> str | None:
    """Rust-style unescaping (the ``unescaper`` crate Meilisearch uses); ``None`` if malformed."""
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch != "\\":
            out.append(ch)
            index += 1
            continue
        if index + 1 >= len(text):
            return None
        nxt = text[index + 1]
        if nxt in _UNESCAPES:
            out.append(_UNESCAPES[nxt])
            index += 2
        elif nxt == "u":
            match = re.match(r"\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4})", text[index + 2 :])
            if not match:
                return None
            out.append(chr(int(match.group(1) or match.group(2), 16)))
            index += 2 + match.end()
        elif nxt == "x":
            match = re.match(r"[0-9a-fA-F]{2}", text[index + 2 :])
            if not match:
                return None
            out.append(chr(int(match.group(), 16)))
            index += 4
        else:
            return None
    return "".join(out)


class FilterParser:
    """Recursive-descent parser for Meilisearch's filter grammar (filter-parser crate)."""

    def __init__(self, source: str, contains_enabled: bool = False) -> None:
        self.source = source
        self.pos = 0
        self.contains_enabled = contains_enabled

    # -- entry point ---------------------------------------------------------------------

    def parse(self) -> FilterNode | None:
        if not self.source.strip():
            return None
        node = self._or(0)
        self._skip_ws()
        if self.pos < len(self.source):
            rest = self.source[self.pos :]
            raise FilterSyntaxError(
                f"Found unexpected characters at the end of the filter: `{rest}`. "
                "You probably forgot an `OR` or an `AND` rule.",
                self._span(self.pos, len(self.source)),
            )
        return node

    # -- lexing helpers ------------------------------------------------------------------

    def _span(self, start: int, end: int) -> FilterSpan:
        return FilterSpan(self.source, start, end)

    def _skip_ws(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def _peek_word(self) -> tuple[str, int, int]:
        self._skip_ws()
        end = self.pos
        while end < len(self.source) and _is_value_char(self.source[end]):
            end += 1
        return self.source[self.pos : end], self.pos, end

    def _take_word(self, word: str) -> bool:
        found, _, end = self._peek_word()
        if found == word:
            self.pos = end
            return True
        return False

    def _error_word(self, start: int) -> FilterSpan:
        end = start
        while end < len(self.source) and not _is_syntax_char(self.source[end]):
            end += 1
        return self._span(start, end)

    # -- grammar -------------------------------------------------------------------------

    def _or(self, depth: int) -> FilterNode:
        self._check_depth(depth)
        children = [self._and(depth + 1)]
        while self._take_word("OR"):
            children.append(self._and(depth + 1))
        return children[0] if len(children) == 1 else FilterOr(tuple(children))

    def _and(self, depth: int) -> FilterNode:
        self._check_depth(depth)
        children = [self._not(depth + 1)]
        while self._take_word("AND"):
            children.append(self._not(depth + 1))
        return children[0] if len(children) == 1 else FilterAnd(tuple(children))

    def _not(self, depth: int) -> FilterNode:
        self._check_depth(depth)
        if self._take_word("NOT"):
            inner = self._not(depth + 1)
            return inner.child if isinstance(inner, FilterNot) else FilterNot(inner)
        return self._primary(depth + 1)

    def _check_depth(self, depth: int) -> None:
        if depth > 2000:
            raise FilterSyntaxError(
                "The filter exceeded the maximum depth limit. Try rewriting the filter so that "
                "it contains fewer nested conditions.",
                self._span(self.pos, len(self.source)),
            )

    def _primary(self, depth: int) -> FilterNode:
        self._skip_ws()
        start = self.pos
        if self.pos < len(self.source) and self.source[self.pos] == "(":
            self.pos += 1
            node = self._or(depth + 1)
            self._skip_ws()
            if self.pos >= len(self.source) or self.source[self.pos] != ")":
                raise FilterSyntaxError(
                    f"Expression `{self.source[start:]}` is missing the following closing "
                    "delimiter: `)`.",
                    self._span(start, len(self.source)),
                )
            self.pos += 1
            return node
        word, word_start, word_end = self._peek_word()
        if word == "_geoRadius":
            return self._geo_radius(word_end)
        if word == "_geoBoundingBox":
            return self._geo_box(word_end)
        if word in ("_geoPoint", "_geoDistance", "_geo"):
            raise FilterSyntaxError(
                f"`{word}` is a reserved keyword and thus can't be used as a filter expression. "
                "Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox("
                "[latitude, longitude], [latitude, longitude])` built-in rules to filter on "
                "`_geo` coordinates.",
                self._span(word_start, word_end),
            )
        fid, fid_span = self._value(for_fid=True)
        return self._condition(fid, fid_span)

    def _condition(self, fid: str, span: FilterSpan) -> FilterNode:
        self._skip_ws()
        for operator in _OPERATORS:
            if self.source.startswith(operator, self.pos):
                self.pos += len(operator)
                value, _ = self._value()
                return FilterCondition(fid, span, operator, value)
        word, _, word_end = self._peek_word()
        if word == "IN":
            self.pos = word_end
            return FilterIn(fid, span, self._in_list())
        if word == "EXISTS":
            self.pos = word_end
            return FilterCondition(fid, span, "EXISTS")
        if word == "IS":
            self.pos = word_end
            negated = self._take_word("NOT")
            what, _, what_end = self._peek_word()
            if what not in ("NULL", "EMPTY"):
                raise FilterSyntaxError(
                    f"{_PRIMARY_EXPECTED} at `{self.source[span.start :]}`.",
                    self._span(span.start, len(self.source)),
                )
            self.pos = what_end
            node: FilterNode = FilterCondition(fid, span, what)
            return FilterNot(node) if negated else node
        if word == "NOT":
            self.pos = word_end
            inner = self._condition_after_not(fid, span)
            return FilterNot(inner)
        if word in ("CONTAINS", "STARTS"):
            self.pos = word_end
            return self._contains(fid, span, word)
        quoted = self.source[self.pos : self.pos + 1] in ("'", '"')
        if quoted or (word and word not in _FILTER_KEYWORDS):
            save = self.pos
            lower, _ = self._value()
            if self._take_word("TO"):
                upper, _ = self._value()
                return FilterCondition(fid, span, "TO", lower, upper)
            self.pos = save
        rest = self.source[span.start :]
        raise FilterSyntaxError(
            f"{_PRIMARY_EXPECTED} at `{rest}`.", self._span(span.start, len(self.source))
        )

    def _condition_after_not(self, fid: str, span: FilterSpan) -> FilterNode:
        word, _, word_end = self._peek_word()
        if word == "IN":
            self.pos = word_end
            return FilterIn(fid, span, self._in_list())
        if word == "EXISTS":
            self.pos = word_end
            return FilterCondition(fid, span, "EXISTS")
        if word in ("CONTAINS", "STARTS"):
            self.pos = word_end
            return self._contains(fid, span, word)
        rest = self.source[span.start :]
        raise FilterSyntaxError(
            f"{_PRIMARY_EXPECTED} at `{rest}`.", self._span(span.start, len(self.source))
        )

    def _contains(self, fid: str, span: FilterSpan, word: str) -> FilterNode:
        if word == "STARTS" and not self._take_word("WITH"):
            raise FilterSyntaxError(
                f"{_PRIMARY_EXPECTED} at `{self.source[span.start :]}`.",
                self._span(span.start, len(self.source)),
            )
        if not self.contains_enabled:
            raise FilterSyntaxError(
                "Using `CONTAINS` or `STARTS WITH` in a filter requires enabling the "
                "`contains filter` experimental feature. See "
                "https://github.com/orgs/meilisearch/discussions/763",
                self._span(span.start, self.pos),
            )
        value, _ = self._value()
        return FilterCondition(
            fid, span, "CONTAINS" if word == "CONTAINS" else "STARTS_WITH", value
        )

    def _in_list(self) -> tuple[str, ...]:
        self._skip_ws()
        if self.pos >= len(self.source) or self.source[self.pos] != "[":
            raise FilterSyntaxError(
                "Expected `[` after `IN` keyword.", self._span(self.pos, len(self.source))
            )
        self.pos += 1
        values: list[str] = []
        self._skip_ws()
        while self.pos < len(self.source) and self.source[self.pos] != "]":
            value, _ = self._value(in_list=True)
            values.append(value)
            self._skip_ws()
            if self.pos < len(self.source) and self.source[self.pos] == ",":
                self.pos += 1
                self._skip_ws()
            elif self.pos < len(self.source) and self.source[self.pos] != "]":
                bad = self._error_word(self.pos)
                raise FilterSyntaxError(
                    "Expected only comma-separated field names inside `IN[..]` but instead "
                    f"found `{self.source[bad.start : bad.end]}`.",
                    bad,
                )
        if self.pos >= len(self.source):
            raise FilterSyntaxError(
                "Expected matching `]` after the list of field names given to `IN[`",
                self._span(self.pos, self.pos),
            )
        self.pos += 1
        return tuple(values)

    def _value(self, for_fid: bool = False, in_list: bool = False) -> tuple[str, FilterSpan]:
        self._skip_ws()
        start = self.pos
        if start < len(self.source) and self.source[start] in "'\"":
            quote = self.source[start]
            index = start + 1
            escaped_quote = False
            while index < len(self.source):
                ch = self.source[index]
                if ch == quote:
                    break
                if ch == "\\":
                    if index + 1 >= len(self.source):
                        raise FilterSyntaxError(
                            f"Malformed value: `{self.source[start + 1 :]}`.",
                            self._span(start + 1, len(self.source)),
                        )
                    escaped_quote |= self.source[index + 1] == quote
                    index += 2
                    continue
                index += 1
            if index >= len(self.source):
                raise FilterSyntaxError(
                    f"Expression `{self.source[start:]}` is missing the following closing "
                    f"delimiter: `{quote}`.",
                    self._span(start, len(self.source)),
                )
            content = self.source[start + 1 : index]
            if escaped_quote:
                content = content.replace("\\" + quote, quote)
            unescaped = _unescape(content)
            if unescaped is None:
                raise FilterSyntaxError(
                    f"Malformed value: `{content}`.", self._span(start + 1, index)
                )
            self.pos = index + 1
            span = self._span(start + 1, index)
            self._skip_ws()
            return unescaped, span
        word, word_start, word_end = self._peek_word()
        if word in ("_geoRadius", "_geoBoundingBox") and not for_fid:
            name = word
            raise FilterSyntaxError(
                f"The `{name}` filter is an operation and can't be used as a value.",
                self._span(word_start, len(self.source)),
            )
        if not word or word in _FILTER_KEYWORDS:
            bad = self._error_word(word_start)
            text = self.source[bad.start : bad.end]
            if in_list:
                if word in _FILTER_KEYWORDS:
                    message = (
                        "Expected only comma-separated field names inside `IN[..]` but instead "
                        f"found `{text}`, which is a keyword. To use `{text}` as a field name "
                        "or a value, surround it by quotes."
                    )
                else:
                    message = (
                        "Expected only comma-separated field names inside `IN[..]` but instead "
                        f"found `{text}`."
                    )
            elif not text.strip():
                message = "Was expecting a value but instead got nothing."
            elif word in _FILTER_KEYWORDS:
                message = (
                    f"Was expecting a value but instead got `{text}`, which is a reserved "
                    f"keyword. To use `{text}` as a field name or a value, surround it by quotes."
                )
            else:
                message = f"Was expecting a value but instead got `{text}`."
            raise FilterSyntaxError(message, bad)
        self.pos = word_end
        span = self._span(word_start, word_end)
        self._skip_ws()
        return word, span

    def _geo_args(self, count_error: str) -> list[tuple[float, int, int]]:
        if self.source[self.pos : self.pos + 1] != "(":
            raise FilterSyntaxError(count_error, self._span(self.pos, len(self.source)))
        self.pos += 1
        return self._float_list(")", count_error)

    def _float_list(self, closing: str, error: str) -> list[tuple[float, int, int]]:
        args: list[tuple[float, int, int]] = []
        while True:
            self._skip_ws()
            match = _FLOAT_RE.match(self.source, self.pos)
            if not match:
                raise FilterSyntaxError(error, self._span(self.pos, len(self.source)))
            args.append((float(match.group()), match.start(), match.end()))
            self.pos = match.end()
            self._skip_ws()
            if self.source[self.pos : self.pos + 1] == ",":
                self.pos += 1
                continue
            if self.source[self.pos : self.pos + 1] == closing:
                self.pos += 1
                return args
            raise FilterSyntaxError(error, self._span(self.pos, len(self.source)))

    def _geo_radius(self, word_end: int) -> FilterNode:
        error = (
            "The `_geoRadius` filter expects three arguments: "
            "`_geoRadius(latitude, longitude, radius)`."
        )
        self.pos = word_end
        args = self._geo_args(error)
        if len(args) != 3:
            raise FilterSyntaxError(error, self._span(word_end, self.pos))
        (lat, lat_start, lat_end), (lng, _, _), (radius, _, _) = args
        _check_lat_lng(lat, lng, self._span(lat_start, lat_end))
        return FilterGeoRadius(lat, lng, radius, self._span(lat_start, lat_end))

    def _geo_box(self, word_end: int) -> FilterNode:
        error = (
            "The `_geoBoundingBox` filter expects two pairs of arguments: "
            "`_geoBoundingBox([latitude, longitude], [latitude, longitude])`."
        )
        self.pos = word_end
        if self.source[self.pos : self.pos + 1] != "(":
            raise FilterSyntaxError(error, self._span(self.pos, len(self.source)))
        self.pos += 1
        points: list[list[tuple[float, int, int]]] = []
        while True:
            self._skip_ws()
            if self.source[self.pos : self.pos + 1] != "[":
                raise FilterSyntaxError(error, self._span(self.pos, len(self.source)))
            self.pos += 1
            points.append(self._float_list("]", error))
            self._skip_ws()
            if self.source[self.pos : self.pos + 1] == ",":
                self.pos += 1
                continue
            if self.source[self.pos : self.pos + 1] == ")":
                self.pos += 1
                break
            raise FilterSyntaxError(error, self._span(self.pos, len(self.source)))
        if len(points) != 2 or any(len(point) != 2 for point in points):
            raise FilterSyntaxError(error, self._span(word_end, self.pos))
        (top, top_start, top_end), (right, _, _) = points[0]
        (bottom, _, _), (left, _, _) = points[1]
        span = self._span(top_start, top_end)
        _check_lat_lng(top, right, span)
        _check_lat_lng(bottom, left, span)
        if top < bottom:
            raise FilterSyntaxError(
                f"The top latitude `{top}` is below the bottom latitude `{bottom}`.", span
            )
        return FilterGeoBox(top, right, bottom, left, span)


def _check_lat_lng(lat: float, lng: float, span: FilterSpan) -> None:
    if not -90 <= lat <= 90:
        raise FilterSyntaxError(
            f"Bad latitude `{lat:g}`. Latitude must be contained between -90 and 90 degrees. ",
            span,
        )
    if not -180 <= lng <= 180:
        raise FilterSyntaxError(
            f"Bad longitude `{lng:g}`. Longitude must be contained between -180 and 180 degrees. ",
            span,
        )


def parse_filter(expression: Json, code: str, contains_enabled: bool = False) -> FilterNode | None:
    """Parse a ``filter`` value (string, or array: elements AND-ed, nested arrays OR-ed)."""

    def parse_one(text: str) -> FilterNode | None:
        try:
            return FilterParser(text, contains_enabled).parse()
        except FilterSyntaxError as error:
            raise ApiError(400, code, error.describe()) from None

    if expression is None:
        return None
    if isinstance(expression, str):
        return parse_one(expression)
    if not isinstance(expression, list):
        raise ApiError(
            400,
            code,
            f"Invalid type for filter subexpression: expected: String, Array, found: "
            f"{_compact_json(expression)}.",
        )
    ands: list[FilterNode] = []
    for element in expression:
        if isinstance(element, str):
            node = parse_one(element)
            if node is not None:
                ands.append(node)
        elif isinstance(element, list):
            ors: list[FilterNode] = []
            for inner in element:
                if not isinstance(inner, str):
                    raise ApiError(
                        400,
                        code,
                        "Invalid type for filter subexpression: expected: String, found: "
                        f"{_compact_json(inner)}.",
                    )
                node = parse_one(inner)
                if node is not None:
                    ors.append(node)
            if len(ors) == 1:
                ands.append(ors[0])
            elif ors:
                ands.append(FilterOr(tuple(ors)))
        else:
            raise ApiError(
                400,
                code,
                "Invalid type for filter subexpression: expected: String, [String], found: "
                f"{_compact_json(element)}.",
            )
    if not ands:
        return None
    return ands[0] if len(ands) == 1 else FilterAnd(tuple(ands))


def _filter_fields(node: FilterNode) -> Iterator[tuple[str, FilterSpan, str]]:
    """(attribute, span, operator) of every condition, ``_geo`` for geo rules."""
    if isinstance(node, FilterCondition):
        yield node.fid, node.span, node.op
    elif isinstance(node, FilterIn):
        yield node.fid, node.span, "IN"
    elif isinstance(node, FilterNot):
        yield from _filter_fields(node.child)
    elif isinstance(node, FilterAnd | FilterOr):
        for child in node.children:
            yield from _filter_fields(child)
    else:
        yield "_geo", node.span, "GEO"


def _leaf_equals(leaf: Json, value: str) -> bool:
    if isinstance(leaf, bool):
        return normalize_facet(value) == ("true" if leaf else "false")
    if _is_number(leaf):
        number = _parse_finite_float(value)
        return number is not None and float(leaf) == number
    if isinstance(leaf, str):
        return normalize_facet(leaf) == normalize_facet(value)
    return False


def _leaf_compare(leaf: Json, op: str, value: str, upper: str | None) -> bool:
    if _is_number(leaf):
        number = _parse_finite_float(value)
        if op == "TO":
            top = _parse_finite_float(upper or "")
            return number is not None and top is not None and number <= float(leaf) <= top
        if number is None:
            return False
        left: Any = float(leaf)
        right: Any = number
    elif isinstance(leaf, str | bool):
        text = _scalar_text(leaf) or ""
        left = normalize_facet(text)
        right = normalize_facet(value)
        if op == "TO":
            return bool(right <= left <= normalize_facet(upper or ""))
    else:
        return False
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def evaluate_filter(node: FilterNode, document: dict[str, Json], flat: _Flat) -> bool:
    if isinstance(node, FilterAnd):
        return all(evaluate_filter(child, document, flat) for child in node.children)
    if isinstance(node, FilterOr):
        return any(evaluate_filter(child, document, flat) for child in node.children)
    if isinstance(node, FilterNot):
        return not evaluate_filter(node.child, document, flat)
    if isinstance(node, FilterIn):
        leaves = flat.leaves.get(node.fid, [])
        return any(_leaf_equals(leaf, value) for leaf in leaves for value in node.values)
    if isinstance(node, FilterGeoRadius):
        point = _geo_point(document)
        return point is not None and _haversine(node.lat, node.lng, *point) <= node.radius
    if isinstance(node, FilterGeoBox):
        point = _geo_point(document)
        if point is None:
            return False
        lat, lng = point
        if not node.bottom <= lat <= node.top:
            return False
        if node.left <= node.right:
            return node.left <= lng <= node.right
        return lng >= node.left or lng <= node.right
    op = node.op
    if op == "EXISTS":
        return node.fid in flat.raw
    if op == "NULL":
        return any(value is None for value in flat.raw.get(node.fid, []))
    if op == "EMPTY":
        return any(value in ("", [], {}) for value in flat.raw.get(node.fid, []))
    leaves = flat.leaves.get(node.fid, [])
    value = node.value or ""
    if op == "=":
        return any(_leaf_equals(leaf, value) for leaf in leaves)
    if op == "!=":
        return not any(_leaf_equals(leaf, value) for leaf in leaves)
    if op == "CONTAINS":
        needle = normalize_facet(value)
        return any(
            needle in normalize_facet(_scalar_text(leaf) or "")
            for leaf in leaves
            if isinstance(leaf, str)
        )
    if op == "STARTS_WITH":
        needle = normalize_facet(value)
        return any(
            normalize_facet(leaf).startswith(needle) for leaf in leaves if isinstance(leaf, str)
        )
    return any(_leaf_compare(leaf, op, value, node.upper) for leaf in leaves)


# ----------------------------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------------------------


def _filterable_rules(settings: dict[str, Json]) -> list[tuple[list[str], dict[str, Json]]]:
    """The filterableAttributes setting as (patterns, filter features) rules."""
    rules: list[tuple[list[str], dict[str, Json]]] = []
    for entry in settings["filterableAttributes"]:
        if isinstance(entry, str):
            rules.append(([entry], {"equality": True, "comparison": True}))
        elif isinstance(entry, dict):
            features = entry.get("features") or {}
            filter_features = features.get("filter") or {}
            rules.append(
                (
                    list(entry.get("attributePatterns") or []),
                    {
                        "equality": filter_features.get("equality", True),
                        "comparison": filter_features.get("comparison", False),
                    },
                )
            )
    return rules


def _filterable_patterns(settings: dict[str, Json]) -> list[str]:
    patterns: list[str] = []
    for names, features in _filterable_rules(settings):
        if features["equality"] or features["comparison"]:
            patterns.extend(names)
    return sorted(set(patterns))


def _filter_features_for(settings: dict[str, Json], name: str) -> dict[str, Json] | None:
    for names, features in _filterable_rules(settings):
        if any(_attribute_matches(name, pattern) for pattern in names):
            return features
    return None


def _validate_ranking_rule(rule: Json) -> None:
    valid = isinstance(rule, str) and (
        rule in BUILT_IN_RULES or re.fullmatch(r".+:(asc|desc)", rule) is not None
    )
    if not valid:
        raise ApiError(
            400,
            "invalid_settings_ranking_rules",
            f"Invalid value at `.rankingRules[0]`: `{rule}` ranking rule is invalid. Valid "
            "ranking rules are words, typo, sort, proximity, attribute, exactness and custom "
            "ranking rules.",
        )


def _check_string_list(name: str, value: Json, allow_objects: bool = False) -> None:
    code = "invalid_settings_" + _snake(name)
    if not isinstance(value, list):
        raise _bad_type(code, "." + name, "an array", value)
    for position, item in enumerate(value):
        if isinstance(item, str) or (allow_objects and isinstance(item, dict)):
            continue
        raise _bad_type(code, f".{name}[{position}]", "a string", item)


# A subset of the locales Meilisearch documents for localizedAttributes and ``locales``
# (ISO 639-3 codes and their ISO 639-1 forms); a code outside it is refused as unknown.
KNOWN_LOCALES = frozenset(
    (  # noqa: SIM905 - a list of short codes reads better as words
        "eng spa fra deu ita por nld cat swe dan nob fin pol ces ron hun tur ell rus ukr ara "
        "heb hin tha jpn kor zho vie ind "
        "en es fr de it pt nl ca sv da nb fi pl cs ro hu tr el ru uk ar he hi th ja ko zh vi id"
    ).split()
)


def _check_locales(value: Json, code: str, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad_type(code, where, "an array", value)
    for position, locale in enumerate(value):
        if locale not in KNOWN_LOCALES:
            raise ApiError(
                400,
                code,
                f"Unknown value `{locale}` at `{where}[{position}]`: expected one of "
                + ", ".join(f"`{known}`" for known in sorted(KNOWN_LOCALES)),
            )


def _check_localized_attributes(value: Json) -> None:
    """``[{"attributePatterns": [...], "locales": [...]}, ...]``, both fields required."""
    code = "invalid_settings_localized_attributes"
    if not isinstance(value, list):
        raise _bad_type(code, ".localizedAttributes", "an array", value)
    fields = ("attributePatterns", "locales")
    for position, rule in enumerate(value):
        where = f".localizedAttributes[{position}]"
        if not isinstance(rule, dict):
            raise _bad_type(code, where, "an object", rule)
        for name in rule:
            if name not in fields:
                raise ApiError(
                    400,
                    code,
                    f"Unknown field `{name}` inside `{where}`: expected one of "
                    "`attributePatterns`, `locales`",
                )
        for name in fields:
            if name not in rule:
                raise ApiError(400, code, f"Missing field `{name}` inside `{where}`")
        patterns = rule["attributePatterns"]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise _bad_type(code, f"{where}.attributePatterns", "an array", patterns)
        _check_locales(rule["locales"], code, f"{where}.locales")


def validate_settings(body: Json) -> dict[str, Json]:
    """Check a settings payload the way Meilisearch does before enqueuing the task."""
    if not isinstance(body, dict):
        raise _bad_type("bad_request", "", "an object", body)
    for name, value in body.items():
        if name not in SETTING_NAMES:
            raise _unknown_field(name, SETTING_NAMES)
        if value is None:
            continue
        if name in (
            "displayedAttributes",
            "searchableAttributes",
            "sortableAttributes",
            "stopWords",
            "nonSeparatorTokens",
            "separatorTokens",
            "dictionary",
        ):
            _check_string_list(name, value)
        elif name == "filterableAttributes":
            _check_string_list(name, value, allow_objects=True)
        elif name == "rankingRules":
            _check_string_list(name, value)
            for rule in value:
                _validate_ranking_rule(rule)
        elif name == "localizedAttributes":
            _check_localized_attributes(value)
        elif name == "distinctAttribute" and not isinstance(value, str):
            raise _bad_type("invalid_settings_distinct_attribute", "." + name, "a string", value)
        elif name in OBJECT_SETTINGS or name == "synonyms":
            if not isinstance(value, dict):
                raise _bad_type("invalid_settings_" + _snake(name), "." + name, "an object", value)
            if name == "pagination":
                limit = value.get("maxTotalHits")
                if limit is not None and (not isinstance(limit, int) or limit < 1):
                    raise _bad_type(
                        "invalid_settings_pagination",
                        ".pagination.maxTotalHits",
                        "a positive integer",
                        limit,
                    )
            if name == "faceting":
                limit = value.get("maxValuesPerFacet")
                if limit is not None and (not isinstance(limit, int) or limit < 0):
                    raise _bad_type(
                        "invalid_settings_faceting",
                        ".faceting.maxValuesPerFacet",
                        "a positive integer",
                        limit,
                    )
    return body


def _merge_object(
    current: dict[str, Json], update: dict[str, Json], default: dict[str, Json]
) -> dict[str, Json]:
    merged = copy.deepcopy(current)
    for key, value in update.items():
        if value is None:
            merged[key] = copy.deepcopy(default.get(key))
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_object(merged[key], value, default.get(key) or {})
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def apply_settings(current: dict[str, Json], update: dict[str, Json]) -> dict[str, Json]:
    defaults = _default_settings()
    result = copy.deepcopy(current)
    for name, value in update.items():
        if value is None:
            result[name] = defaults[name]
        elif name in OBJECT_SETTINGS and name != "embedders":
            result[name] = _merge_object(result[name], value, defaults[name])
        else:
            result[name] = copy.deepcopy(value)
    typo = result["typoTolerance"]["minWordSizeForTypos"]
    one, two = typo.get("oneTypo"), typo.get("twoTypos")
    if isinstance(one, int) and isinstance(two, int) and not 0 <= one <= two <= 255:
        raise TaskError(
            "invalid_settings_typo_tolerance",
            "`minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be "
            "between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but "
            f"found `oneTypo: {one}` and twoTypos: {two}`.",
        )
    return result


# ----------------------------------------------------------------------------------------
# Indexes and documents
# ----------------------------------------------------------------------------------------

_INDEX_UID_RE = re.compile(r"[A-Za-z0-9_-]{1,400}")
_DOCUMENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,511}")


@dataclass
class StandInIndex:
    uid: str
    primary_key: str | None
    created_at: datetime
    updated_at: datetime
    documents: dict[str, dict[str, Json]] = field(default_factory=dict)
    settings: dict[str, Json] = field(default_factory=_default_settings)
    field_order: list[str] = field(default_factory=list)
    flat_cache: dict[str, _Flat] = field(default_factory=dict, repr=False)
    fields_cache: dict[tuple[str, tuple[str, ...] | None], list[_Field]] = field(
        default_factory=dict, repr=False
    )

    def touch(self, moment: datetime | None = None) -> None:
        """Record a change: forget cached analyses and bump ``updatedAt``."""
        self.flat_cache.clear()
        self.fields_cache.clear()
        self.updated_at = moment or _now()

    def flat(self, document_id: str) -> _Flat:
        cached = self.flat_cache.get(document_id)
        if cached is None:
            cached = self.flat_cache[document_id] = _flatten(self.documents[document_id])
        return cached

    def view(self) -> dict[str, Json]:
        return {
            "uid": self.uid,
            "createdAt": _iso(self.created_at),
            "updatedAt": _iso(self.updated_at),
            "primaryKey": self.primary_key,
        }

    def note_fields(self, document: dict[str, Json]) -> None:
        known = set(self.field_order)
        for path in _flatten(document).order:
            if path not in known:
                known.add(path)
                self.field_order.append(path)

    def rebuild_fields(self) -> None:
        self.field_order = []
        for document in self.documents.values():
            self.note_fields(document)


def _validate_index_uid(uid: Json) -> str:
    if not isinstance(uid, str) or not _INDEX_UID_RE.fullmatch(uid):
        raise ApiError(
            400,
            "invalid_index_uid",
            f"`{uid}` is not a valid index uid. Index uid can be an integer or a string "
            "containing only alphanumeric characters, hyphens (-) and underscores (_), and "
            "can not be more than 512 bytes.",
        )
    return uid


def _document_id(value: Json) -> str:
    """The external id of a document id value, or TaskError(invalid_document_id)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and _DOCUMENT_ID_RE.fullmatch(value):
        return value
    raise TaskError(
        "invalid_document_id",
        f"Document identifier `{_compact_json(value)}` is invalid. A document identifier can be "
        "of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), "
        "hyphens (-) and underscores (_), and can not be more than 511 bytes.",
    )


def _primary_key_value(document: dict[str, Json], primary_key: str) -> tuple[bool, Json]:
    if primary_key in document:
        return True, document[primary_key]
    current: Json = document
    for part in primary_key.split("."):
        if not isinstance(current, dict) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _infer_primary_key(document: dict[str, Json]) -> str:
    candidates = [name for name in document if name.lower().endswith("id")]
    if not candidates:
        raise TaskError(
            "index_primary_key_no_candidate_found",
            "The primary key inference failed as the engine did not find any field ending with "
            "`id` in its name. Please specify the primary key manually using the `primaryKey` "
            "query parameter.",
        )
    if len(candidates) > 1:
        raise TaskError(
            "index_primary_key_multiple_candidates_found",
            f"The primary key inference failed as the engine found {len(candidates)} fields "
            f"ending with `id` in their names: '{candidates[0]}' and '{candidates[1]}'. Please "
            "specify the primary key manually using the `primaryKey` query parameter.",
        )
    return candidates[0]


def _check_geo(document: dict[str, Json], document_id: str) -> None:
    if "_geo" not in document or document["_geo"] is None:
        return
    geo = document["_geo"]
    problem = None
    if not isinstance(geo, dict):
        problem = f"The `_geo` field in the document with the id: `{document_id}` is not an object."
    else:
        for key in ("lat", "lng"):
            raw: Json = geo.get(key)
            try:
                number = float(raw)
            except (TypeError, ValueError):
                problem = (
                    f"Could not parse {'latitude' if key == 'lat' else 'longitude'} in the "
                    f"document with the id: `{document_id}`. Was expecting a finite number but "
                    f"instead got `{_compact_json(raw)}`."
                )
                break
            if not math.isfinite(number):
                problem = f"Bad `_geo.{key}` in the document with the id: `{document_id}`."
                break
    if problem:
        raise TaskError("invalid_document_geo_field", problem)


def _select_fields(document: dict[str, Json], fields: Sequence[str] | None) -> dict[str, Json]:
    """Keep the attributes named in ``fields`` (``*`` keeps all, dotted names select nested)."""
    if fields is None or "*" in fields:
        return copy.deepcopy(document)

    def select(value: Json, prefix: str) -> Json:
        if isinstance(value, dict):
            kept: dict[str, Json] = {}
            for key, child in value.items():
                path = f"{prefix}.{key}" if prefix else key
                if any(_attribute_matches(path, wanted) for wanted in fields):
                    kept[key] = copy.deepcopy(child)
                elif any(wanted.startswith(path + ".") for wanted in fields):
                    inner = select(child, path)
                    if inner not in (None, {}, []):
                        kept[key] = inner
            return kept
        if isinstance(value, list):
            items = [select(item, prefix) for item in value if isinstance(item, dict)]
            return [item for item in items if item]
        return None

    selected = select(document, "")
    return selected if isinstance(selected, dict) else {}


def _displayed(index: StandInIndex, document: dict[str, Json]) -> dict[str, Json]:
    displayed = index.settings["displayedAttributes"]
    return _select_fields(document, None if "*" in displayed else displayed)


# ----------------------------------------------------------------------------------------
# Search
# ----------------------------------------------------------------------------------------


@dataclass
class _Term:
    words: list[str]
    is_prefix: bool = False
    synonyms: list[list[str]] = field(default_factory=list)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class _Occurrence:
    attribute_rank: int
    position: int
    typos: int
    exact: bool


@dataclass
class _Field:
    rank: int
    path: str
    text: str
    tokens: list[_Token]


_SEARCH_PARAMETERS = (
    "q",
    "offset",
    "limit",
    "page",
    "hitsPerPage",
    "attributesToRetrieve",
    "retrieveVectors",
    "attributesToCrop",
    "cropLength",
    "cropMarker",
    "attributesToHighlight",
    "highlightPreTag",
    "highlightPostTag",
    "showMatchesPosition",
    "filter",
    "sort",
    "distinct",
    "facets",
    "matchingStrategy",
    "attributesToSearchOn",
    "rankingScoreThreshold",
    "locales",
    "hybrid",
    "vector",
    "media",
    "showRankingScore",
    "showRankingScoreDetails",
    "showPerformanceDetails",
    "personalize",
    "useNetwork",
)


def _osa_distance(query: str, word: str, prefix: bool) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance; with ``prefix`` the distance
    from ``query`` to the closest prefix of ``word``."""
    rows, cols = len(query) + 1, len(word) + 1
    table = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        table[i][0] = i
    for j in range(cols):
        table[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if query[i - 1] == word[j - 1] else 1
            best = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and query[i - 1] == word[j - 2] and query[i - 2] == word[j - 1]:
                best = min(best, table[i - 2][j - 2] + 1)
            table[i][j] = best
    return min(table[-1]) if prefix else table[-1][-1]


class _Matcher:
    """Matches normalised query words against normalised document words (Meilisearch rules)."""

    def __init__(self, settings: dict[str, Json]) -> None:
        typo = settings["typoTolerance"]
        self.enabled = bool(typo.get("enabled", True))
        sizes = typo.get("minWordSizeForTypos") or {}
        self.one_typo = int(sizes.get("oneTypo", 5))
        self.two_typos = int(sizes.get("twoTypos", 9))
        self.disabled_words = {normalize_word(word) for word in typo.get("disableOnWords") or []}
        self.disabled_attributes = list(typo.get("disableOnAttributes") or [])
        self.disable_on_numbers = bool(typo.get("disableOnNumbers", False))
        self._cache: dict[tuple[str, str, bool, str | None], int | None] = {}

    def max_typos(self, word: str, path: str | None = None) -> int:
        if not self.enabled or word in self.disabled_words:
            return 0
        if self.disable_on_numbers and word.isdigit():
            return 0
        if path is not None and any(
            _attribute_matches(path, pattern) for pattern in self.disabled_attributes
        ):
            return 0
        if len(word) >= self.two_typos:
            return 2
        if len(word) >= self.one_typo:
            return 1
        return 0

    def typos(self, query: str, word: str, prefix: bool, path: str | None = None) -> int | None:
        """Typos needed for ``word`` to match ``query``; ``None`` when it does not match.

        One typo is tolerated from ``oneTypo`` characters, two from ``twoTypos``; a typo on
        the first letter counts as two (so it only passes where two typos are allowed).
        """
        if word == query or (prefix and word.startswith(query)):
            return 0
        key = (query, word, prefix, path if self.disabled_attributes else None)
        if key not in self._cache:
            self._cache[key] = self._typos(query, word, prefix, path)
        return self._cache[key]

    def _typos(self, query: str, word: str, prefix: bool, path: str | None) -> int | None:
        allowed = self.max_typos(query, path)
        if allowed == 0:
            return None
        if prefix:
            if len(word) < len(query) - allowed:
                return None
            word = word[: len(query) + allowed]
        elif abs(len(word) - len(query)) > allowed:
            return None
        if allowed == 1 and word[:1] != query[:1]:
            return None
        distance = _osa_distance(query, word, prefix)
        same_first = word[:1] == query[:1]
        if allowed == 1:
            return distance if same_first and distance <= 1 else None
        if same_first:
            return distance if distance <= 2 else None
        return 2 if distance <= 1 else None


def _parse_query(q: str, settings: dict[str, Json]) -> tuple[list[_Term], list[_Term]]:
    """Split ``q`` into terms (words and quoted phrases) and negative terms (``-word``)."""
    positive: list[_Term] = []
    negative: list[_Term] = []
    pattern = re.compile(r'(?P<neg>(?:(?<=\s)|^)-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
    last_positive_from_word = False
    for match in pattern.finditer(q):
        is_negative = match.group("neg") is not None
        if match.group("phrase") is not None:
            words = [token.norm for token in _tokenize(match.group("phrase"))]
            if words:
                (negative if is_negative else positive).append(_Term(words))
                if not is_negative:
                    last_positive_from_word = False
            continue
        tokens = [token.norm for token in _tokenize(match.group("word") or "")]
        if is_negative:
            negative.extend(_Term([word]) for word in tokens[:1])
            tokens = tokens[1:]
        for word in tokens:
            positive.append(_Term([word]))
            last_positive_from_word = True
    positive = positive[:MAX_QUERY_WORDS]
    stop_words = {normalize_word(word) for word in settings["stopWords"]}
    if stop_words and any(term.is_phrase or term.words[0] not in stop_words for term in positive):
        positive = [term for term in positive if term.is_phrase or term.words[0] not in stop_words]
    ends_with_word = bool(q) and _WORD_RE.fullmatch(q[-1]) is not None
    if positive and last_positive_from_word and ends_with_word and not positive[-1].is_phrase:
        positive[-1].is_prefix = True
    synonyms = {
        normalize_word(key): [[t.norm for t in _tokenize(alt)] for alt in alternatives]
        for key, alternatives in (settings.get("synonyms") or {}).items()
    }
    for term in positive:
        if not term.is_phrase and term.words[0] in synonyms:
            term.synonyms = [alt for alt in synonyms[term.words[0]] if alt]
    return positive, negative


def _searchable_fields(
    index: StandInIndex, document_id: str, restrict: Sequence[str] | None
) -> list[_Field]:
    """The searchable attributes of a document, each ranked by searchableAttributes order."""
    key = (document_id, None if restrict is None else tuple(restrict))
    cached = index.fields_cache.get(key)
    if cached is None:
        cached = index.fields_cache[key] = _analyse_fields(index, document_id, restrict)
    return cached


def _analyse_fields(
    index: StandInIndex, document_id: str, restrict: Sequence[str] | None
) -> list[_Field]:
    searchable = index.settings["searchableAttributes"]
    flat = index.flat(document_id)
    ranked: list[tuple[int, str]] = []
    if "*" in searchable:
        order = {path: rank for rank, path in enumerate(index.field_order)}
        ranked = [(order.get(path, len(order)), path) for path in flat.order]
    else:
        for rank, pattern in enumerate(searchable):
            ranked.extend((rank, path) for path in flat.order if _attribute_matches(path, pattern))
    fields: list[_Field] = []
    seen: set[str] = set()
    for rank, path in sorted(ranked, key=lambda item: item[0]):
        if path in seen or (
            restrict is not None
            and not any(_attribute_matches(path, wanted) for wanted in restrict)
        ):
            continue
        seen.add(path)
        position = 0
        for leaf in flat.leaves.get(path, []):
            text = _scalar_text(leaf)
            if text is None:
                continue
            tokens = _tokenize(text, position)
            position += len(tokens) + 8
            fields.append(_Field(rank, path, text, tokens))
    return fields


def _term_occurrences(term: _Term, fields: list[_Field], matcher: _Matcher) -> list[_Occurrence]:
    found: list[_Occurrence] = []
    alternatives = [term.words, *term.synonyms]
    for field_ in fields:
        tokens = field_.tokens
        for words in alternatives:
            if len(words) == 1 and words is term.words:
                for token in tokens:
                    typos = matcher.typos(words[0], token.norm, term.is_prefix, field_.path)
                    if typos is not None:
                        found.append(
                            _Occurrence(
                                field_.rank,
                                token.position,
                                typos,
                                typos == 0 and token.norm == words[0],
                            )
                        )
            else:
                for start in range(len(tokens) - len(words) + 1):
                    if all(tokens[start + k].norm == words[k] for k in range(len(words))):
                        found.append(_Occurrence(field_.rank, tokens[start].position, 0, True))
    return found


def _negative_match(term: _Term, fields: list[_Field]) -> bool:
    for field_ in fields:
        norms = [token.norm for token in field_.tokens]
        for start in range(len(norms) - len(term.words) + 1):
            if norms[start : start + len(term.words)] == term.words:
                return True
    return False


@dataclass
class _Relevance:
    words: int = 0
    max_words: int = 0
    typos: int = 0
    max_typos: int = 0
    proximity: int = 0
    max_proximity: int = 0
    attribute_rank: int = 0
    word_position: int = 0
    attribute_count: int = 1
    exactness: int = 0
    matched_terms: int = 0


def _relevance(
    terms: list[_Term],
    occurrences: list[list[_Occurrence]],
    required_order: list[int],
    strategy: str,
    matcher: _Matcher,
    attribute_count: int,
    fields: list[_Field],
) -> _Relevance | None:
    """Words/typo/proximity/attribute/exactness measures of a document, or None if no match."""
    if strategy == "all":
        if not all(occurrences):
            return None
        considered = list(range(len(terms)))
        words = len(terms)
    else:
        words = 0
        for term_index in required_order:
            if not occurrences[term_index]:
                break
            words += 1
        if words == 0:
            return None
        considered = sorted(required_order[:words])
    best = {
        i: min(occurrences[i], key=lambda o: (o.typos, o.attribute_rank, o.position))
        for i in considered
    }
    relevance = _Relevance(words=words, max_words=len(terms), attribute_count=attribute_count)
    relevance.typos = sum(best[i].typos for i in considered)
    relevance.max_typos = sum(
        0 if terms[i].is_phrase else matcher.max_typos(terms[i].words[0]) for i in considered
    )
    for left, right in itertools.pairwise(considered):
        cost = 8
        for a in occurrences[left]:
            for b in occurrences[right]:
                if a.attribute_rank != b.attribute_rank:
                    continue
                distance = b.position - a.position
                step = min(distance, 7) if distance > 0 else min(abs(distance) + 1, 7)
                cost = min(cost, step)
        relevance.proximity += cost
    relevance.max_proximity = 8 * max(0, len(considered) - 1)
    relevance.attribute_rank = min(best[i].attribute_rank for i in considered)
    relevance.word_position = sum(
        min(
            (o.position for o in occurrences[i] if o.attribute_rank == relevance.attribute_rank),
            default=1000,
        )
        for i in considered
    )
    exact_count = sum(1 for i in considered if any(o.exact for o in occurrences[i]))
    query_words = [word for term in terms for word in term.words]
    whole = any([token.norm for token in f.tokens] == query_words for f in fields)
    relevance.exactness = exact_count + (len(terms) + 1 if whole else 0)
    relevance.matched_terms = len(considered)
    return relevance


class _Reverse:
    """Wraps a value so that it sorts in the opposite order."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and bool(self.value == other.value)

    def __lt__(self, other: _Reverse) -> bool:
        return bool(other.value < self.value)

    def __hash__(self) -> int:
        return hash(self.value)


@dataclass(frozen=True)
class _SortCriterion:
    attribute: str
    ascending: bool
    geo: tuple[float, float] | None = None


def _sort_key(criterion: _SortCriterion, document: dict[str, Json], flat: _Flat) -> tuple[Any, ...]:
    """Numbers first, then strings (lowercase byte order), then documents without a value."""
    if criterion.geo is not None:
        point = _geo_point(document)
        if point is None:
            return (2,)
        distance = _haversine(criterion.geo[0], criterion.geo[1], *point)
        return (0, distance if criterion.ascending else _Reverse(distance))
    leaves = flat.leaves.get(criterion.attribute, [])
    numbers = [float(leaf) for leaf in leaves if _is_number(leaf)]
    if numbers:
        number = min(numbers) if criterion.ascending else max(numbers)
        return (0, number if criterion.ascending else _Reverse(number))
    strings = [
        (_scalar_text(leaf) or "").lower().encode()
        for leaf in leaves
        if isinstance(leaf, str | bool)
    ]
    if strings:
        text = min(strings) if criterion.ascending else max(strings)
        return (1, text if criterion.ascending else _Reverse(text))
    return (2,)


_GEO_POINT_RE = re.compile(r"_geoPoint\(\s*([^,\s]+)\s*,\s*([^)\s]+)\s*\)")


def _parse_sort(expressions: list[str], index: StandInIndex) -> list[_SortCriterion]:
    criteria: list[_SortCriterion] = []
    sortable = index.settings["sortableAttributes"]
    for expression in expressions:
        left, _, direction = expression.rpartition(":")
        if direction not in ("asc", "desc") or not left:
            raise ApiError(
                400,
                "invalid_search_sort",
                "Invalid syntax for the sort parameter: expected expression ending by `:asc` or "
                f"`:desc`, found `{expression}`.",
            )
        geo: tuple[float, float] | None = None
        attribute = left
        if left.startswith("_geoPoint"):
            match = _GEO_POINT_RE.fullmatch(left)
            lat = _parse_finite_float(match.group(1)) if match else None
            lng = _parse_finite_float(match.group(2)) if match else None
            if lat is None or lng is None:
                raise ApiError(
                    400,
                    "invalid_search_sort",
                    "Invalid syntax for the geo parameter: expected expression formated like "
                    "`_geoPoint(latitude, longitude)` and ending by `:asc` or `:desc`, found "
                    f"`{left}`.",
                )
            if not -90 <= lat <= 90:
                raise ApiError(
                    400,
                    "invalid_search_sort",
                    "Latitude must be contained between -90 and 90 degrees.",
                )
            if not -180 <= lng <= 180:
                raise ApiError(
                    400,
                    "invalid_search_sort",
                    "Longitude must be contained between -180 and 180 degrees.",
                )
            geo = (lat, lng)
            attribute = "_geo"
        elif left in ("_geo", "_geoRadius", "_geoBoundingBox"):
            raise ApiError(
                400,
                "invalid_search_sort",
                f"`{left}` is a reserved keyword and thus can't be used as a sort expression. "
                "Use the _geoPoint(latitude, longitude) built-in rule to sort on _geo field "
                "coordinates.",
            )
        elif left == "_geoDistance":
            raise ApiError(
                400,
                "invalid_search_sort",
                "`_geoDistance` is a reserved keyword and thus can't be used as a sort expression.",
            )
        if not any(_attribute_matches(attribute, pattern) for pattern in sortable):
            if sortable:
                available = f"Available sortable attributes are: `{', '.join(sorted(sortable))}`."
            else:
                available = "This index does not have configured sortable attributes."
            raise ApiError(
                400,
                "invalid_search_sort",
                f"Index `{index.uid}`: Attribute `{attribute}` is not sortable. {available}",
            )
        criteria.append(_SortCriterion(attribute, direction == "asc", geo))
    if criteria and "sort" not in index.settings["rankingRules"]:
        raise ApiError(
            400,
            "invalid_search_sort",
            f"Index `{index.uid}`: You must specify where `sort` is listed in the rankingRules "
            "setting to use the sort parameter at search time.",
        )
    return criteria


def check_filterable(
    node: FilterNode | None, index: StandInIndex, code: str, prefix_index: bool = True
) -> None:
    if node is None:
        return
    settings = index.settings
    prefix = f"Index `{index.uid}`: " if prefix_index else ""
    for attribute, span, operator in _filter_fields(node):
        features = _filter_features_for(settings, attribute)
        if features is None or not (features["equality"] or features["comparison"]):
            patterns = _filterable_patterns(settings)
            if patterns:
                listed = ", ".join(f"`{pattern}`" for pattern in patterns)
                available = f" Available filterable attribute patterns are: {listed}."
            else:
                available = " This index does not have configured filterable attributes."
            raise ApiError(
                400,
                code,
                f"{prefix}Attribute `{attribute}` is not filterable.{available}\n{span.describe()}",
            )
        comparison = operator in (">", ">=", "<", "<=", "TO")
        if (comparison and not features["comparison"]) or (
            operator in ("=", "!=", "IN") and not features["equality"]
        ):
            raise ApiError(
                400,
                code,
                f"{prefix}Filter operator `{operator}` is not allowed for the attribute "
                f"`{attribute}`.\n{span.describe()}",
            )


def _facet_values(flat: _Flat, attribute: str) -> list[Json]:
    return [leaf for leaf in flat.leaves.get(attribute, []) if not isinstance(leaf, dict | list)]


def _compute_facets(
    index: StandInIndex,
    facets: list[str],
    matches: list[tuple[dict[str, Json], _Flat]],
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    settings = index.settings
    patterns = _filterable_patterns(settings)
    if "*" in facets:
        names = [
            path
            for path in index.field_order
            if any(_attribute_matches(path, pattern) for pattern in patterns)
        ]
    else:
        names = list(dict.fromkeys(facets))
        invalid = sorted(
            name
            for name in names
            if not any(_attribute_matches(name, pattern) for pattern in patterns)
        )
        if invalid:
            if patterns:
                tail = f"Available filterable attributes patterns are: `{', '.join(patterns)}`."
            else:
                tail = "This index does not have configured filterable attributes."
            if len(invalid) == 1:
                message = f"Attribute `{invalid[0]}` is not filterable. {tail}"
            else:
                message = f"Attributes `{', '.join(invalid)}` are not filterable. {tail}"
            raise ApiError(
                400,
                "invalid_search_facets",
                f"Index `{index.uid}`: Invalid facet distribution: {message}",
            )
    faceting = settings["faceting"]
    max_values = int(faceting.get("maxValuesPerFacet", 100))
    order_by = faceting.get("sortFacetValuesBy") or {"*": "alpha"}
    originals: dict[tuple[str, str], str] = {}
    for document_id in index.documents:
        flat = index.flat(document_id)
        for name in names:
            for leaf in _facet_values(flat, name):
                if isinstance(leaf, str):
                    originals.setdefault((name, normalize_facet(leaf)), leaf)
    distribution: dict[str, dict[str, int]] = {}
    stats: dict[str, dict[str, float]] = {}
    for name in names:
        number_counts: dict[float, int] = {}
        string_counts: dict[str, int] = {}
        for _document, flat in matches:
            numbers: set[float] = set()
            strings: set[str] = set()
            for leaf in _facet_values(flat, name):
                if _is_number(leaf):
                    numbers.add(float(leaf))
                elif isinstance(leaf, bool):
                    strings.add("true" if leaf else "false")
                elif isinstance(leaf, str):
                    strings.add(normalize_facet(leaf))
            for number in numbers:
                number_counts[number] = number_counts.get(number, 0) + 1
            for text in strings:
                string_counts[text] = string_counts.get(text, 0) + 1
        entries: list[tuple[str, int, tuple[Any, ...]]] = [
            (_facet_number_key(number), count, (0, number))
            for number, count in number_counts.items()
        ]
        entries.extend(
            (originals.get((name, text), text), count, (1, text.encode()))
            for text, count in string_counts.items()
        )
        mode = order_by.get(name, order_by.get("*", "alpha"))
        if mode == "count":
            entries.sort(key=lambda entry: (-entry[1], entry[2]))
        else:
            entries.sort(key=lambda entry: entry[2])
        distribution[name] = {key: count for key, count, _ in entries[:max_values]}
        if number_counts:
            stats[name] = {"min": min(number_counts), "max": max(number_counts)}
    return distribution, stats


def _ranking_score(relevance: _Relevance | None, rules: list[str]) -> float:
    """A [0, 1] score from the textual rules, nested like Meilisearch's global score."""
    if relevance is None:
        return 1.0
    ranks: list[tuple[int, int]] = []
    for rule in rules:
        if rule == "words":
            ranks.append((relevance.words, max(1, relevance.max_words)))
        elif rule == "typo":
            top = relevance.max_typos + 1
            ranks.append((top - relevance.typos, top))
        elif rule == "proximity":
            top = relevance.max_proximity + 1
            ranks.append((top - relevance.proximity, top))
        elif rule in ("attribute", "attributeRank"):
            top = max(1, relevance.attribute_count)
            ranks.append((max(1, top - relevance.attribute_rank), top))
        elif rule == "exactness":
            top = relevance.matched_terms + relevance.max_words + 2
            ranks.append((min(top, relevance.exactness + 1), top))
    score, width = 0.0, 1.0
    for rank, top in ranks:
        width /= top
        score += (rank - 1) * width
    return round(score + width, 12)


def _format_string(
    text: str,
    terms: list[_Term],
    matcher: _Matcher,
    highlight: bool,
    crop: int | None,
    pre: str,
    post: str,
    marker: str,
) -> tuple[str, list[tuple[int, int]]]:
    """Highlight and/or crop one string; also returns (start, end) of the matches."""
    tokens = _tokenize(text)
    spans: dict[int, int] = {}
    norms = [token.norm for token in tokens]
    for term in terms:
        for words in [term.words, *term.synonyms]:
            if len(words) == 1 and words is term.words:
                for index, token in enumerate(tokens):
                    typos = matcher.typos(words[0], token.norm, term.is_prefix)
                    if typos is None:
                        continue
                    if (
                        term.is_prefix
                        and token.norm != words[0]
                        and token.norm.startswith(words[0])
                    ):
                        end = _original_prefix_end(text, token, len(words[0]))
                    else:
                        end = token.end
                    spans[index] = max(spans.get(index, token.start), end)
            else:
                for start in range(len(tokens) - len(words) + 1):
                    if norms[start : start + len(words)] == words:
                        for k in range(len(words)):
                            spans[start + k] = tokens[start + k].end
    matches = sorted((tokens[index].start, end) for index, end in spans.items())
    first, last = 0, len(tokens)
    if crop is not None and len(tokens) > crop:
        if crop == 0:
            first = last = 0
        else:
            anchor = min(spans) if spans else 0
            first = max(0, min(anchor - (crop - 1) // 2, len(tokens) - crop))
            last = first + crop
    cropped = crop is not None and (first > 0 or last < len(tokens))
    if cropped:
        if first >= last:
            return marker, matches
        begin, finish = tokens[first].start, tokens[last - 1].end
    else:
        begin, finish = 0, len(text)
    out: list[str] = [marker] if cropped and first > 0 else []
    cursor = begin
    if highlight:
        for start, end in matches:
            if start < begin or end > finish:
                continue
            out.append(text[cursor:start])
            out.append(pre + text[start:end] + post)
            cursor = end
    out.append(text[cursor:finish])
    if cropped and last < len(tokens):
        out.append(marker)
    return "".join(out), matches


@dataclass
class _FormatOptions:
    terms: list[_Term]
    matcher: _Matcher
    highlight: list[str]
    crop: dict[str, int]
    pre: str
    post: str
    marker: str


def _format_value(
    value: Json,
    path: str,
    options: _FormatOptions,
    positions: dict[str, list[dict[str, int]]] | None,
) -> Json:
    if isinstance(value, dict):
        return {
            key: _format_value(child, f"{path}.{key}" if path else key, options, positions)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [_format_value(item, path, options, positions) for item in value]
    text = value if isinstance(value, str) else (_number_text(value) if _is_number(value) else None)
    if text is None:
        return value
    highlight = any(_attribute_matches(path, wanted) for wanted in options.highlight)
    crop = next(
        (length for wanted, length in options.crop.items() if _attribute_matches(path, wanted)),
        None,
    )
    formatted, matches = _format_string(
        text,
        options.terms,
        options.matcher,
        highlight,
        crop,
        options.pre,
        options.post,
        options.marker,
    )
    if positions is not None and matches:
        for start, end in matches:
            positions.setdefault(path, []).append(
                {"start": len(text[:start].encode()), "length": len(text[start:end].encode())}
            )
    return formatted


class _SearchRequest:
    """Validated search parameters."""

    def __init__(self, body: Json) -> None:
        if not isinstance(body, dict):
            raise _bad_type("bad_request", "", "an object", body)
        for name in body:
            if name not in _SEARCH_PARAMETERS:
                raise _unknown_field(name, _SEARCH_PARAMETERS)
        self.body = body
        self.q = self._get("q", (str,), "a string", "")
        self.offset = self._int("offset", 0)
        self.limit = self._int("limit", 20)
        self.page = self._optional_int("page")
        self.hits_per_page = self._optional_int("hitsPerPage")
        self.attributes_to_retrieve = self._strings("attributesToRetrieve")
        self.attributes_to_crop = self._strings("attributesToCrop")
        self.crop_length = self._int("cropLength", 10)
        self.crop_marker = self._get("cropMarker", (str,), "a string", CROP_MARKER)
        self.attributes_to_highlight = self._strings("attributesToHighlight")
        self.pre_tag = self._get("highlightPreTag", (str,), "a string", "<em>")
        self.post_tag = self._get("highlightPostTag", (str,), "a string", "</em>")
        self.show_matches_position = self._get("showMatchesPosition", (bool,), "a boolean", False)
        self.filter = body.get("filter")
        self.sort = self._strings("sort")
        self.distinct = self._get("distinct", (str,), "a string", None)
        self.facets = self._strings("facets")
        self.matching_strategy = self._get("matchingStrategy", (str,), "a string", "last")
        if self.matching_strategy not in ("last", "all", "frequency"):
            raise ApiError(
                400,
                "invalid_search_matching_strategy",
                f"Unknown value `{self.matching_strategy}` at `.matchingStrategy`: expected one "
                "of `last`, `all`, `frequency`",
            )
        self.attributes_to_search_on = self._strings("attributesToSearchOn")
        threshold = body.get("rankingScoreThreshold")
        if threshold is not None and (not _is_number(threshold) or not 0 <= threshold <= 1):
            raise _bad_type(
                "invalid_search_ranking_score_threshold",
                ".rankingScoreThreshold",
                "a number between 0.0 and 1.0",
                threshold,
            )
        self.ranking_score_threshold: float | None = threshold
        self.show_ranking_score = self._get("showRankingScore", (bool,), "a boolean", False)
        if body.get("locales") is not None:
            _check_locales(body["locales"], "invalid_search_locales", ".locales")
        if body.get("hybrid") is not None or body.get("vector") is not None:
            raise ApiError(
                400,
                "invalid_search_embedder",
                "Meilisearch stand-in: hybrid and vector search are not implemented.",
            )

    def _code(self, name: str) -> str:
        return "invalid_search_" + _snake(name)

    def _get(self, name: str, types: tuple[type, ...], expected: str, default: Any) -> Any:
        value = self.body.get(name)
        if value is None:
            return default
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            raise _bad_type(self._code(name), "." + name, expected, value)
        return value

    def _int(self, name: str, default: int) -> int:
        value = self.body.get(name)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _bad_type(self._code(name), "." + name, "a positive integer", value)
        return value

    def _optional_int(self, name: str) -> int | None:
        return None if self.body.get(name) is None else self._int(name, 0)

    def _strings(self, name: str) -> list[str] | None:
        value = self.body.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _bad_type(self._code(name), "." + name, "an array of strings", value)
        return list(value)


def perform_search(
    index: StandInIndex, body: Json, contains_enabled: bool = False
) -> dict[str, Json]:
    started = time.perf_counter()
    request = _SearchRequest(body)
    settings = index.settings
    node = parse_filter(request.filter, "invalid_search_filter", contains_enabled)
    check_filterable(node, index, "invalid_search_filter")
    criteria = _parse_sort(request.sort or [], index)
    searchable = settings["searchableAttributes"]
    if request.attributes_to_search_on is not None and "*" not in searchable:
        for name in request.attributes_to_search_on:
            if name != "*" and not any(_attribute_matches(name, p) for p in searchable):
                raise ApiError(
                    400,
                    "invalid_search_attributes_to_search_on",
                    f"Index `{index.uid}`: Attribute `{name}` is not searchable. Available "
                    f"searchable attributes are: `{', '.join(searchable)}`.",
                )
    distinct = request.distinct or settings.get("distinctAttribute")
    if request.distinct is not None and _filter_features_for(settings, request.distinct) is None:
        patterns = _filterable_patterns(settings)
        tail = (
            f"Available filterable attributes patterns are: `{', '.join(patterns)}`."
            if patterns
            else "This index does not have configured filterable attributes."
        )
        raise ApiError(
            400,
            "invalid_search_distinct",
            f"Index `{index.uid}`: Attribute `{request.distinct}` is not filterable and thus, "
            f"cannot be used as distinct attribute. {tail}",
        )
    matcher = _Matcher(settings)
    terms, negatives = _parse_query(request.q, settings)
    restrict = (
        None
        if request.attributes_to_search_on is None or "*" in request.attributes_to_search_on
        else request.attributes_to_search_on
    )
    attribute_count = (len(index.field_order) if "*" in searchable else len(searchable)) or 1

    candidates: list[tuple[dict[str, Json], _Flat, _Relevance | None]] = []
    per_term_frequency = [0] * len(terms)
    scored: list[tuple[dict[str, Json], _Flat, list[_Field], list[list[_Occurrence]]]] = []
    for document_id, document in index.documents.items():
        flat = index.flat(document_id)
        if node is not None and not evaluate_filter(node, document, flat):
            continue
        if not terms and not negatives:
            candidates.append((document, flat, None))
            continue
        fields = _searchable_fields(index, document_id, restrict)
        if any(_negative_match(term, fields) for term in negatives):
            continue
        if not terms:
            candidates.append((document, flat, None))
            continue
        occurrences = [_term_occurrences(term, fields, matcher) for term in terms]
        for position, found in enumerate(occurrences):
            if found:
                per_term_frequency[position] += 1
        scored.append((document, flat, fields, occurrences))
    if terms:
        order = list(range(len(terms)))
        if request.matching_strategy == "frequency":
            order.sort(key=lambda i: (per_term_frequency[i], i))
        for document, flat, fields, occurrences in scored:
            relevance = _relevance(
                terms,
                occurrences,
                order,
                request.matching_strategy,
                matcher,
                attribute_count,
                fields,
            )
            if relevance is not None:
                candidates.append((document, flat, relevance))

    rules = list(settings["rankingRules"])
    positions = {id(document): rank for rank, document in enumerate(index.documents.values())}

    def ranking_key(item: tuple[dict[str, Json], _Flat, _Relevance | None]) -> tuple[Any, ...]:
        document, flat, relevance = item
        key: list[Any] = []
        if relevance is not None and "words" not in rules:
            key.append(-relevance.words)
        for rule in rules:
            if rule == "sort":
                for criterion in criteria:
                    key.append(_sort_key(criterion, document, flat))
            elif rule not in BUILT_IN_RULES:
                attribute, _, direction = rule.rpartition(":")
                key.append(_sort_key(_SortCriterion(attribute, direction == "asc"), document, flat))
            elif relevance is None:
                continue
            elif rule == "words":
                key.append(-relevance.words)
            elif rule == "typo":
                key.append(relevance.typos)
            elif rule == "proximity":
                key.append(relevance.proximity)
            elif rule == "attribute":
                key.append((relevance.attribute_rank, relevance.word_position))
            elif rule == "attributeRank":
                key.append(relevance.attribute_rank)
            elif rule == "wordPosition":
                key.append(relevance.word_position)
            elif rule == "exactness":
                key.append(-relevance.exactness)
        key.append(positions[id(document)])
        return tuple(key)

    candidates.sort(key=ranking_key)
    scores = [_ranking_score(relevance, rules) for _, _, relevance in candidates]
    if request.ranking_score_threshold is not None:
        kept = [
            (c, s)
            for c, s in zip(candidates, scores, strict=True)
            if s >= request.ranking_score_threshold
        ]
        candidates = [c for c, _ in kept]
        scores = [s for _, s in kept]
    if distinct:
        seen: set[str] = set()
        unique: list[int] = []
        for position, (_, flat, _) in enumerate(candidates):
            values = flat.leaves.get(distinct, [])
            keys = {
                _facet_number_key(v) if _is_number(v) else normalize_facet(_scalar_text(v) or "")
                for v in values
                if _scalar_text(v) is not None
            }
            if keys and keys & seen:
                continue
            seen |= keys
            unique.append(position)
        candidates = [candidates[i] for i in unique]
        scores = [scores[i] for i in unique]

    max_total_hits = int(settings["pagination"].get("maxTotalHits", 1000))
    finite = request.page is not None or request.hits_per_page is not None
    if finite:
        hits_per_page = 20 if request.hits_per_page is None else request.hits_per_page
        page = 1 if request.page is None else request.page
        offset, limit = ((page - 1) * hits_per_page, hits_per_page) if page > 0 else (0, 0)
    else:
        offset, limit = request.offset, request.limit
    offset = min(offset, max_total_hits)
    limit = min(limit, max(0, max_total_hits - offset))
    number_of_hits = min(len(candidates), max_total_hits)

    geo_criterion = next((c for c in criteria if c.geo is not None), None)
    format_options = _FormatOptions(
        terms=terms,
        matcher=matcher,
        highlight=list(request.attributes_to_highlight or []),
        crop={},
        pre=request.pre_tag,
        post=request.post_tag,
        marker=request.crop_marker,
    )
    for entry in request.attributes_to_crop or []:
        name, _, length = entry.partition(":")
        format_options.crop[name] = int(length) if length.isdigit() else request.crop_length
    wants_formatted = request.attributes_to_highlight is not None or bool(
        request.attributes_to_crop
    )
    hits: list[dict[str, Json]] = []
    for (document, _flat, _), score in zip(
        candidates[offset : offset + limit], scores[offset : offset + limit], strict=True
    ):
        visible = _displayed(index, document)
        hit = _select_fields(visible, request.attributes_to_retrieve)
        if geo_criterion is not None and geo_criterion.geo is not None:
            point = _geo_point(document)
            if point is not None:
                hit["_geoDistance"] = round(_haversine(*geo_criterion.geo, *point))
        positions_out: dict[str, list[dict[str, int]]] | None = (
            {} if request.show_matches_position else None
        )
        if wants_formatted or request.show_matches_position:
            formatted = _format_value(
                _select_fields(visible, request.attributes_to_retrieve),
                "",
                format_options,
                positions_out,
            )
            if wants_formatted:
                hit["_formatted"] = formatted
        if positions_out is not None:
            hit["_matchesPosition"] = positions_out
        if request.show_ranking_score:
            hit["_rankingScore"] = score
        hits.append(hit)

    response: dict[str, Json] = {"hits": hits, "query": request.q}
    response["processingTimeMs"] = int((time.perf_counter() - started) * 1000)
    if finite:
        hits_per_page = 20 if request.hits_per_page is None else request.hits_per_page
        response["hitsPerPage"] = hits_per_page
        response["page"] = 1 if request.page is None else request.page
        response["totalPages"] = (
            (number_of_hits + hits_per_page - 1) // hits_per_page if hits_per_page else 0
        )
        response["totalHits"] = number_of_hits
    else:
        response["limit"] = request.limit
        response["offset"] = offset
        response["estimatedTotalHits"] = number_of_hits
    if request.facets is not None:
        distribution, stats = _compute_facets(
            index, request.facets, [(document, flat) for document, flat, _ in candidates]
        )
        response["facetDistribution"] = distribution
        response["facetStats"] = stats
    return response


# ----------------------------------------------------------------------------------------
# Tasks
# ----------------------------------------------------------------------------------------


@dataclass
class StandInTask:
    uid: int
    index_uid: str | None
    type: str
    payload: dict[str, Json]
    details: dict[str, Json] | None
    enqueued_at: datetime
    status: str = "enqueued"
    batch_uid: int | None = None
    error: dict[str, str] | None = None
    canceled_by: int | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    custom_metadata: str | None = None
    injected_failure: dict[str, str] | None = None

    def summary(self) -> dict[str, Json]:
        return {
            "taskUid": self.uid,
            "indexUid": self.index_uid,
            "status": self.status,
            "type": self.type,
            "enqueuedAt": _iso(self.enqueued_at),
        }

    def view(self) -> dict[str, Json]:
        view: dict[str, Json] = {
            "uid": self.uid,
            "batchUid": self.batch_uid,
            "indexUid": self.index_uid,
            "status": self.status,
            "type": self.type,
            "canceledBy": self.canceled_by,
            "details": copy.deepcopy(self.details),
            "error": copy.deepcopy(self.error),
            "duration": (
                _iso_duration(self.started_at, self.finished_at)
                if self.started_at and self.finished_at
                else None
            ),
            "enqueuedAt": _iso(self.enqueued_at),
            "startedAt": _iso(self.started_at),
            "finishedAt": _iso(self.finished_at),
        }
        if self.custom_metadata is not None:
            view["customMetadata"] = self.custom_metadata
        return view


_TASK_STATUSES = ("enqueued", "processing", "succeeded", "failed", "canceled")


# ----------------------------------------------------------------------------------------
# HTTP plumbing
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request received by the stand-in."""

    method: str
    path: str
    query: dict[str, str]
    body: Json
    headers: dict[str, str]
    raw_query: str = ""

    @property
    def target(self) -> str:
        return self.path + (f"?{self.raw_query}" if self.raw_query else "")


Route = tuple[str, re.Pattern[str], str]


def _route(method: str, pattern: str, handler: str) -> Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return method, re.compile(f"^{regex}/?$"), handler


_SETTING_ROUTE_NAMES = {_kebab(name): name for name in SETTING_NAMES}

_ROUTES: list[Route] = [
    _route("GET", "/health", "_health"),
    _route("GET", "/version", "_version"),
    _route("GET", "/stats", "_global_stats"),
    _route("GET", "/experimental-features", "_get_features"),
    _route("PATCH", "/experimental-features", "_patch_features"),
    _route("GET", "/indexes", "_list_indexes"),
    _route("POST", "/indexes", "_create_index"),
    _route("GET", "/indexes/{uid}", "_get_index"),
    _route("PATCH", "/indexes/{uid}", "_update_index"),
    _route("DELETE", "/indexes/{uid}", "_delete_index"),
    _route("GET", "/indexes/{uid}/stats", "_index_stats"),
    _route("GET", "/indexes/{uid}/settings", "_get_settings"),
    _route("PATCH", "/indexes/{uid}/settings", "_patch_settings"),
    _route("DELETE", "/indexes/{uid}/settings", "_reset_settings"),
    _route("GET", "/indexes/{uid}/settings/{setting}", "_get_setting"),
    _route("PUT", "/indexes/{uid}/settings/{setting}", "_put_setting"),
    _route("PATCH", "/indexes/{uid}/settings/{setting}", "_put_setting"),
    _route("DELETE", "/indexes/{uid}/settings/{setting}", "_reset_setting"),
    _route("GET", "/indexes/{uid}/documents", "_get_documents"),
    _route("POST", "/indexes/{uid}/documents/fetch", "_fetch_documents"),
    _route("POST", "/indexes/{uid}/documents/delete-batch", "_delete_batch"),
    _route("POST", "/indexes/{uid}/documents/delete", "_delete_by_filter"),
    _route("POST", "/indexes/{uid}/documents", "_add_documents"),
    _route("PUT", "/indexes/{uid}/documents", "_update_documents"),
    _route("DELETE", "/indexes/{uid}/documents", "_delete_all_documents"),
    _route("GET", "/indexes/{uid}/documents/{id}", "_get_document"),
    _route("DELETE", "/indexes/{uid}/documents/{id}", "_delete_document"),
    _route("POST", "/indexes/{uid}/search", "_search"),
    _route("GET", "/indexes/{uid}/search", "_search_get"),
    _route("POST", "/multi-search", "_multi_search"),
    _route("POST", "/swap-indexes", "_swap_indexes"),
    _route("GET", "/tasks", "_list_tasks"),
    _route("GET", "/tasks/{task}", "_get_task"),
    _route("POST", "/tasks/cancel", "_cancel_tasks"),
    _route("DELETE", "/tasks", "_delete_tasks"),
    _route("GET", "/batches", "_list_batches"),
    _route("GET", "/batches/{batch}", "_get_batch"),
]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], standin: MeilisearchStandIn) -> None:
        super().__init__(address, _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "MeilisearchStandIn/" + STANDIN_VERSION

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, payload = self.server.standin._handle(
            method, unquote(parts.path), parts.query, raw, headers
        )
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("Meilisearch stand-in: " + format, *args)


# ----------------------------------------------------------------------------------------
# The stand-in
# ----------------------------------------------------------------------------------------


class MeilisearchStandIn:
    """A Meilisearch stand-in HTTP server on 127.0.0.1 with a free port.

    Parameters
    ----------
    api_key:
        Master key. When given, every route but ``/health`` requires
        ``Authorization: Bearer <api_key>``: a missing header answers ``401
        missing_authorization_header``, a wrong key ``403 invalid_api_key``, as Meilisearch does.
    processing_delay:
        Seconds each task spends ``processing`` (default 5 ms), so the state is observable.
        Can be changed at any time through the attribute of the same name.
    host, port:
        Where to listen; port 0 (default) picks a free port.

    Stand-in-only controls are Python methods, never HTTP endpoints: ``fail_next_tasks``,
    ``pause_processing`` / ``resume_processing`` / ``paused``, ``wait_until_idle``,
    ``clear_requests``, ``reset``, and read-only views (``requests``, ``find_requests``,
    ``tasks``, ``documents``, ``settings``, ``index_uids``). ``experimental_features`` is the
    dict ``/experimental-features`` shows (set ``containsFilter`` to allow ``CONTAINS``).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        processing_delay: float = 0.005,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.processing_delay = processing_delay
        self.experimental_features: dict[str, Json] = {
            "metrics": False,
            "logsRoute": False,
            "editDocumentsByFunction": False,
            "containsFilter": False,
            "network": False,
            "getTaskDocumentsRoute": False,
            "compositeEmbedders": False,
        }
        self._host = host
        self._port = port
        self._lock = threading.Condition(threading.RLock())
        self._indexes: dict[str, StandInIndex] = {}
        self._tasks: list[StandInTask] = []
        self._next_task_uid = 0
        self._requests: list[RecordedRequest] = []
        self._failures: list[dict[str, str]] = []
        self._paused = False
        self._stopping = False
        self._server: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> MeilisearchStandIn:
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _HTTPServer((self._host, self._port), self)
        serve = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="meilisearch-standin-http",
            daemon=True,
        )
        worker = threading.Thread(target=self._work, name="meilisearch-standin-tasks", daemon=True)
        self._threads = [serve, worker]
        for thread in self._threads:
            thread.start()
        logger.info("Meilisearch stand-in listening on %s", self.url)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._server = None
        self._threads = []
        logger.info("Meilisearch stand-in stopped")

    def __enter__(self) -> MeilisearchStandIn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the Meilisearch stand-in is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- stand-in controls ---------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def find_requests(
        self, method: str | None = None, path: str | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests with this method and/or exact path."""
        return [
            request
            for request in self.requests
            if (method is None or request.method == method)
            and (path is None or request.path == path)
        ]

    def fail_next_tasks(
        self,
        n: int = 1,
        code: str = "internal",
        message: str | None = None,
        error_type: str | None = None,
    ) -> None:
        """Make the next ``n`` tasks enqueued from now on end ``failed`` with this error.

        The failing tasks change nothing; their ``error`` is ``{message, code, type, link}``.
        """
        text = message or "Meilisearch stand-in: injected task failure."
        with self._lock:
            self._failures.extend(error_object(code, text, error_type) for _ in range(n))

    def pause_processing(self) -> None:
        """Leave new tasks ``enqueued`` until ``resume_processing``."""
        with self._lock:
            self._paused = True

    def resume_processing(self) -> None:
        with self._lock:
            self._paused = False
            self._lock.notify_all()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        self.pause_processing()
        try:
            yield
        finally:
            self.resume_processing()

    def wait_until_idle(self, timeout: float = 5.0) -> None:
        """Block until no task is enqueued or processing (raises TimeoutError)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while any(task.status in ("enqueued", "processing") for task in self._tasks):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("Meilisearch stand-in: tasks still pending")
                self._lock.wait(remaining)

    def reset(self) -> None:
        """Forget every index, task, recorded request and pending injected failure."""
        with self._lock:
            self._indexes.clear()
            self._tasks.clear()
            self._next_task_uid = 0
            self._requests.clear()
            self._failures.clear()

    def index_uids(self) -> list[str]:
        with self._lock:
            return sorted(self._indexes)

    def documents(self, uid: str) -> list[dict[str, Json]]:
        """The stored documents of an index (copies, in storage order)."""
        with self._lock:
            index = self._indexes.get(uid)
            return [] if index is None else copy.deepcopy(list(index.documents.values()))

    def settings(self, uid: str) -> dict[str, Json]:
        with self._lock:
            index = self._indexes.get(uid)
            if index is None:
                raise KeyError(uid)
            return copy.deepcopy(index.settings)

    def tasks(self) -> list[dict[str, Json]]:
        """Every task as GET /tasks/{uid} shows it, oldest first."""
        with self._lock:
            return [task.view() for task in self._tasks]

    # -- worker --------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and (
                    self._paused or not any(t.status == "enqueued" for t in self._tasks)
                ):
                    self._lock.wait()
                if self._stopping:
                    return
                task = self._next_task()
                task.status = "processing"
                task.batch_uid = task.uid
                task.started_at = _now()
                delay = self.processing_delay
            if delay > 0:
                time.sleep(delay)
            with self._lock:
                try:
                    if task.injected_failure is not None:
                        task.error = dict(task.injected_failure)
                        self._failed_details(task)
                        task.status = "failed"
                    else:
                        self._process(task)
                        task.status = "succeeded"
                except TaskError as error:
                    task.status = "failed"
                    task.error = error.body()
                    self._failed_details(task)
                except Exception as error:  # a stand-in bug must not kill the worker
                    logger.exception("Meilisearch stand-in: task %s crashed", task.uid)
                    task.status = "failed"
                    task.error = error_object("internal", f"Meilisearch stand-in: {error!r}")
                task.finished_at = _now()
                logger.debug("Meilisearch stand-in: task %s %s", task.uid, task.status)
                self._lock.notify_all()

    def _next_task(self) -> StandInTask:
        """Task cancelations first, then task deletions, then everything else by uid."""
        enqueued = [t for t in self._tasks if t.status == "enqueued"]
        priority = {"taskCancelation": 0, "taskDeletion": 1}
        return min(enqueued, key=lambda t: (priority.get(t.type, 2), t.uid))

    @staticmethod
    def _failed_details(task: StandInTask) -> None:
        if task.details is None:
            return
        for key in ("indexedDocuments", "deletedDocuments"):
            if key in task.details:
                task.details[key] = 0

    def _enqueue(
        self,
        kind: str,
        index_uid: str | None,
        payload: dict[str, Json],
        details: dict[str, Json] | None,
        query: dict[str, str],
    ) -> tuple[int, Json]:
        with self._lock:
            task = StandInTask(
                uid=self._next_task_uid,
                index_uid=index_uid,
                type=kind,
                payload=payload,
                details=details,
                enqueued_at=_now(),
                custom_metadata=query.get("customMetadata"),
            )
            self._next_task_uid += 1
            if self._failures:
                task.injected_failure = self._failures.pop(0)
            self._tasks.append(task)
            self._lock.notify_all()
            return 202, task.summary()

    def _process(self, task: StandInTask) -> None:
        kind = task.type
        payload = task.payload
        uid = task.index_uid
        details = task.details if task.details is not None else {}
        if kind == "indexSwap":
            self._process_swap(task)
            return
        if kind in ("taskCancelation", "taskDeletion"):
            self._process_task_management(task)
            return
        assert uid is not None
        now = _now()
        index = self._indexes.get(uid)
        if kind == "indexCreation":
            if index is not None:
                raise TaskError("index_already_exists", f"Index `{uid}` already exists.")
            self._indexes[uid] = StandInIndex(uid, payload.get("primaryKey"), now, now)
            return
        if kind == "documentAdditionOrUpdate":
            details["indexedDocuments"] = self._process_documents(
                uid,
                payload["documents"],
                payload.get("primaryKey"),
                payload["partial"],
                payload["skipCreation"],
            )
            return
        if kind == "settingsUpdate":
            if index is None:
                index = StandInIndex(uid, None, now, now)
                index.settings = apply_settings(index.settings, payload["settings"])
                self._indexes[uid] = index
            else:
                index.settings = apply_settings(index.settings, payload["settings"])
                index.touch(now)
            return
        if index is None:
            raise TaskError("index_not_found", f"Index `{uid}` not found.")
        if kind == "indexDeletion":
            details["deletedDocuments"] = len(index.documents)
            del self._indexes[uid]
        elif kind == "indexUpdate":
            self._process_index_update(index, payload)
        elif kind == "documentDeletion":
            details["deletedDocuments"] = self._process_deletion(index, payload)
        else:  # pragma: no cover - every enqueued kind is handled above
            raise TaskError("internal", f"Meilisearch stand-in: unknown task type {kind}")
        index.touch(now)

    def _process_documents(
        self,
        uid: str,
        documents: list[Json],
        primary_key_param: str | None,
        partial: bool,
        skip_creation: bool,
    ) -> int:
        index = self._indexes.get(uid)
        primary_key = index.primary_key if index is not None else None
        if primary_key is not None and primary_key_param and primary_key_param != primary_key:
            raise TaskError(
                "index_primary_key_already_exists",
                f"Index already has a primary key: `{primary_key}`.",
            )
        if primary_key is None:
            if primary_key_param:
                primary_key = primary_key_param
            elif documents:
                primary_key = _infer_primary_key(documents[0])
        prepared: list[tuple[str, dict[str, Json]]] = []
        for document in documents:
            assert primary_key is not None
            present, value = _primary_key_value(document, primary_key)
            if not present:
                raise TaskError(
                    "missing_document_id",
                    f"Document doesn't have a `{primary_key}` attribute: "
                    f"`{_compact_json(document)}`.",
                )
            document_id = _document_id(value)
            _check_geo(document, document_id)
            prepared.append((document_id, document))
        if skip_creation:
            known = index.documents if index is not None else {}
            prepared = [(key, document) for key, document in prepared if key in known]
            if index is None:
                return 0
        now = _now()
        if index is None:
            index = StandInIndex(uid, primary_key, now, now)
            self._indexes[uid] = index
        if index.primary_key is None:
            index.primary_key = primary_key
        for document_id, document in prepared:
            existing = index.documents.get(document_id)
            if partial and existing is not None:
                merged = dict(existing)
                merged.update(copy.deepcopy(document))
                index.documents[document_id] = merged
            else:
                index.documents[document_id] = copy.deepcopy(document)
            index.note_fields(index.documents[document_id])
        index.touch(now)
        return len(prepared)

    def _process_deletion(self, index: StandInIndex, payload: dict[str, Json]) -> int:
        if payload.get("all"):
            count = len(index.documents)
            index.documents.clear()
            index.field_order = []
            return count
        if "filter" in payload:
            node = parse_filter(
                payload["filter"],
                "invalid_document_filter",
                bool(self.experimental_features.get("containsFilter")),
            )
            try:
                check_filterable(node, index, "invalid_document_filter", prefix_index=False)
            except ApiError as error:
                raise TaskError(error.code, error.message) from None
            doomed = [
                document_id
                for document_id, document in index.documents.items()
                if node is None or evaluate_filter(node, document, index.flat(document_id))
            ]
        else:
            doomed = [
                document_id for document_id in payload["ids"] if document_id in index.documents
            ]
        for document_id in doomed:
            index.documents.pop(document_id, None)
        index.rebuild_fields()
        return len(doomed)

    def _process_index_update(self, index: StandInIndex, payload: dict[str, Json]) -> None:
        new_key = payload.get("primaryKey")
        if new_key is not None and new_key != index.primary_key:
            if index.documents:
                raise TaskError(
                    "index_primary_key_already_exists",
                    f"Index already has a primary key: `{index.primary_key}`.",
                )
            index.primary_key = new_key
        new_uid = payload.get("uid")
        if new_uid is not None and new_uid != index.uid:
            if new_uid in self._indexes:
                raise TaskError("index_already_exists", f"Index `{new_uid}` already exists.")
            del self._indexes[index.uid]
            index.uid = new_uid
            self._indexes[new_uid] = index

    def _process_swap(self, task: StandInTask) -> None:
        swaps: list[dict[str, Json]] = task.payload["swaps"]
        missing: list[str] = []
        clashing: list[str] = []
        for swap in swaps:
            left, right = swap["indexes"]
            if left not in self._indexes:
                missing.append(left)
            if swap.get("rename"):
                if right in self._indexes:
                    clashing.append(right)
            elif right not in self._indexes:
                missing.append(right)
        missing = sorted(set(missing))
        if len(missing) == 1:
            raise TaskError("index_not_found", f"Index `{missing[0]}` not found.")
        if missing:
            names = ", ".join(f"`{name}`" for name in missing)
            raise TaskError("index_not_found", f"Indexes {names} not found.")
        if clashing:
            names = ", ".join(f"`{name}`" for name in clashing)
            raise TaskError(
                "index_already_exists",
                f"Cannot rename to {names}: an index with this name already exists.",
            )
        now = _now()
        for swap in swaps:
            left, right = swap["indexes"]
            left_index = self._indexes.pop(left)
            right_index = self._indexes.pop(right, None)
            left_index.uid = right
            left_index.touch(now)
            self._indexes[right] = left_index
            if right_index is not None:
                right_index.uid = left
                right_index.touch(now)
                self._indexes[left] = right_index
            for earlier in self._tasks:
                if earlier.uid >= task.uid:
                    break
                if earlier.index_uid == left:
                    earlier.index_uid = right
                elif earlier.index_uid == right and not swap.get("rename"):
                    earlier.index_uid = left

    def _process_task_management(self, task: StandInTask) -> None:
        matched = [t for t in self._tasks if t.uid in task.payload["uids"] and t.uid != task.uid]
        details = task.details if task.details is not None else {}
        if task.type == "taskCancelation":
            canceled = 0
            for target in matched:
                if target.status == "enqueued":
                    target.status = "canceled"
                    target.canceled_by = task.uid
                    target.finished_at = _now()
                    canceled += 1
            details["canceledTasks"] = canceled
        else:
            finished = {t.uid for t in matched if t.status in ("succeeded", "failed", "canceled")}
            self._tasks = [t for t in self._tasks if t.uid not in finished]
            details["deletedTasks"] = len(finished)

    # -- request handling ----------------------------------------------------------------

    def _handle(
        self, method: str, path: str, raw_query: str, raw: bytes, headers: dict[str, str]
    ) -> tuple[int, Json]:
        query = {
            key: values[-1] for key, values in parse_qs(raw_query, keep_blank_values=True).items()
        }
        text = raw.decode("utf-8", errors="replace")
        body: Json = None
        body_error: str | None = None
        if text.strip():
            try:
                body = json.loads(text)
            except json.JSONDecodeError as error:
                body, body_error = text, str(error)
        with self._lock:
            self._requests.append(
                RecordedRequest(method, path, query, copy.deepcopy(body), headers, raw_query)
            )
        try:
            self._authorize(path, headers)
            if body_error is not None:
                raise ApiError(
                    400, "bad_request", f"The json payload provided is malformed. `{body_error}`."
                )
            for route_method, pattern, handler_name in _ROUTES:
                match = pattern.match(path)
                if match and route_method == method:
                    handler: Callable[..., tuple[int, Json]] = getattr(self, handler_name)
                    return handler(body=body, query=query, **match.groupdict())
            if any(pattern.match(path) for _, pattern, _ in _ROUTES):
                raise ApiError(
                    405,
                    "bad_request",
                    f"Meilisearch stand-in: method {method} not allowed on {path}.",
                )
            logger.warning("Meilisearch stand-in: %s %s is not implemented", method, path)
            return 501, error_object(
                "not_implemented",
                f"Meilisearch stand-in: {method} {path} is not implemented.",
                "internal",
            )
        except ApiError as error:
            return error.status, error.body()

    def _authorize(self, path: str, headers: dict[str, str]) -> None:
        if self.api_key is None or path.rstrip("/") == "/health":
            return
        authorization = headers.get("authorization")
        if not authorization:
            raise ApiError(
                401,
                "missing_authorization_header",
                "The Authorization header is missing. It must use the bearer authorization method.",
            )
        scheme, _, key = authorization.partition(" ")
        if scheme != "Bearer" or key.strip() != self.api_key:
            raise ApiError(403, "invalid_api_key", "The provided API key is invalid.")

    def _index(self, uid: str) -> StandInIndex:
        index = self._indexes.get(uid)
        if index is None:
            raise _index_not_found(uid)
        return index

    # -- routes: instance ----------------------------------------------------------------

    def _health(self, **_: Any) -> tuple[int, Json]:
        return 200, {"status": "available"}

    def _version(self, **_: Any) -> tuple[int, Json]:
        return 200, {
            "commitSha": "meilisearch-standin",
            "commitDate": "2025-01-01T00:00:00Z",
            "pkgVersion": STANDIN_VERSION,
        }

    def _global_stats(self, **_: Any) -> tuple[int, Json]:
        with self._lock:
            indexes = {uid: self._stats_of(index) for uid, index in self._indexes.items()}
            return 200, {
                "databaseSize": 0,
                "usedDatabaseSize": 0,
                "lastUpdate": _iso(
                    max((t.finished_at for t in self._tasks if t.finished_at), default=None)
                ),
                "indexes": indexes,
            }

    def _get_features(self, **_: Any) -> tuple[int, Json]:
        return 200, dict(self.experimental_features)

    def _patch_features(self, body: Json, **_: Any) -> tuple[int, Json]:
        if not isinstance(body, dict):
            raise _bad_type("bad_request", "", "an object", body)
        for name, value in body.items():
            if name not in self.experimental_features:
                raise _unknown_field(name, list(self.experimental_features))
            self.experimental_features[name] = value
        return 200, dict(self.experimental_features)

    # -- routes: indexes -----------------------------------------------------------------

    def _list_indexes(self, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        offset = _query_int(query, "offset", 0, "invalid_index_offset")
        limit = _query_int(query, "limit", 20, "invalid_index_limit")
        with self._lock:
            views = [self._indexes[uid].view() for uid in sorted(self._indexes)]
        return 200, {
            "results": views[offset : offset + limit],
            "offset": offset,
            "limit": limit,
            "total": len(views),
        }

    def _create_index(self, body: Json, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        if not isinstance(body, dict):
            raise _bad_type("bad_request", "", "an object", body)
        for name in body:
            if name not in ("uid", "primaryKey"):
                raise _unknown_field(name, ("uid", "primaryKey"))
        if "uid" not in body:
            raise ApiError(400, "missing_index_uid", "Missing field `uid`")
        uid = _validate_index_uid(body["uid"])
        primary_key = body.get("primaryKey")
        if primary_key is not None and not isinstance(primary_key, str):
            raise _bad_type("invalid_index_primary_key", ".primaryKey", "a string", primary_key)
        return self._enqueue(
            "indexCreation", uid, {"primaryKey": primary_key}, {"primaryKey": primary_key}, query
        )

    def _get_index(self, uid: str, **_: Any) -> tuple[int, Json]:
        with self._lock:
            return 200, self._index(uid).view()

    def _update_index(
        self, uid: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        if not isinstance(body, dict):
            raise _bad_type("bad_request", "", "an object", body)
        for name in body:
            if name not in ("primaryKey", "uid"):
                raise _unknown_field(name, ("primaryKey", "uid"))
        if body.get("uid") is not None:
            _validate_index_uid(body["uid"])
        details: dict[str, Json] = {"primaryKey": body.get("primaryKey")}
        if body.get("uid") is not None:
            details.update({"oldIndexUid": uid, "newIndexUid": body["uid"]})
        return self._enqueue("indexUpdate", uid, dict(body), details, query)

    def _delete_index(self, uid: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        return self._enqueue("indexDeletion", uid, {}, {"deletedDocuments": None}, query)

    def _stats_of(self, index: StandInIndex) -> dict[str, Json]:
        distribution: dict[str, int] = {}
        for document in index.documents.values():
            for path in _flatten(document).order:
                distribution[path] = distribution.get(path, 0) + 1
        indexing = any(
            t.index_uid == index.uid and t.status in ("enqueued", "processing") for t in self._tasks
        )
        return {
            "numberOfDocuments": len(index.documents),
            "rawDocumentDbSize": 0,
            "avgDocumentSize": 0,
            "isIndexing": indexing,
            "numberOfEmbeddings": 0,
            "numberOfEmbeddedDocuments": 0,
            "fieldDistribution": distribution,
        }

    def _index_stats(self, uid: str, **_: Any) -> tuple[int, Json]:
        with self._lock:
            return 200, self._stats_of(self._index(uid))

    # -- routes: settings ----------------------------------------------------------------

    def _get_settings(self, uid: str, **_: Any) -> tuple[int, Json]:
        with self._lock:
            return 200, copy.deepcopy(self._index(uid).settings)

    def _patch_settings(
        self, uid: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        _validate_index_uid(uid)
        settings = validate_settings(body)
        return self._enqueue(
            "settingsUpdate",
            uid,
            {"settings": copy.deepcopy(settings)},
            copy.deepcopy(settings),
            query,
        )

    def _reset_settings(self, uid: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        reset = dict.fromkeys(SETTING_NAMES)
        return self._enqueue("settingsUpdate", uid, {"settings": reset}, dict(reset), query)

    def _setting_name(self, setting: str) -> str:
        name = _SETTING_ROUTE_NAMES.get(setting)
        if name is None:
            raise ApiError(
                404, "not_found", f"Meilisearch stand-in: unknown settings route `{setting}`."
            )
        return name

    def _get_setting(self, uid: str, setting: str, **_: Any) -> tuple[int, Json]:
        name = self._setting_name(setting)
        with self._lock:
            return 200, copy.deepcopy(self._index(uid).settings[name])

    def _put_setting(
        self, uid: str, setting: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        name = self._setting_name(setting)
        return self._patch_settings(uid=uid, body={name: body}, query=query)

    def _reset_setting(
        self, uid: str, setting: str, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        name = self._setting_name(setting)
        return self._patch_settings(uid=uid, body={name: None}, query=query)

    # -- routes: documents ---------------------------------------------------------------

    def _documents_payload(self, body: Json) -> list[dict[str, Json]]:
        if body is None:
            raise ApiError(400, "missing_payload", "A json payload is missing.")
        documents = [body] if isinstance(body, dict) else body
        if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
            raise ApiError(
                400,
                "malformed_payload",
                "The `json` payload provided is malformed. `Couldn't serialize document value: "
                "data are neither an object nor a list of objects`.",
            )
        return documents

    def _add_documents(
        self, uid: str, body: Json, query: dict[str, str], partial: bool = False, **_: Any
    ) -> tuple[int, Json]:
        _validate_index_uid(uid)
        documents = self._documents_payload(body)
        payload = {
            "documents": copy.deepcopy(documents),
            "primaryKey": query.get("primaryKey") or None,
            "partial": partial,
            "skipCreation": query.get("skipCreation") == "true",
        }
        details = {"receivedDocuments": len(documents), "indexedDocuments": None}
        return self._enqueue("documentAdditionOrUpdate", uid, payload, details, query)

    def _update_documents(
        self, uid: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        return self._add_documents(uid=uid, body=body, query=query, partial=True)

    def _delete_batch(
        self, uid: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        if not isinstance(body, list):
            raise _bad_type("bad_request", "", "an array", body)
        ids: list[str] = []
        for value in body:
            if isinstance(value, int) and not isinstance(value, bool):
                ids.append(str(value))
            elif isinstance(value, str):
                ids.append(value)
            else:
                raise _bad_type("bad_request", "", "a string or an integer", value)
        details = {"providedIds": len(ids), "deletedDocuments": None, "originalFilter": None}
        return self._enqueue("documentDeletion", uid, {"ids": ids}, details, query)

    def _delete_by_filter(
        self, uid: str, body: Json, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        if not isinstance(body, dict) or body.get("filter") is None:
            raise ApiError(400, "missing_document_filter", "Missing field `filter`")
        parse_filter(
            body["filter"],
            "invalid_document_filter",
            bool(self.experimental_features.get("containsFilter")),
        )
        details = {
            "providedIds": 0,
            "deletedDocuments": None,
            "originalFilter": json.dumps(body["filter"], ensure_ascii=False),
        }
        return self._enqueue("documentDeletion", uid, {"filter": body["filter"]}, details, query)

    def _delete_all_documents(self, uid: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        details = {"providedIds": 0, "deletedDocuments": None, "originalFilter": None}
        return self._enqueue("documentDeletion", uid, {"all": True}, details, query)

    def _delete_document(
        self, uid: str, id: str, query: dict[str, str], **_: Any
    ) -> tuple[int, Json]:
        details = {"providedIds": 1, "deletedDocuments": None, "originalFilter": None}
        return self._enqueue("documentDeletion", uid, {"ids": [id]}, details, query)

    def _get_document(self, uid: str, id: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        with self._lock:
            index = self._index(uid)
            document = index.documents.get(id)
            if document is None:
                raise ApiError(404, "document_not_found", f"Document `{id}` not found.")
            fields = _split_fields(query.get("fields"))
            return 200, _select_fields(_displayed(index, document), fields)

    def _browse(
        self,
        uid: str,
        offset: int,
        limit: int,
        fields: list[str] | None,
        filter_value: Json,
        ids: list[str] | None,
        sort: list[str] | None,
    ) -> tuple[int, Json]:
        with self._lock:
            index = self._index(uid)
            node = parse_filter(
                filter_value,
                "invalid_document_filter",
                bool(self.experimental_features.get("containsFilter")),
            )
            check_filterable(node, index, "invalid_document_filter")
            selected = [
                document
                for document_id, document in index.documents.items()
                if (ids is None or document_id in ids)
                and (node is None or evaluate_filter(node, document, _flatten(document)))
            ]
            if sort:
                try:
                    criteria = _parse_sort(sort, index)
                except ApiError as error:
                    raise ApiError(400, "invalid_document_sort", error.message) from None
                selected.sort(key=lambda d: tuple(_sort_key(c, d, _flatten(d)) for c in criteria))
            results = [
                _select_fields(_displayed(index, document), fields)
                for document in selected[offset : offset + limit]
            ]
            return 200, {
                "results": results,
                "offset": offset,
                "limit": limit,
                "total": len(selected),
            }

    def _get_documents(self, uid: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        offset = _query_int(query, "offset", 0, "invalid_document_offset")
        limit = _query_int(query, "limit", 20, "invalid_document_limit")
        filter_value: Json = query.get("filter")
        if isinstance(filter_value, str) and filter_value.startswith("["):
            with contextlib.suppress(json.JSONDecodeError):
                filter_value = json.loads(filter_value)
        ids = _split_fields(query.get("ids"))
        sort = _split_fields(query.get("sort"))
        return self._browse(
            uid, offset, limit, _split_fields(query.get("fields")), filter_value, ids, sort
        )

    def _fetch_documents(self, uid: str, body: Json, **_: Any) -> tuple[int, Json]:
        body = body or {}
        if not isinstance(body, dict):
            raise _bad_type("bad_request", "", "an object", body)
        allowed = ("offset", "limit", "fields", "filter", "ids", "sort", "retrieveVectors")
        for name in body:
            if name not in allowed:
                raise _unknown_field(name, allowed)
        offset, limit = body.get("offset", 0), body.get("limit", 20)
        for name, value in (("offset", offset), ("limit", limit)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise _bad_type(f"invalid_document_{name}", "." + name, "a positive integer", value)
        ids = body.get("ids")
        return self._browse(
            uid,
            offset,
            limit,
            body.get("fields"),
            body.get("filter"),
            None if ids is None else [str(i) for i in ids],
            body.get("sort"),
        )

    # -- routes: search ------------------------------------------------------------------

    def _search(self, uid: str, body: Json, **_: Any) -> tuple[int, Json]:
        with self._lock:
            index = self._index(uid)
            return 200, perform_search(
                index,
                {} if body is None else body,
                bool(self.experimental_features.get("containsFilter")),
            )

    def _search_get(self, uid: str, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        body: dict[str, Json] = {}
        for name, value in query.items():
            if name in ("offset", "limit", "page", "hitsPerPage", "cropLength"):
                body[name] = int(value) if value.isdigit() else value
            elif name in (
                "attributesToRetrieve",
                "attributesToCrop",
                "attributesToHighlight",
                "sort",
                "facets",
                "attributesToSearchOn",
            ):
                body[name] = _split_fields(value)
            elif name in ("showMatchesPosition", "showRankingScore"):
                body[name] = value == "true"
            else:
                body[name] = value
        return self._search(uid=uid, body=body)

    def _multi_search(self, body: Json, **_: Any) -> tuple[int, Json]:
        if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
            raise ApiError(400, "missing_multi_search_queries", "Missing field `queries`")
        if body.get("federation") is not None:
            raise ApiError(
                400,
                "invalid_multi_search_federated",
                "Meilisearch stand-in: federated multi-search is not implemented.",
            )
        results = []
        for position, query in enumerate(body["queries"]):
            if not isinstance(query, dict) or "indexUid" not in query:
                raise ApiError(
                    400,
                    "missing_index_uid",
                    f"Missing field `indexUid` inside `.queries[{position}]`",
                )
            params = {k: v for k, v in query.items() if k not in ("indexUid", "federationOptions")}
            try:
                _status, result = self._search(uid=query["indexUid"], body=params)
            except ApiError as error:
                raise ApiError(
                    error.status, error.code, f"Inside `.queries[{position}]`: {error.message}"
                ) from None
            results.append({"indexUid": query["indexUid"], **result})
        return 200, {"results": results}

    # -- routes: swap ----------------------------------------------------------------------

    def _swap_indexes(self, body: Json, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        if not isinstance(body, list):
            raise _bad_type("bad_request", "", "an array", body)
        swaps: list[dict[str, Json]] = []
        seen: list[str] = []
        for position, swap in enumerate(body):
            if not isinstance(swap, dict):
                raise _bad_type("bad_request", f"[{position}]", "an object", swap)
            for name in swap:
                if name not in ("indexes", "rename"):
                    raise _unknown_field(name, ("indexes", "rename"), f"[{position}]")
            pair = swap.get("indexes")
            if pair is None:
                raise ApiError(
                    400, "missing_swap_indexes", f"Missing field `indexes` inside `[{position}]`"
                )
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(name, str) for name in pair)
            ):
                raise ApiError(
                    400,
                    "invalid_swap_indexes",
                    f"Invalid value at `[{position}].indexes`: two index uids must be specified "
                    "for a swap operation.",
                )
            for name in pair:
                _validate_index_uid(name)
            rename = bool(swap.get("rename", False))
            seen.extend(pair)
            swaps.append({"indexes": list(pair), "rename": rename})
        duplicates = sorted({name for name in seen if seen.count(name) > 1})
        if duplicates:
            if len(duplicates) == 1:
                message = (
                    f"Indexes must be declared only once during a swap. `{duplicates[0]}` "
                    "was specified several times."
                )
            else:
                names = ", ".join(f"`{name}`" for name in duplicates)
                message = (
                    f"Indexes must be declared only once during a swap. {names} were "
                    "specified several times."
                )
            raise ApiError(400, "invalid_swap_duplicate_index_found", message)
        return self._enqueue(
            "indexSwap", None, {"swaps": swaps}, {"swaps": copy.deepcopy(swaps)}, query
        )

    # -- routes: tasks ---------------------------------------------------------------------

    def _get_task(self, task: str, **_: Any) -> tuple[int, Json]:
        if not task.isdigit():
            raise ApiError(
                400,
                "invalid_task_uids",
                f"Invalid value in parameter `taskUid`: could not parse `{task}` as a "
                "positive integer",
            )
        with self._lock:
            for candidate in self._tasks:
                if candidate.uid == int(task):
                    return 200, candidate.view()
        raise ApiError(404, "task_not_found", f"Task `{task}` not found.")

    def _matching_tasks(self, query: dict[str, str]) -> list[StandInTask]:
        def values(name: str) -> list[str] | None:
            raw = query.get(name)
            if raw is None or raw == "*":
                return None
            return [part for part in raw.split(",") if part]

        uids = values("uids")
        statuses = values("statuses")
        for status in statuses or []:
            if status not in _TASK_STATUSES:
                raise ApiError(
                    400,
                    "invalid_task_statuses",
                    f"Invalid value in parameter `statuses`: `{status}` is not a valid task "
                    "status. Available statuses are `enqueued`, `processing`, `succeeded`, "
                    "`failed`, `canceled`.",
                )
        types = values("types")
        index_uids = values("indexUids")
        canceled_by = values("canceledBy")
        matched = []
        for task in self._tasks:
            swapped = [name for swap in task.payload.get("swaps", []) for name in swap["indexes"]]
            if uids is not None and str(task.uid) not in uids:
                continue
            if statuses is not None and task.status not in statuses:
                continue
            if types is not None and task.type not in types:
                continue
            if (
                index_uids is not None
                and task.index_uid not in index_uids
                and not (set(swapped) & set(index_uids))
            ):
                continue
            if canceled_by is not None and str(task.canceled_by) not in canceled_by:
                continue
            matched.append(task)
        return matched

    def _list_tasks(self, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        limit = _query_int(query, "limit", 20, "invalid_task_limit")
        start = query.get("from")
        reverse = query.get("reverse") == "true"
        with self._lock:
            matched = self._matching_tasks(query)
            ordered = sorted(matched, key=lambda t: t.uid, reverse=not reverse)
            if start is not None and start.isdigit():
                cut = int(start)
                ordered = [t for t in ordered if (t.uid >= cut if reverse else t.uid <= cut)]
            page = ordered[:limit]
            following = ordered[limit] if len(ordered) > limit else None
            return 200, {
                "results": [task.view() for task in page],
                "total": len(matched),
                "limit": limit,
                "from": page[0].uid if page else None,
                "next": following.uid if following else None,
            }

    def _task_management(self, kind: str, query: dict[str, str]) -> tuple[int, Json]:
        filters = {k: v for k, v in query.items() if k != "customMetadata"}
        if not filters:
            verb = "cancel" if kind == "taskCancelation" else "delete"
            raise ApiError(
                400,
                "missing_task_filters",
                f"Query parameters to filter the tasks to {verb} are missing. Available query "
                "parameters are: `uids`, "
                "`indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, "
                "`afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, "
                "`afterFinishedAt`.",
            )
        with self._lock:
            uids = [task.uid for task in self._matching_tasks(filters)]
        original = "?" + "&".join(f"{k}={v}" for k, v in filters.items())
        details: dict[str, Json] = {"matchedTasks": len(uids), "originalFilter": original}
        details["canceledTasks" if kind == "taskCancelation" else "deletedTasks"] = None
        return self._enqueue(kind, None, {"uids": uids}, details, query)

    def _cancel_tasks(self, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        return self._task_management("taskCancelation", query)

    def _delete_tasks(self, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        return self._task_management("taskDeletion", query)

    def _batch_view(self, task: StandInTask) -> dict[str, Json]:
        return {
            "uid": task.batch_uid,
            "details": copy.deepcopy(task.details),
            "stats": {
                "totalNbTasks": 1,
                "status": {task.status: 1},
                "types": {task.type: 1},
                "indexUids": {task.index_uid: 1} if task.index_uid else {},
            },
            "duration": task.view()["duration"],
            "startedAt": _iso(task.started_at),
            "finishedAt": _iso(task.finished_at),
            "progress": None,
        }

    def _list_batches(self, query: dict[str, str], **_: Any) -> tuple[int, Json]:
        limit = _query_int(query, "limit", 20, "invalid_batch_limit")
        with self._lock:
            batched = sorted(
                (t for t in self._tasks if t.batch_uid is not None),
                key=lambda t: t.uid,
                reverse=True,
            )
            page = batched[:limit]
            return 200, {
                "results": [self._batch_view(task) for task in page],
                "total": len(batched),
                "limit": limit,
                "from": page[0].uid if page else None,
                "next": batched[limit].uid if len(batched) > limit else None,
            }

    def _get_batch(self, batch: str, **_: Any) -> tuple[int, Json]:
        with self._lock:
            for task in self._tasks:
                if str(task.batch_uid) == batch:
                    return 200, self._batch_view(task)
        raise ApiError(404, "batch_not_found", f"Batch `{batch}` not found.")


def _query_int(query: dict[str, str], name: str, default: int, code: str) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise ApiError(
            400,
            code,
            f"Invalid value in parameter `{name}`: could not parse `{raw}` as a positive integer",
        )
    return int(raw)


def _split_fields(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]
