"""OAI-PMH 2.0 at /oai, harvested by real harvesters (Sickle and oaipmh-scythe) over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig
from sickle import Sickle
from sickle import oaiexceptions as sickle_errors

from domain.app.records import Records
from domain.application import Archive
from domain.values import ALL_RIGHTS_RESERVED
from infra.bootstrap import Container, build_oai_repository, build_records
from infra.syndication import oai
from infra.syndication.records import RecordFormat
from services.api.app import create_app
from services.api.routes import oai as oai_routes
from services.indexer.runner import Indexer
from tests.conftest import EDITOR, PARTNER, READY_STORY

NS = {
    "o": oai.OAI_NS,
    "oai_dc": oai.OAI_DC_NS,
    "dc": oai.DC_NS,
    "cp": oai.CP_NS,
    "id": oai.OAI_ID_NS,
}
PAGE = 3


# -- a real server ------------------------------------------------------------------


class Server:
    """The app under uvicorn on a free loopback port, in a background thread."""

    def __init__(self, container: Container) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        # Records and identifiers are addressed from the site's base URL: this server.
        container.settings.base_url = self.base_url
        container.records = build_records(container.archive, self.base_url, container.renderer)
        app = create_app(container=container)
        if not any(getattr(route, "path", None) == "/oai" for route in app.routes):
            app.include_router(oai_routes.router)
        self.repository = build_oai_repository(container, page_size=PAGE)
        container.oai = self.repository
        # Lifespan off: the app would close the container, which the fixture owns.
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: self.server.run(sockets=[self.sock]), daemon=True
        )
        self.endpoint = f"{self.base_url}/oai"
        self.host = "127.0.0.1"
        self.http = httpx.Client(timeout=10)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.http.close()

    def get(self, **params: str) -> etree._Element:
        response = self.http.get(self.endpoint, params=params)
        return self._parsed(response)

    def post(self, params: list[tuple[str, str]]) -> etree._Element:
        return self._parsed(self.http.post(self.endpoint, data=dict(params)))

    def raw(self, query: str) -> etree._Element:
        return self._parsed(self.http.get(f"{self.endpoint}?{query}"))

    @staticmethod
    def _parsed(response: httpx.Response) -> etree._Element:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/xml; charset=utf-8"
        root = etree.fromstring(response.content)
        assert root.tag == f"{{{oai.OAI_NS}}}OAI-PMH"
        return root

    def oai_id(self, artifact_id: str) -> str:
        return f"oai:{self.host}:{artifact_id}"


@pytest.fixture
def server(container: Container) -> Iterator[Server]:
    running = Server(container)
    running.start()
    yield running
    running.stop()


# -- content ------------------------------------------------------------------------


@dataclass
class Corpus:
    public: list[str] = field(default_factory=list)
    withdrawn: str = ""
    members_only: str = ""
    draft: str = ""
    england: str = ""


def create(archive: Archive, kind: str = "story", **changes: Any) -> tuple[str, int]:
    content: dict[str, Any] = {**READY_STORY, **changes}
    if kind == "excursion-synthesis":
        content["excursion"] = "desert-view-voice"
    created = archive.artifacts.create(PARTNER, kind, content)
    return created.id, created.version


def publish(
    archive: Archive, kind: str = "story", visibility: str | None = None, **changes: Any
) -> str:
    artifact_id, version = create(archive, kind, **changes)
    archive.artifacts.publish(EDITOR, UUID(artifact_id), version, visibility=visibility)
    return artifact_id


def catch_up(container: Container) -> None:
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
    ).catch_up()


def seed(container: Container) -> Corpus:
    """Seven public artifacts of three kinds, one withdrawn, one members-only, one draft."""
    archive = container.archive
    corpus = Corpus()
    for n in range(5):
        corpus.public.append(publish(archive, title=f"Story {n}", themes=["belonging", f"t{n}"]))
    corpus.public.append(
        publish(
            archive,
            "presentation-of-learning",
            title="Presentation",
            contributors=[
                {"name": "Sam", "role": "presenter"},
                {"name": "Ana R.", "role": "local-leader"},
            ],
        )
    )
    corpus.england = publish(
        archive,
        "excursion-synthesis",
        title="Synthesis",
        place="england",
        terms=["principles:see-the-system"],
        stage="conditions:developing",
    )
    corpus.public.append(corpus.england)
    corpus.withdrawn = publish(archive, title="Soon withdrawn")
    archive.artifacts.withdraw(EDITOR, UUID(corpus.withdrawn), "Consent was withdrawn.")
    corpus.members_only = publish(archive, visibility="members", title="Members only")
    corpus.draft, _ = create(archive, title="Just a draft")
    catch_up(container)
    return corpus


def ids(server: Server, items: list[Any]) -> list[str]:
    prefix = f"oai:{server.host}:"
    found = [
        item.header.identifier if hasattr(item, "header") else item.identifier for item in items
    ]
    assert all(i.startswith(prefix) for i in found)
    return [i.removeprefix(prefix) for i in found]


# -- schemas ------------------------------------------------------------------------

DC_ELEMENTS = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
)
SIMPLE_ELEMENTS = "".join(
    f'<xs:element name="{name}" type="dc:elementType" xmlns:dc="{oai.DC_NS}"/>'
    for name in DC_ELEMENTS
)
REFERENCES = "".join(f'<xs:element ref="dc:{name}"/>' for name in DC_ELEMENTS)

SIMPLE_DC = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{oai.DC_NS}"
           elementFormDefault="qualified">
  <xs:complexType name="elementType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:anyAttribute namespace="http://www.w3.org/XML/1998/namespace" processContents="skip"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  {SIMPLE_ELEMENTS}
</xs:schema>
"""  # the fifteen elements of simpledc20021212.xsd

