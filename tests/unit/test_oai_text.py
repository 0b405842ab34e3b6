"""The OAI-PMH records written as text are byte for byte what lxml writes for them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from lxml import etree

from infra.syndication import oai_text
from infra.syndication.oai_protocol import OAI_NS, XSI_NS
from infra.syndication.oai_xml import commonplace, dublin_core

TRICKY = "A & B <c> \"d\" 'e'\tf\ng\rh \x01 é 𝄞 ]]> <!--x-->"


def in_page(item: Any) -> bytes:
    """An item inside an OAI-PMH root and list, serialised as the repository does."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    listed = etree.SubElement(root, f"{{{OAI_NS}}}ListRecords")
    if isinstance(item, str):
        listed.append(etree.Comment("items"))
        return bytes(etree.tostring(root, encoding="UTF-8")).replace(
            b"<!--items-->", item.encode(), 1
        )
    listed.append(item)
    return bytes(etree.tostring(root, encoding="UTF-8"))


def full(text: str) -> dict[str, Any]:
    return {
        "id": "0f0e0d0c-0b0a-4908-8706-050403020100",
        "kind": "story",
        "version": 3,
        "title": text,
        "summary": text,
        "body": f"# {text}\n\nbody",
        "language": "mi",
        "licence": {"uri": "https://creativecommons.org/licenses/by/4.0/", "label": text},
        "contributors": [
            {"name": text, "role": "storyteller"},
            {"name": "Ana", "role": "editor"},
            {"name": "Bo"},
        ],
        "themes": [text, "peer feedback", text],
        "date": "2020-02-03",
        "terms": [{"key": "f:t1", "label": text, "url": f"https://x.test/t?a=1&b={text}"}],
        "stage": "f:s1",
        "place": {
            "slug": "wai",
            "name": text,
            "kind": "town",
            "lat": -41.5,
            "lon": 174.25,
            "path": ["Aotearoa", text],
            "url": "https://x.test/p/wai",
        },
        "convening": "c1",
        "excursion": "e<1>",
        "adaptation_note": text,
        "adapted_from": {
            "uri": f"https://y.test/a?x={text}",
            "title": text,
            "version": 2,
            "site": "y.test",
            "ancestors": [{"uri": "https://z.test/1", "version": 1}, {"title": "no uri"}],
        },
        "published_at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "first_published_at": datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC),
        "urls": {"page": "https://x.test/a/1", "api": "https://x.test/api/1", "jsonld": None},
    }


def sparse() -> dict[str, Any]:
    return {
        "id": "1",
        "kind": "presentation-of-learning",
        "version": 1,
        "title": "",
        "language": "",
        "urls": {"page": "https://x.test/a", "api": "https://x.test/a"},
    }


RECORDS = [full(TRICKY), full("plain"), sparse(), {**sparse(), "licence": {"uri": ""}}]


@pytest.mark.parametrize("record", RECORDS)
def test_dublin_core_as_text_is_what_lxml_writes(record: dict[str, Any]) -> None:
    for publisher in (None, "Commonplace & Co"):
        assert in_page(oai_text.dublin_core(record, publisher)) == in_page(
            dublin_core(record, publisher)
        )


@pytest.mark.parametrize("record", RECORDS)
def test_commonplace_as_text_is_what_lxml_writes(record: dict[str, Any]) -> None:
    for labels in ({"f:s1": TRICKY}, {}):
        expected = commonplace(record, "https://x.test/schema.xsd", labels.get)
        written = oai_text.commonplace(record, "https://x.test/schema.xsd", labels.get)
        assert in_page(written) == in_page(expected)


def test_headers_as_text_are_what_lxml_writes() -> None:
    o = f"{{{OAI_NS}}}"
    for deleted in (False, True):
        header = etree.Element(o + "header")
        if deleted:
            header.set("status", "deleted")
        etree.SubElement(header, o + "identifier").text = "oai:x.test:1"
        etree.SubElement(header, o + "datestamp").text = "2024-05-06T07:08:09Z"
        for spec in ("kind:story", "place:a&b"):
            etree.SubElement(header, o + "setSpec").text = spec
        written = oai_text.header(
            "oai:x.test:1", 1714979289.5, ["kind:story", "place:a&b"], deleted
        )
        assert in_page(written) == in_page(header)
