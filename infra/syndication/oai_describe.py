"""The OAI-PMH verbs that describe the repository: Identify, ListMetadataFormats, ListSets."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError
from lxml import etree

from domain.errors import NotFound
from domain.values import KINDS
from infra.syndication.oai_protocol import (
    _DOMAIN,
    GRANULARITY,
    OAI_ID_NS,
    OAI_ID_SCHEMA,
    OAI_NS,
    PARENT_SETS,
    SCHEMA_LOCATION,
    OAIError,
    datestamp,
)
from infra.syndication.oai_xml import Format, sub


class Description:
    """The repository's description of itself (a part of ``OAIRepository``)."""

    catalogue: Any
    publications: Any
    repository_name: str
    base_url: str
    admin_email: str
    host: str
    formats: dict[str, Format]
    clock: Callable[[], float]

    if TYPE_CHECKING:

        def identifier(self, artifact_id: str) -> str: ...
        def _row(self, identifier: str) -> Any: ...

    def _Identify(self, params: dict[str, str]) -> Any:
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + "Identify")
        sub(node, o + "repositoryName", self.repository_name)
        sub(node, o + "baseURL", self.base_url)
        sub(node, o + "protocolVersion", "2.0")
        sub(node, o + "adminEmail", self.admin_email)
        earliest = self.publications.earliest()
        sub(
            node, o + "earliestDatestamp", datestamp(self.clock() if earliest is None else earliest)
        )
        sub(node, o + "deletedRecord", "persistent")
        sub(node, o + "granularity", GRANULARITY)
        if _DOMAIN.fullmatch(self.host):
            description = sub(node, o + "description")
            ident = etree.SubElement(
                description, f"{{{OAI_ID_NS}}}oai-identifier", nsmap={None: OAI_ID_NS}
            )
            ident.set(SCHEMA_LOCATION, f"{OAI_ID_NS} {OAI_ID_SCHEMA}")
            i = f"{{{OAI_ID_NS}}}"
            sub(ident, i + "scheme", "oai")
            sub(ident, i + "repositoryIdentifier", self.host)
            sub(ident, i + "delimiter", ":")
            sub(ident, i + "sampleIdentifier", self.identifier(str(uuid.UUID(int=0x1234))))
        return node

    def _ListMetadataFormats(self, params: dict[str, str]) -> Any:
        if "identifier" in params:
            self._row(params["identifier"])
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + "ListMetadataFormats")
        for found in self.formats.values():
            entry = sub(node, o + "metadataFormat")
            sub(entry, o + "metadataPrefix", found.prefix)
            sub(entry, o + "schema", found.schema)
            sub(entry, o + "metadataNamespace", found.namespace)
        return node

    def _ListSets(self, params: dict[str, str]) -> Any:
        if "resumptionToken" in params:
            raise OAIError("badResumptionToken", "ListSets is never split; no token applies.")
        specs = [spec for spec, _ in self.publications.setspecs()]
        if not specs:
            raise OAIError("noSetHierarchy", "There are no sets yet: nothing is published.")
        parents = {spec.partition(":")[0] for spec in specs} & set(PARENT_SETS)
        names = self._set_names()
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + "ListSets")
        for spec in sorted({*specs, *parents}):
            entry = sub(node, o + "set")
            sub(entry, o + "setSpec", spec)
            sub(entry, o + "setName", names(spec))
        return node

    def _set_names(self) -> Callable[[str], str]:
        principles: dict[str, str] = {}
        try:
            framework = self.catalogue.get_framework("principles")
            principles = {t["id"]: t["label"] for t in framework.get("terms") or []}
        except NotFound:
            pass

        def name(spec: str) -> str:
            family, _, value = spec.partition(":")
            if not value:
                return PARENT_SETS.get(family, spec)
            if family == "kind":
                label = KINDS[value].label if value in KINDS else value.replace("-", " ")
                return f"Kind: {label[:1].upper()}{label[1:]}"
            if family == "principle":
                return f"Principle: {principles.get(value, value)}"
            if family == "language":
                return f"Language: {language_name(value)}"
            if family == "collection":  # infra/syndication/collection_sets.py
                return f"Collection: {self.publications.collection_title(value)}"
            if family == "place":
                place = self.catalogue.get_place_record(value)
                return f"Place: {place.name if place is not None else value}"
            return spec

        return name


def language_name(tag: str) -> str:
    """A language's name in that language (Español), or the tag when Babel knows none."""
    try:
        name = Locale.parse(tag, sep="-").get_display_name(tag.replace("-", "_")) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]