OAI_DC = f"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:dc="{oai.DC_NS}"
           targetNamespace="{oai.OAI_DC_NS}" elementFormDefault="qualified">
  <xs:import namespace="{oai.DC_NS}" schemaLocation="simpledc.xsd"/>
  <xs:element name="dc">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        {REFERENCES}
      </xs:choice>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""  # the structure of the official oai_dc.xsd


@pytest.fixture
def oai_dc_schema(tmp_path: Path) -> etree.XMLSchema:
    (tmp_path / "simpledc.xsd").write_text(SIMPLE_DC)
    (tmp_path / "oai_dc.xsd").write_text(OAI_DC)
    return etree.XMLSchema(etree.parse(str(tmp_path / "oai_dc.xsd")))


def commonplace_schema(server: Server) -> etree.XMLSchema:
    response = server.http.get(server.base_url + oai.CP_SCHEMA_PATH)
    assert response.status_code == 200
    return etree.XMLSchema(etree.fromstring(response.content))


def error_code(root: etree._Element) -> str:
    errors = root.findall("o:error", NS)
    assert len(errors) == 1, etree.tostring(root)
    return str(errors[0].get("code"))


# -- harvests -----------------------------------------------------------------------


def test_full_harvest_in_pages_with_sickle(
    container: Container, server: Server, oai_dc_schema: etree.XMLSchema
) -> None:
    corpus = seed(container)
    sickle = Sickle(server.endpoint)
    expected = {*corpus.public, corpus.withdrawn}

    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert sorted(ids(server, records)) == sorted(expected)  # 8 items: three pages of three
    assert len(ids(server, records)) == len(expected)  # nothing twice
    by_id = dict(zip(ids(server, records), records, strict=True))
    assert by_id[corpus.withdrawn].deleted and not hasattr(by_id[corpus.withdrawn], "metadata")
    assert by_id[corpus.withdrawn].xml.find("o:metadata", NS) is None
    for artifact_id in corpus.public:
        record = by_id[artifact_id]
        assert not record.deleted
        dc = record.xml.find("o:metadata/oai_dc:dc", NS)
        oai_dc_schema.assertValid(dc)
    story = by_id[corpus.public[0]].metadata
    assert story["title"] == ["Story 0"]
    assert story["creator"] == ["Ms. Lopez"]
    assert {"Lead with learning", "Culture", "belonging", "t0"} <= set(story["subject"])
    assert story["description"] == [READY_STORY["summary"]]
    assert "story" in story["type"]
    assert story["identifier"] == [
        f"{server.base_url}/artifacts/{corpus.public[0]}",
        f"{server.base_url}/api/v1/artifacts/{corpus.public[0]}",
    ]
    assert story["rights"] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert story["language"] == ["en"] and "2023-02-16" in story["date"]
    coverage = "Desert View High School, Sunnyside Unified School District, Tucson, Arizona"
    assert story["coverage"] == [f"{coverage}, United States"]
    presentation = by_id[corpus.public[5]].metadata
    assert presentation["creator"] == ["Sam"]
    assert presentation["contributor"] == ["Ana R. (local-leader)"]
    assert "presentation-of-learning" in presentation["type"]

    # The rich format, valid against the schema the repository serves.
    schema = commonplace_schema(server)
    rich = list(sickle.ListRecords(metadataPrefix="commonplace"))
    assert sorted(ids(server, rich)) == sorted(expected)
    for record in rich:
        if record.deleted:
            continue
        artifact = record.xml.find("o:metadata/cp:artifact", NS)
        schema.assertValid(artifact)
    synthesis = next(r for r in rich if not r.deleted and corpus.england in r.header.identifier)
    artifact = synthesis.xml.find("o:metadata/cp:artifact", NS)
    assert artifact.get("kind") == "excursion-synthesis"
    assert artifact.findtext("cp:body", namespaces=NS) == READY_STORY["body"]
    assert artifact.find("cp:body", NS).get("format") == "text/markdown"
    term = artifact.find("cp:terms/cp:term", NS)
    assert (term.get("framework"), term.get("id")) == ("principles", "see-the-system")
    assert term.text.startswith("See the system")
    assert term.get("url").endswith("/api/v1/browse/terms/principles/see-the-system")
    stage = artifact.find("cp:stage", NS)
    assert (stage.get("framework"), stage.get("id"), stage.text) == (
        "conditions",
        "developing",
        "Developing",
    )
    place = artifact.find("cp:place", NS)
    assert place.get("slug") == "england" and float(place.get("lat")) == 52.4
    assert artifact.find("cp:licence", NS).get("uri").startswith("https://creativecommons.org")
    assert artifact.find("cp:excursion", NS).get("slug") == "desert-view-voice"

    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert ids(server, headers) == ids(server, records)  # the same order: by log position
    assert [h.deleted for h in headers].count(True) == 1


