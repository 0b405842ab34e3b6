"""OAI-PMH headers and records written straight to text, for the pages of a list.

A page of ``ListRecords`` holds a hundred records of about thirty elements each;
building them as lxml elements only to serialise them again cost most of a
harvest's server time. These functions write the same bytes lxml writes for the
elements of :mod:`~.oai_records` and :mod:`~.oai_xml` (inside an ``OAI-PMH`` root
that declares the OAI namespace as the default and ``xsi``), with the same text
cleaning and escaping; ``tests/unit/test_oai_text.py`` compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.values import ALL_RIGHTS_RESERVED
from infra.syndication.oai_protocol import (
    CP_NS,
    DC_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    clean,
    datestamp,
)
from infra.syndication.oai_xml import _iso, _source, _unique
from infra.syndication.records import AUTHOR_ROLES


def text(value: object) -> str:
    """Element text as lxml escapes it."""
    found = clean(value)
    if "&" in found:
        found = found.replace("&", "&amp;")
    if "<" in found:
        found = found.replace("<", "&lt;")
    if ">" in found:
        found = found.replace(">", "&gt;")
    if "\r" in found:
        found = found.replace("\r", "&#13;")
    return found


def attr(value: object) -> str:
    """An attribute value as lxml escapes it."""
    found = text(value)
    if '"' in found:
        found = found.replace('"', "&quot;")
    if "\n" in found or "\t" in found:
        found = found.replace("\n", "&#10;").replace("\t", "&#9;")
    return found


def attrs(**values: object) -> str:
    return "".join(
        f' {name}="{attr(value)}"' for name, value in values.items() if value is not None
    )


def element(tag: str, content: object = None, **values: object) -> str:
    """``<tag attrs>content</tag>``, or ``<tag attrs/>`` without content (as lxml writes)."""
    if not values:  # most elements: no attributes
        return f"<{tag}/>" if content is None else f"<{tag}>{text(content)}</{tag}>"
    if content is None:
        return f"<{tag}{attrs(**values)}/>"
    return f"<{tag}{attrs(**values)}>{text(content)}</{tag}>"


def header(identifier: str, stamp: float, sets: Iterable[str], deleted: bool) -> str:
    status = ' status="deleted"' if deleted else ""
    specs = "".join(f"<setSpec>{text(spec)}</setSpec>" for spec in sets)
    return (
        f"<header{status}><identifier>{text(identifier)}</identifier>"
        f"<datestamp>{datestamp(stamp)}</datestamp>{specs}</header>"
    )


def dublin_core(record: dict[str, Any], publisher: str | None = None) -> str:
    """``oai_dc``, as :func:`infra.syndication.oai_xml.dublin_core` writes it."""
    language = record.get("language") or None
    lang = f' xml:lang="{attr(language)}"' if language else ""
    parts = [f"<dc:title{lang}>{text(record['title'])}</dc:title>"]
    people = record.get("contributors") or []
    parts += [element("dc:creator", p["name"]) for p in people if p.get("role") in AUTHOR_ROLES]
    parts += [
        element("dc:contributor", f"{p['name']} ({p.get('role')})")
        for p in people
        if p.get("role") not in AUTHOR_ROLES
    ]
    labels = [t["label"] for t in record.get("terms") or []] + list(record.get("themes") or [])
    parts += [element("dc:subject", subject) for subject in _unique(labels)]
    if record.get("summary"):
        parts.append(f"<dc:description{lang}>{text(record['summary'])}</dc:description>")
    if publisher:
        parts.append(element("dc:publisher", publisher))
    published = _iso(record.get("first_published_at") or record.get("published_at"))
    dates = _unique([record.get("date"), published[:10] if published else None])
    parts += [element("dc:date", when) for when in dates]
    parts += [element("dc:type", record["kind"]), "<dc:type>Text</dc:type>"]
    parts.append("<dc:format>text/markdown</dc:format>")
    urls = _unique([record["urls"]["page"], record["urls"]["api"]])
    parts += [element("dc:identifier", url) for url in urls]
    if language:
        parts.append(element("dc:language", language))
    source = _source(record)
    if source is not None:
        parts.append(element("dc:relation", source["uri"]))
    for version in record.get("versions") or []:  # the same work in other languages
        parts.append(element("dc:relation", version["api"]))
    licence = record.get("licence") or {}
    if licence.get("uri") and licence["uri"] != ALL_RIGHTS_RESERVED:
        parts.append(element("dc:rights", licence["uri"]))
    else:
        parts.append(element("dc:rights", licence.get("label") or "All rights reserved"))
    place = record.get("place")
    if place:
        path = ", ".join(reversed(place.get("path") or [place["name"]]))
        parts.append(element("dc:coverage", path))
    return (
        f'<oai_dc:dc xmlns:oai_dc="{OAI_DC_NS}" xmlns:dc="{DC_NS}" '
        f'xsi:schemaLocation="{OAI_DC_NS} {OAI_DC_SCHEMA}">{"".join(parts)}</oai_dc:dc>'
    )


def commonplace(
    record: dict[str, Any], schema_url: str, stage_label: Callable[[str], str | None]
) -> str:
    """``commonplace``, as :func:`infra.syndication.oai_xml.commonplace` writes it."""
    opening = (
        "<cp:artifact"
        + f' xmlns:cp="{CP_NS}"'
        + attrs(
            **{"xsi:schemaLocation": f"{CP_NS} {schema_url}"},
            id=record["id"],
            kind=record["kind"],
            version=str(int(record["version"])),
        )
    )
    parts = [
        opening + ">",
        element("cp:title", record["title"]),
        element("cp:summary", record.get("summary") or ""),
        element("cp:body", record.get("body") or "", format="text/markdown"),
        element("cp:language", record.get("language") or "en"),
        _wrapped(
            "cp:contributors",
            [
                element("cp:contributor", p["name"], role=p.get("role") or "")
                for p in record.get("contributors") or []
            ],
        ),
        _wrapped("cp:terms", [_term(term) for term in record.get("terms") or []]),
        _stage(record.get("stage"), stage_label),
        _place(record.get("place")),
    ]
    licence = record.get("licence") or {}
    parts.append(element("cp:licence", licence.get("label") or "", uri=licence.get("uri") or ""))
    themes = [element("cp:theme", theme) for theme in record.get("themes") or []]
    parts.append(_wrapped("cp:themes", themes))
    parts.append(_wrapped("cp:dates", _dates(record)))
    for name in ("convening", "excursion"):
        if record.get(name):
            parts.append(element(f"cp:{name}", slug=record[name]))
    parts.append(_lineage(record))
    urls = record.get("urls") or {}
    links = element(
        "cp:links", page=urls.get("page"), api=urls.get("api"), jsonld=urls.get("jsonld")
    )
    return "".join(parts) + links + "</cp:artifact>"


def _wrapped(tag: str, children: list[str]) -> str:
    return f"<{tag}>{''.join(children)}</{tag}>" if children else f"<{tag}/>"


def _term(term: dict[str, Any]) -> str:
    framework, _, term_id = str(term["key"]).partition(":")
    return element("cp:term", term["label"], framework=framework, id=term_id, url=term["url"])


def _stage(stage: Any, stage_label: Callable[[str], str | None]) -> str:
    if not stage:
        return ""
    framework, _, stage_id = str(stage).partition(":")
    label = stage_label(str(stage)) or stage_id
    return element("cp:stage", label, framework=framework, id=stage_id)


def _place(place: dict[str, Any] | None) -> str:
    if not place:
        return ""
    values = {k: place.get(k) for k in ("kind", "lat", "lon", "url")}
    path = _wrapped("cp:path", [element("cp:part", name) for name in place.get("path") or []])
    name = element("cp:name", place["name"])
    return f"<cp:place{attrs(slug=place['slug'], **values)}>{name}{path}</cp:place>"


def _dates(record: dict[str, Any]) -> list[str]:
    dates = []
    if record.get("date"):
        dates.append(element("cp:date", record["date"]))
    if record.get("first_published_at"):
        dates.append(element("cp:firstPublished", _iso(record["first_published_at"])))
    if record.get("published_at"):
        dates.append(element("cp:published", _iso(record["published_at"])))
    return dates


def _lineage(record: dict[str, Any]) -> str:
    source = _source(record)
    if source is None and not record.get("adaptation_note"):
        return ""
    children = []
    if source is not None:
        works = [("adaptedFrom", source)]
        works += [("ancestor", a) for a in source.get("ancestors") or [] if a.get("uri")]
        for tag, work in works:
            values = {"version": work.get("version"), "site": work.get("site")}
            children.append(
                element(f"cp:{tag}", work.get("title") or "", uri=work["uri"], **values)
            )
    if record.get("adaptation_note"):
        children.append(element("cp:adaptationNote", record["adaptation_note"]))
    return _wrapped("cp:lineage", children)
