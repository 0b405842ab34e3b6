"""OAI-PMH metadata as XML: Dublin Core (``oai_dc``) and the archive's own ``commonplace``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lxml import etree

from domain.values import ALL_RIGHTS_RESERVED
from infra.syndication.oai_protocol import (
    CP_NS,
    DC_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    SCHEMA_LOCATION,
    XML_LANG,
    XSI_NS,
    clean,
    datestamp,
)
from infra.syndication.records import AUTHOR_ROLES

_SubElement = etree.SubElement


def sub(parent: Any, tag: str, text: object = None, **attrs: object) -> Any:
    if attrs:
        element = _SubElement(
            parent, tag, {name: clean(value) for name, value in attrs.items() if value is not None}
        )
    else:
        element = _SubElement(parent, tag)
    if text is not None:
        element.text = clean(text)
    return element


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return datestamp(value.timestamp())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# -- metadata formats -----------------------------------------------------------


@dataclass(frozen=True)
class Format:
    prefix: str
    schema: str
    namespace: str


def dublin_core(record: dict[str, Any], publisher: str | None = None) -> Any:
    """``oai_dc``: simple Dublin Core."""
    dc = f"{{{DC_NS}}}"
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(SCHEMA_LOCATION, f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    language = record.get("language") or None
    title = sub(root, dc + "title", record["title"])
    if language:
        title.set(XML_LANG, clean(language))
    people = record.get("contributors") or []
    for person in people:
        if person.get("role") in AUTHOR_ROLES:
            sub(root, dc + "creator", person["name"])
    for person in people:
        if person.get("role") not in AUTHOR_ROLES:
            sub(root, dc + "contributor", f"{person['name']} ({person.get('role')})")
    for subject in _unique(
        [t["label"] for t in record.get("terms") or []] + list(record.get("themes") or [])
    ):
        sub(root, dc + "subject", subject)
    if record.get("summary"):
        description = sub(root, dc + "description", record["summary"])
        if language:
            description.set(XML_LANG, clean(language))
    if publisher:
        sub(root, dc + "publisher", publisher)
    published = _iso(record.get("first_published_at") or record.get("published_at"))
    for when in _unique([record.get("date"), published[:10] if published else None]):
        sub(root, dc + "date", when)
    sub(root, dc + "type", record["kind"])
    sub(root, dc + "type", "Text")  # the DCMI Type Vocabulary term
    sub(root, dc + "format", "text/markdown")
    for url in _unique([record["urls"]["page"], record["urls"]["api"]]):
        sub(root, dc + "identifier", url)
    if language:
        sub(root, dc + "language", language)
    source = _source(record)
    if source is not None:
        sub(root, dc + "relation", source["uri"])
    for version in record.get("versions") or []:  # the same work in other languages
        sub(root, dc + "relation", version["api"])
    licence = record.get("licence") or {}
    if licence.get("uri") and licence["uri"] != ALL_RIGHTS_RESERVED:
        sub(root, dc + "rights", licence["uri"])
    else:
        sub(root, dc + "rights", licence.get("label") or "All rights reserved")
    place = record.get("place")
    if place:
        sub(root, dc + "coverage", ", ".join(reversed(place.get("path") or [place["name"]])))
    return root


def commonplace(
    record: dict[str, Any], schema_url: str, stage_label: Callable[[str], str | None]
) -> Any:
    """``commonplace``: everything the archive publishes about an artifact."""
    cp = f"{{{CP_NS}}}"
    root = etree.Element(cp + "artifact", nsmap={"cp": CP_NS, "xsi": XSI_NS})
    root.set(SCHEMA_LOCATION, f"{CP_NS} {schema_url}")
    root.set("id", clean(record["id"]))
    root.set("kind", clean(record["kind"]))
    root.set("version", str(int(record["version"])))
    sub(root, cp + "title", record["title"])
    sub(root, cp + "summary", record.get("summary") or "")
    sub(root, cp + "body", record.get("body") or "", format="text/markdown")
    sub(root, cp + "language", record.get("language") or "en")
    people = sub(root, cp + "contributors")
    for person in record.get("contributors") or []:
        sub(people, cp + "contributor", person["name"], role=person.get("role") or "")
    terms = sub(root, cp + "terms")
    for term in record.get("terms") or []:
        framework, _, term_id = str(term["key"]).partition(":")
        sub(terms, cp + "term", term["label"], framework=framework, id=term_id, url=term["url"])
    stage = record.get("stage")
    if stage:
        framework, _, stage_id = str(stage).partition(":")
        label = stage_label(str(stage)) or stage_id
        sub(root, cp + "stage", label, framework=framework, id=stage_id)
    place = record.get("place")
    if place:
        node = sub(
            root,
            cp + "place",
            slug=place["slug"],
            kind=place.get("kind"),
            lat=place.get("lat"),
            lon=place.get("lon"),
            url=place.get("url"),
        )
        sub(node, cp + "name", place["name"])
        path = sub(node, cp + "path")
        for name in place.get("path") or []:
            sub(path, cp + "part", name)
    licence = record.get("licence") or {}
    sub(root, cp + "licence", licence.get("label") or "", uri=licence.get("uri") or "")
    themes = sub(root, cp + "themes")
    for theme in record.get("themes") or []:
        sub(themes, cp + "theme", theme)
    dates = sub(root, cp + "dates")
    if record.get("date"):
        sub(dates, cp + "date", record["date"])
    if record.get("first_published_at"):
        sub(dates, cp + "firstPublished", _iso(record["first_published_at"]))
    if record.get("published_at"):
        sub(dates, cp + "published", _iso(record["published_at"]))
    if record.get("convening"):
        sub(root, cp + "convening", slug=record["convening"])
    if record.get("excursion"):
        sub(root, cp + "excursion", slug=record["excursion"])
    source = _source(record)
    if source is not None or record.get("adaptation_note"):
        lineage = sub(root, cp + "lineage")
        if source is not None:
            for tag, work in [
                ("adaptedFrom", source),
                *(("ancestor", a) for a in source.get("ancestors") or [] if a.get("uri")),
            ]:
                sub(
                    lineage,
                    cp + tag,
                    work.get("title") or "",
                    uri=work["uri"],
                    version=work.get("version"),
                    site=work.get("site"),
                )
        if record.get("adaptation_note"):
            sub(lineage, cp + "adaptationNote", record["adaptation_note"])
    urls = record.get("urls") or {}
    sub(root, cp + "links", page=urls.get("page"), api=urls.get("api"), jsonld=urls.get("jsonld"))
    return root


def _source(record: dict[str, Any]) -> dict[str, Any] | None:
    """What the artifact was adapted from, if it names a source."""
    source = record.get("adapted_from")
    return source if isinstance(source, dict) and source.get("uri") else None


def _unique(values: Iterable[Any]) -> list[Any]:
    return [v for v in dict.fromkeys(values) if v not in (None, "")]