def test_pages_carry_resumption_tokens_and_the_last_an_empty_one(
    container: Container, server: Server
) -> None:
    corpus = seed(container)
    total = len(corpus.public) + 1
    first = server.get(verb="ListIdentifiers", metadataPrefix="commonplace")
    token = first.find("o:ListIdentifiers/o:resumptionToken", NS)
    assert len(first.findall("o:ListIdentifiers/o:header", NS)) == PAGE
    assert token.get("completeListSize") == str(total) and token.get("cursor") == "0"
    assert token.get("expirationDate").endswith("Z") and token.text
    seen, cursor = PAGE, PAGE
    while token.text:
        # By POST, as harvesters may; the request element echoes the token alone.
        page = server.post([("verb", "ListIdentifiers"), ("resumptionToken", token.text)])
        assert page.find("o:request", NS).attrib == {
            "verb": "ListIdentifiers",
            "resumptionToken": token.text,
        }
        token = page.find("o:ListIdentifiers/o:resumptionToken", NS)
        assert token.get("cursor") == str(cursor)
        count = len(page.findall("o:ListIdentifiers/o:header", NS))
        seen, cursor = seen + count, cursor + count
    assert seen == total
    assert token.get("completeListSize") == str(total) and token.get("expirationDate") is None
    # A list that fits on one page has no token at all.
    one = server.get(verb="ListRecords", metadataPrefix="oai_dc", set="kind:excursion-synthesis")
    assert len(one.findall("o:ListRecords/o:record", NS)) == 1
    assert one.find("o:ListRecords/o:resumptionToken", NS) is None


