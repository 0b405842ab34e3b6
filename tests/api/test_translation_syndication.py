"""Language versions where other sites read them: JSON-LD (inLanguage, workTranslation,
translationOfWork), Atom and JSON Feed alternates, OAI-PMH (dc:language, dc:relation,
a set per language listed by ListSets), all from the publications read model."""

from __future__ import annotations

from typing import Any

import feedparser
from lxml import etree

from infra.bootstrap import Container
from tests.api.test_syndication import catch_up
from tests.api.test_translations import create, publish, revise, translate
from tests.conftest import Api

OAI = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}


def two_versions(api: Api, container: Container, story: dict[str, Any]) -> tuple[str, str]:
    original = create(api, story).json()["id"]
    publish(api, original)
    spanish = translate(api, original).json()["id"]
    revise(api, spanish, {"title": "Círculos matutinos"})
    publish(api, spanish)
    catch_up(container)
    return original, spanish


def test_jsonld_links_the_original_and_its_translation(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original, spanish = two_versions(api, container, ready_story)
    english = api.client.get(f"/api/v1/artifacts/{original}/jsonld").json()
    assert english["inLanguage"] == "en" and "translationOfWork" not in english
    (node,) = english["workTranslation"]
    assert node["inLanguage"] == "es" and node["name"] == "Círculos matutinos"
    assert node["@id"].endswith(f"/api/v1/artifacts/{spanish}")
    assert node["url"].endswith(f"/artifacts/{spanish}")
    translated = api.client.get(f"/api/v1/artifacts/{spanish}/jsonld").json()
    assert translated["inLanguage"] == "es" and "workTranslation" not in translated
    assert translated["translationOfWork"]["@id"].endswith(f"/api/v1/artifacts/{original}")
    assert translated["translationOfWork"]["inLanguage"] == "en"


def test_a_withdrawn_version_leaves_the_other_ones_records(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original, spanish = two_versions(api, container, ready_story)
    etag = api.client.get(
        f"/api/v1/artifacts/{spanish}?view=draft", headers=api.as_("editor")
    ).headers["ETag"]
    withdrawn = api.client.post(
        f"/api/v1/artifacts/{spanish}/withdraw",
        json={"reason": "Translation under review."},
        headers=api.as_("editor", **{"If-Match": etag}),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    catch_up(container)
    english = api.client.get(f"/api/v1/artifacts/{original}/jsonld").json()
    assert "workTranslation" not in english


def test_feeds_carry_an_alternate_per_language(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original, spanish = two_versions(api, container, ready_story)
    atom = feedparser.parse(api.client.get("/feeds/atom").content)
    entries = {e.id.rsplit("/", 1)[-1]: e for e in atom.entries}
    alternates = {
        link.get("hreflang"): link.href
        for link in entries[original].links
        if link.rel == "alternate" and link.type == "text/html"
    }
    assert alternates["en"].endswith(f"/artifacts/{original}")
    assert alternates["es"].endswith(f"/artifacts/{spanish}")
    items = {i["id"].rsplit("/", 1)[-1]: i for i in api.client.get("/feeds/json").json()["items"]}
    assert items[spanish]["language"] == "es"
    (other,) = items[spanish]["_commonplace"]["language_versions"]
    assert other["language"] == "en" and other["url"].endswith(f"/artifacts/{original}")


def test_oai_gives_the_language_and_a_set_per_language(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original, spanish = two_versions(api, container, ready_story)
    sets = etree.fromstring(api.client.get("/oai?verb=ListSets").content)
    names = {
        s.findtext("oai:setSpec", namespaces=OAI): s.findtext("oai:setName", namespaces=OAI)
        for s in sets.iterfind(".//oai:set", OAI)
    }
    assert names["language:es"] == "Language: Español"
    assert names["language:en"] == "Language: English"
    assert names["language"] == "Language"
    listed = etree.fromstring(
        api.client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&set=language:es").content
    )
    records = listed.findall(".//oai:record", OAI)
    assert len(records) == 1
    (record,) = records
    assert record.findtext(".//oai:identifier", namespaces=OAI).endswith(spanish)
    assert record.findtext(".//dc:language", namespaces=OAI) == "es"
    relations = [r.text for r in record.iterfind(".//dc:relation", OAI)]
    assert any(r.endswith(f"/api/v1/artifacts/{original}") for r in relations)