def test_identify_formats_sets_and_get_record(container: Container, server: Server) -> None:
    corpus = seed(container)
    sickle = Sickle(server.endpoint)
    identify = sickle.Identify()
    assert identify.repositoryName == "Commonplace"
    assert identify.baseURL == server.endpoint
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert "@" in identify.adminEmail
    earliest = container.publications.earliest()
    assert identify.earliestDatestamp == oai.datestamp(earliest)

    formats = {f.metadataPrefix: f for f in sickle.ListMetadataFormats()}
    assert set(formats) == {"oai_dc", "commonplace"}
    assert formats["oai_dc"].metadataNamespace == oai.OAI_DC_NS
    assert formats["commonplace"].schema == server.base_url + oai.CP_SCHEMA_PATH
    for_item = sickle.ListMetadataFormats(identifier=server.oai_id(corpus.withdrawn))
    assert {f.metadataPrefix for f in for_item} == {"oai_dc", "commonplace"}

    sets = {s.setSpec: s.setName for s in sickle.ListSets()}
    assert sets["kind:story"] == "Kind: Story"
    assert sets["kind:presentation-of-learning"] == "Kind: Presentation of learning"
    assert sets["principle:lead-with-learning"] == "Principle: Lead with learning"
    assert sets["place:arizona"] == "Place: Arizona"
    assert sets["place:desert-view"] == "Place: Desert View High School"
    assert sets["kind"] == "Kind" and "place" in sets and "principle" in sets

    record = sickle.GetRecord(identifier=server.oai_id(corpus.public[1]), metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["Story 1"]
    assert set(record.header.setSpecs) >= {
        "kind:story",
        "place:arizona",
        "place:tucson",
        "principle:lead-with-learning",
    }
    rich = sickle.GetRecord(
        identifier=server.oai_id(corpus.public[1]), metadataPrefix="commonplace"
    )
    assert rich.xml.find("o:metadata/cp:artifact", NS).get("id") == corpus.public[1]
    gone = sickle.GetRecord(identifier=server.oai_id(corpus.withdrawn), metadataPrefix="oai_dc")
    assert gone.deleted and gone.xml.find("o:metadata", NS) is None
    for hidden in (corpus.members_only, corpus.draft):
        with pytest.raises(sickle_errors.IdDoesNotExist):
            sickle.GetRecord(identifier=server.oai_id(hidden), metadataPrefix="oai_dc")


def test_members_only_and_drafts_never_appear(container: Container, server: Server) -> None:
    corpus = seed(container)
    hidden = {corpus.members_only, corpus.draft}
    everything: list[str] = []
    with Scythe(server.endpoint) as scythe:
        for prefix in ("oai_dc", "commonplace"):
            everything += ids(server, list(scythe.list_records(metadata_prefix=prefix)))
            everything += ids(server, list(scythe.list_identifiers(metadata_prefix=prefix)))
    assert everything and not hidden & set(everything)
    body = server.http.get(
        server.endpoint, params={"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    )
    assert "Members only" not in body.text and "Just a draft" not in body.text


def test_incremental_harvest_sees_only_newer_changes(container: Container, server: Server) -> None:
    archive = container.archive
    first = [publish(archive, title=f"First {n}") for n in range(3)]
    catch_up(container)
    last = container.publications.get(first[-1]).datestamp
    time.sleep(max(0.0, int(last) + 1 - time.time() + 0.01))  # datestamps are to the second
    changed = first[0]
    artifact = archive.artifacts.load(UUID(changed))
    revised = archive.artifacts.revise(PARTNER, UUID(changed), artifact.version, {"title": "New"})
    archive.artifacts.publish(EDITOR, UUID(changed), revised.version)
    archive.artifacts.withdraw(EDITOR, UUID(first[1]), "No longer agreed.")
    added = publish(archive, title="Later")
    catch_up(container)
    since = oai.datestamp(container.publications.get(changed).datestamp)

    # oaipmh-scythe, asking by POST.
    with Scythe(server.endpoint, http_config=HTTPConfig(http_method="POST")) as scythe:
        newer = list(scythe.list_records(metadata_prefix="oai_dc", from_=since))
        assert sorted(ids(server, newer)) == sorted([changed, first[1], added])
        titles = {r.header.identifier: getattr(r, "metadata", {}).get("title") for r in newer}
        assert titles[server.oai_id(changed)] == ["New"]
        deleted = [r.header.identifier for r in newer if r.header.deleted]
        assert deleted == [server.oai_id(first[1])]
        # until is inclusive: the second before the changes holds only the first three.
        before = oai.datestamp(int(last))
        older = list(scythe.list_identifiers(metadata_prefix="oai_dc", until=before))
        assert sorted(ids(server, older)) == [first[2]]
        day = before[:10]
        whole_day = list(scythe.list_identifiers(metadata_prefix="oai_dc", from_=day, until=day))
        assert len(whole_day) == 4 or day != since[:10]


def test_selective_harvest_by_set(container: Container, server: Server) -> None:
    corpus = seed(container)
    sickle = Sickle(server.endpoint)
    arizona = ids(
        server, list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="place:arizona"))
    )
    # Every story is at Desert View High School, in Tucson, in Arizona; the synthesis is in
    # England. The withdrawn story keeps its sets, so harvesters of the set learn it went.
    assert sorted(arizona) == sorted([*corpus.public[:6], corpus.withdrawn])
    tucson = ids(server, list(sickle.ListRecords(metadataPrefix="oai_dc", set="place:tucson")))
    assert sorted(tucson) == sorted(arizona)
    england = ids(server, list(sickle.ListRecords(metadataPrefix="oai_dc", set="place:england")))
    assert england == [corpus.england]
    kinds = ids(server, list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="kind:story")))
    assert sorted(kinds) == sorted([*corpus.public[:5], corpus.withdrawn])
    # The parent of the hierarchy holds every item.
    assert len(list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="kind"))) == 8
    with pytest.raises(sickle_errors.NoRecordsMatch):
        list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="place:nowhere"))


def test_records_come_from_the_read_model_without_reading_any_artifact(
    container: Container, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = container.archive
    corpus = seed(container)
    source = {
        "uri": "https://other.example.net/api/v1/artifacts/1",
        "title": "The original",
        "version": 2,
        "site": "Other",
        "licence": "https://creativecommons.org/licenses/by/4.0/",
    }
    adapted = archive.adaptations.adapt(
        PARTNER, "story", {**READY_STORY, "adaptation_note": "Retold for Tucson."}, source
    )
    archive.artifacts.publish(EDITOR, UUID(adapted.id), adapted.version)
    # Republished after a revision: first published stays the first publication's time.
    again = corpus.public[0]
    artifact = archive.artifacts.load(UUID(again))
    first_at = artifact.first_published_at
    revised = archive.artifacts.revise(PARTNER, UUID(again), artifact.version, {"title": "Again"})
    time.sleep(0.01)
    republished = archive.artifacts.publish(EDITOR, UUID(again), revised.version)
    # A draft revision after publishing is not what was published.
    archive.artifacts.revise(PARTNER, UUID(again), republished.version, {"title": "Draft"})
    catch_up(container)

    def no_aggregates(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an OAI-PMH request read an aggregate")

    monkeypatch.setattr(archive.artifacts, "load", no_aggregates)
    monkeypatch.setattr(archive.repository, "get", no_aggregates)
    rich = {
        r.header.identifier: r
        for r in Sickle(server.endpoint).ListRecords(metadataPrefix="commonplace")
    }
    assert len(rich) == len(corpus.public) + 2  # the withdrawn one and the adaptation
    lineage = rich[server.oai_id(adapted.id)].xml.find("o:metadata/cp:artifact/cp:lineage", NS)
    assert lineage.find("cp:adaptedFrom", NS).get("uri") == source["uri"]
    assert lineage.findtext("cp:adaptationNote", namespaces=NS) == "Retold for Tucson."
    node = rich[server.oai_id(again)].xml.find("o:metadata/cp:artifact", NS)
    assert node.findtext("cp:title", namespaces=NS) == "Again"
    assert node.get("version") == str(republished.version)
    first = node.findtext("cp:dates/cp:firstPublished", namespaces=NS)
    assert first == oai.datestamp(first_at.timestamp())
    assert node.findtext("cp:dates/cp:published", namespaces=NS) >= first
    dc = Sickle(server.endpoint).GetRecord(identifier=server.oai_id(again), metadataPrefix="oai_dc")
    assert dc.metadata["title"] == ["Again"]


# -- errors -------------------------------------------------------------------------


def test_every_error_condition(container: Container, server: Server) -> None:
    # An empty repository: no sets, nothing to list; Identify still answers.
    assert error_code(server.get(verb="ListSets")) == "noSetHierarchy"
    assert error_code(server.get(verb="ListRecords", metadataPrefix="oai_dc")) == "noRecordsMatch"
    empty = server.get(verb="Identify")
    assert empty.find("o:Identify/o:earliestDatestamp", NS).text.endswith("Z")

    corpus = seed(container)
    known = server.oai_id(corpus.public[0])
    cases = {
        "": "badVerb",
        "verb=Explain": "badVerb",
        "verb=Identify&verb=Identify": "badVerb",
        "verb=Identify&metadataPrefix=oai_dc": "badArgument",
        "verb=ListRecords": "badArgument",
        "verb=GetRecord&metadataPrefix=oai_dc": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&colour=blue": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2024-13-01": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&from=yesterday": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&until=2024-01-01T10:00Z": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01T00:00:00.5Z": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2024-01-01&until=2024-06-01T00:00:00Z": (
            "badArgument"
        ),
        "verb=ListRecords&metadataPrefix=oai_dc&from=2024-02-01&until=2024-01-01": "badArgument",
        "verb=ListRecords&metadataPrefix=oai%20dc": "badArgument",
        "verb=ListRecords&metadataPrefix=oai_dc&set=place%3A%3Aarizona": "badArgument",
        "verb=ListRecords&metadataPrefix=marc21": "cannotDisseminateFormat",
        f"verb=GetRecord&metadataPrefix=mods&identifier={known}": "cannotDisseminateFormat",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=nonsense": "idDoesNotExist",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=%01%FF%3C": "idDoesNotExist",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:elsewhere.org:"
        + corpus.public[0]: "idDoesNotExist",
        f"verb=GetRecord&metadataPrefix=oai_dc&identifier={server.oai_id(str(UUID(int=7)))}": (
            "idDoesNotExist"
        ),
        f"verb=ListMetadataFormats&identifier={server.oai_id(corpus.draft)}": "idDoesNotExist",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01": "noRecordsMatch",
        "verb=ListIdentifiers&metadataPrefix=oai_dc&until=1999-12-31": "noRecordsMatch",
        "verb=ListRecords&resumptionToken=abc": "badResumptionToken",
        "verb=ListSets&resumptionToken=abc": "badResumptionToken",
    }
    for query, code in cases.items():
        root = server.raw(query)
        assert error_code(root) == code, query
        request = root.find("o:request", NS)
        assert request.text == server.endpoint
        if code in ("badVerb", "badArgument"):
            assert request.attrib == {}, query  # an invalid request is not echoed
        else:
            assert request.get("verb"), query

    # POST with form-encoded arguments answers the same way.
    assert error_code(server.post([("verb", "Nope")])) == "badVerb"

    # Resumption tokens: exclusive, signed, bound to their verb, expiring.
    first = server.get(verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find("o:ListRecords/o:resumptionToken", NS).text
    assert token
    with_other = server.get(verb="ListRecords", resumptionToken=token, metadataPrefix="oai_dc")
    assert error_code(with_other) == "badArgument"
    flipped = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    assert error_code(server.get(verb="ListRecords", resumptionToken=flipped)) == (
        "badResumptionToken"
    )
    payload, _, signature = token.partition(".")
    forged = payload + "." + signature[::-1]
    assert error_code(server.get(verb="ListRecords", resumptionToken=forged)) == (
        "badResumptionToken"
    )
    assert error_code(server.get(verb="ListIdentifiers", resumptionToken=token)) == (
        "badResumptionToken"
    )
    server.repository.tokens.clock = lambda: time.time() + 2 * oai.TOKEN_TTL_SECONDS
    assert error_code(server.get(verb="ListRecords", resumptionToken=token)) == (
        "badResumptionToken"
    )
    server.repository.tokens.clock = time.time
    resumed = server.get(verb="ListRecords", resumptionToken=token)
    assert len(resumed.findall("o:ListRecords/o:record", NS)) == PAGE

    # Sickle turns the error elements into exceptions.
    sickle = Sickle(server.endpoint)
    with pytest.raises(sickle_errors.CannotDisseminateFormat):
        list(sickle.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(sickle_errors.BadResumptionToken):
        list(sickle.ListRecords(resumptionToken=flipped))


def test_the_envelope(container: Container, server: Server) -> None:
    seed(container)
    root = server.get(verb="Identify")
    assert root.get(f"{{{oai.XSI_NS}}}schemaLocation") == f"{oai.OAI_NS} {oai.OAI_SCHEMA}"
    assert [child.tag.split("}")[1] for child in root] == ["responseDate", "request", "Identify"]
    assert root.find("o:request", NS).attrib == {"verb": "Identify"}
    response_date = root.findtext("o:responseDate", namespaces=NS)
    assert (
        abs(
            time.mktime(time.strptime(response_date, "%Y-%m-%dT%H:%M:%SZ"))
            - time.mktime(time.gmtime())
        )
        < 60
    )
    # 127.0.0.1 is no domain name: no oai-identifier description is claimed.
    assert root.find("o:Identify/o:description", NS) is None
    listed = server.get(
        verb="ListRecords",
        metadataPrefix="oai_dc",
        set="place:arizona",
        **{"from": "2000-01-01", "until": "2999-12-31"},
    )
    assert listed.find("o:request", NS).attrib == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "set": "place:arizona",
        "from": "2000-01-01",
        "until": "2999-12-31",
    }
    for stamp in listed.iterfind(".//o:header/o:datestamp", NS):
        time.strptime(stamp.text, "%Y-%m-%dT%H:%M:%SZ")


# -- units --------------------------------------------------------------------------


def test_from_and_until_become_a_half_open_window() -> None:
    day = 1704067200.0  # 2024-01-01T00:00:00Z
    assert oai.time_window("2024-01-01", "2024-01-01") == (day, day + 86400)
    assert oai.time_window(None, "2024-01-01T10:00:00Z") == (None, day + 36000 + 1)
    assert oai.time_window("2024-01-01T10:00:00Z", None) == (day + 36000, None)
    assert oai.time_window("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z") == (
        day + 36000,
        day + 36001,
    )
    bad_windows = [
        ("2024-01-02", "2024-01-01"),
        ("2024-01-01", "2024-01-01T00:00:00Z"),
        ("2024-02-30", None),
        (None, "2024-01-01T24:00:00Z"),
        ("2024-1-1", None),
    ]
    for bad in bad_windows:
        with pytest.raises(oai.OAIError) as raised:
            oai.time_window(*bad)
        assert raised.value.code == "badArgument"
    assert oai.datestamp(day + 36000.999) == "2024-01-01T10:00:00Z"


def test_metadata_with_lineage_and_awkward_characters_is_valid(
    oai_dc_schema: etree.XMLSchema,
) -> None:
    base = "https://archive.example.org"
    aid = "0b6e8f7c-7d0e-4f59-9a38-2d4c1f0a9b11"
    record = {
        "id": aid,
        "kind": "story",
        "version": 4,
        "title": "Bell\x07 & <circle>",
        "summary": "S",
        "body": "# B\x0b\n\nText",
        "language": "en",
        "licence": {"uri": "all-rights-reserved", "label": "All rights reserved"},
        "contributors": [
            {"name": "Lee", "role": "storyteller"},
            {"name": "Kai", "role": "adapter"},
        ],
        "themes": ["voice"],
        "date": "2023-02-16",
        "terms": [
            {
                "key": "principles:lead-with-learning",
                "label": "Lead with learning",
                "url": f"{base}/api/v1/browse/terms/principles/lead-with-learning",
            }
        ],
        "stage": "conditions:developing",
        "place": {
            "slug": "england",
            "name": "England",
            "kind": "region",
            "lat": None,
            "lon": None,
            "path": ["England"],
            "url": f"{base}/api/v1/places/england",
        },
        "convening": None,
        "excursion": None,
        "adapted_from": {
            "uri": "https://other.example.net/api/v1/artifacts/1",
            "version": 2,
            "site": "Other",
            "title": "The original",
            "ancestors": [
                {
                    "uri": "https://first.example.com/a/9",
                    "version": 1,
                    "site": "First",
                    "title": "The first",
                }
            ],
        },
        "adaptation_note": "Shortened for our district.",
        "urls": {
            "page": f"{base}/artifacts/{aid}",
            "api": f"{base}/api/v1/artifacts/{aid}",
            "jsonld": f"{base}/api/v1/artifacts/{aid}/jsonld",
        },
        "published_at": None,
        "first_published_at": None,
    }
    dc = oai.dublin_core(record, "Commonplace")
    oai_dc_schema.assertValid(dc)
    assert dc.findtext("dc:title", namespaces=NS) == "Bell & <circle>"
    assert dc.findtext("dc:relation", namespaces=NS) == record["adapted_from"]["uri"]
    assert dc.findtext("dc:rights", namespaces=NS) == "All rights reserved"
    assert dc.findtext("dc:contributor", namespaces=NS) == "Kai (adapter)"
    rich = oai.commonplace(record, f"{base}/oai/schemas/commonplace.xsd", lambda key: None)
    etree.XMLSchema(etree.fromstring(oai.COMMONPLACE_XSD)).assertValid(rich)
    source = rich.find("cp:lineage/cp:adaptedFrom", NS)
    assert (source.get("uri"), source.get("version"), source.get("site"), source.text) == (
        "https://other.example.net/api/v1/artifacts/1",
        "2",
        "Other",
        "The original",
    )
    ancestor = rich.find("cp:lineage/cp:ancestor", NS)
    assert (ancestor.get("uri"), ancestor.get("site")) == ("https://first.example.com/a/9", "First")
    assert rich.findtext("cp:lineage/cp:adaptationNote", namespaces=NS) == (
        "Shortened for our district."
    )
    assert rich.find("cp:stage", NS).text == "developing"


class CountingPublications:
    """A read model of many rows that records how the repository reads it."""

    def __init__(self, size: int, stored: bool = True) -> None:
        self.rows = [
            SimpleNamespace(
                artifact_id=str(UUID(int=n)),
                seq=n * 2,
                datestamp=1704067200.0 + n,
                status="public" if n % 10 else "deleted",
                sets=("kind:story",),
                record=STORED if stored and n % 10 else None,
            )
            for n in range(1, size + 1)
        ]
        self.limits: list[int] = []
        self.counts = 0

    def listing(self, *, after_seq: int, limit: int, **window: Any) -> list[Any]:
        self.limits.append(limit)
        return [row for row in self.rows if row.seq > after_seq][:limit]

    def count(self, **window: Any) -> int:
        self.counts += 1
        return len(self.rows)


STORED = {
    "kind": "story",
    "version": 2,
    "content": {"title": "T", "licence": ALL_RIGHTS_RESERVED},
    "published_at": "2024-01-01T00:00:00+00:00",
    "first_published_at": "2024-01-01T00:00:00+00:00",
    "adapted_from": None,
}


class CountingRecords(Records):
    """Syndication records that count how many were loaded from an aggregate and built."""

    def __init__(self) -> None:
        super().__init__(archive=None, format=RecordFormat("https://archive.example.org"))  # type: ignore[arg-type]
        self.loaded = self.built = 0

    def record(self, artifact_id: str | UUID) -> dict[str, Any] | None:
        self.loaded += 1
        return self.from_stored(str(artifact_id), STORED)

    def from_stored(
        self, artifact_id: str, stored: dict[str, Any], lookups: Any = None
    ) -> dict[str, Any]:
        self.built += 1
        return super().from_stored(artifact_id, stored, lookups)


def harvest_all(repository: oai.OAIRepository) -> tuple[int, list[str | None]]:
    arguments = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc")]
    harvested, cursors = 0, []
    while True:
        root = etree.fromstring(repository.respond(arguments))
        page = root.findall("o:ListRecords/o:record", NS)
        assert len(page) <= oai.PAGE_SIZE
        harvested += len(page)
        token = root.find("o:ListRecords/o:resumptionToken", NS)
        cursors.append(token.get("cursor"))
        assert token.get("completeListSize") == "250"
        if not token.text:
            return harvested, cursors
        arguments = [("verb", "ListRecords"), ("resumptionToken", token.text)]


def counting_repository(stored: bool) -> tuple[oai.OAIRepository, Any, CountingRecords]:
    publications, records = CountingPublications(250, stored), CountingRecords()
    repository = oai.OAIRepository(
        catalogue=None,
        publications=publications,
        records=records,
        base_url="https://archive.example.org",
        secret=b"x" * 32,
    )
    return repository, publications, records


def test_a_long_list_is_read_and_built_one_page_at_a_time() -> None:
    repository, publications, records = counting_repository(stored=True)
    harvested, cursors = harvest_all(repository)
    assert harvested == 250 and cursors == ["0", "100", "200"]
    assert publications.limits == [oai.PAGE_SIZE + 1] * 3  # one page (and one look ahead) a time
    assert publications.counts == 1  # the list size travels in the token
    assert records.built == 225  # tombstones need no record
    assert records.loaded == 0  # every record comes from the read model, no aggregate is read


def test_rows_stored_before_the_view_kept_records_are_built_from_the_artifact() -> None:
    repository, _, records = counting_repository(stored=False)
    harvested, _ = harvest_all(repository)
    assert harvested == 250 and records.loaded == 225
