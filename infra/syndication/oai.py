"""OAI-PMH 2.0: the protocol's six verbs over the publications read model.

The harvestable items are the rows of the publications read model: every
artifact that is or was public, ordered by the log position of its latest
public change, with a ``deleted`` tombstone once it is no longer public
(``deletedRecord`` is ``persistent``). Metadata comes from the syndication
record (:mod:`domain.app.records`), in Dublin Core (``oai_dc``) and in
this archive's own richer format (``commonplace``). The record is built from
what the read model stored when the artifact was published, so a harvest reads
no aggregate and no event (only rows the view wrote before it stored records
fall back to loading the artifact).

Lists are paged by log position, a page at a time. A resumption token carries
the position reached, the original arguments, the cursor and the list size,
and is signed with HMAC-SHA256 so that it cannot be forged or altered; it
expires after an hour. An item changed during a harvest moves to a later
position, so a harvester paging on still meets it.

This module knows nothing about HTTP: :meth:`OAIRepository.respond` takes the
request's arguments (a list of pairs, repeats included) and returns the XML.
The protocol's names, arguments and dates are in :mod:`~.oai_protocol`, the
tokens in :mod:`~.oai_tokens`, the header and record elements in :mod:`~.oai_records`,
the metadata formats in :mod:`~.oai_xml` and
the ``commonplace`` schema in :mod:`~.oai_xsd`; they are all importable from here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from infra.syndication.oai_describe import Description
from infra.syndication.oai_protocol import (
    _PREFIX,
    _SETSPEC,
    _UUID,
    CONTENT_TYPE,
    CP_NS,
    CP_SCHEMA_PATH,
    DC_NS,
    GRANULARITY,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    OAI_ID_NS,
    OAI_NS,
    OAI_SCHEMA,
    PAGE_SIZE,
    PARENT_SETS,
    SCHEMA_LOCATION,
    TOKEN_TTL_SECONDS,
    VERBS,
    XSI_NS,
    Harvest,
    OAIError,
    checked,
    clean,
    datestamp,
    parse_utc,
    time_window,
)
from infra.syndication.oai_records import RecordElements
from infra.syndication.oai_tokens import Tokens, load_secret
from infra.syndication.oai_xml import Format, commonplace, dublin_core, sub
from infra.syndication.oai_xsd import COMMONPLACE_XSD

__all__ = [
    "COMMONPLACE_XSD",
    "CONTENT_TYPE",
    "CP_NS",
    "CP_SCHEMA_PATH",
    "DC_NS",
    "GRANULARITY",
    "OAI_DC_NS",
    "OAI_ID_NS",
    "OAI_NS",
    "OAI_SCHEMA",
    "PAGE_SIZE",
    "TOKEN_TTL_SECONDS",
    "VERBS",
    "XSI_NS",
    "OAIError",
    "OAIRepository",
    "Tokens",
    "commonplace",
    "datestamp",
    "dublin_core",
    "load_secret",
    "parse_utc",
    "time_window",
]

log = logging.getLogger("commonplace.oai")

# Where a list's items go in its serialised element. Every text and attribute value
# is escaped, so no ``<!--`` can come from the data.
_MARKER_TEXT = "items"
_MARKER = b"<!--items-->"


class OAIRepository(Description):
    def __init__(
        self,
        *,
        catalogue: Any,
        publications: Any,
        records: Any,
        base_url: str,
        secret: bytes,
        page_size: int = PAGE_SIZE,
        token_ttl: float = TOKEN_TTL_SECONDS,
        repository_name: str = "Commonplace",
        admin_email: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.catalogue = catalogue  # the archive's catalogue: place and term names
        self.publications = publications
        self.records = records
        self.base = base_url.rstrip("/")
        self.base_url = f"{self.base}/oai"
        self.host = urlsplit(self.base).hostname or "localhost"
        self.page_size = max(1, page_size)
        self.tokens = Tokens(secret, token_ttl, clock)
        self.repository_name = repository_name
        self.admin_email = admin_email or (
            f"archive@{self.host}" if "." in self.host else "archive@commonplace.invalid"
        )
        self.clock = clock
        self.formats = {
            "oai_dc": Format("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS),
            "commonplace": Format("commonplace", self.base + CP_SCHEMA_PATH, CP_NS),
        }
        self.elements = RecordElements(
            catalogue=catalogue,
            records=records,
            repository_name=repository_name,
            identifier=self.identifier,
        )

    # -- identifiers ------------------------------------------------------------

    def identifier(self, artifact_id: str) -> str:
        return f"oai:{self.host}:{artifact_id}"

    def artifact_id(self, identifier: str) -> str:
        prefix = f"oai:{self.host}:"
        local = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
        if not _UUID.fullmatch(local):
            raise OAIError(
                "idDoesNotExist",
                f"{identifier!r} is not an identifier of this repository "
                f"(they look like {prefix}<uuid>).",
            )
        return local.lower()

    # -- the request ------------------------------------------------------------

    def respond(self, arguments: Sequence[tuple[str, str]]) -> bytes:
        """The OAI-PMH response to a request with these arguments."""
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(SCHEMA_LOCATION, f"{OAI_NS} {OAI_SCHEMA}")
        sub(root, f"{{{OAI_NS}}}responseDate", datestamp(self.clock()))
        request = sub(root, f"{{{OAI_NS}}}request", self.base_url)
        written: str | None = None
        try:
            verb, params = checked(arguments)
            for name, value in [("verb", verb), *params.items()]:
                request.set(name, clean(value))
            answer = getattr(self, f"_{verb}")(params)
            node, written = answer if isinstance(answer, tuple) else (answer, None)
            root.append(node)
        except OAIError as error:
            if error.code in ("badVerb", "badArgument"):
                request.attrib.clear()  # the request was not valid: echo none of it
            sub(root, f"{{{OAI_NS}}}error", error.message, code=error.code)
        body = bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        if written is not None:  # a list's items, written as text: in place of the marker
            body = body.replace(_MARKER, written.encode(), 1)
        return body

    def _format(self, prefix: str) -> Format:
        if not _PREFIX.fullmatch(prefix):
            raise OAIError("badArgument", f"{clean(prefix)!r} is not a metadataPrefix.")
        found = self.formats.get(prefix)
        if found is None:
            raise OAIError(
                "cannotDisseminateFormat",
                f"{clean(prefix)!r} is not a metadata format of this repository; "
                f"formats: {', '.join(self.formats)}.",
            )
        return found

    def _row(self, identifier: str) -> Any:
        row = self.publications.get(self.artifact_id(identifier))
        if row is None:
            raise OAIError("idDoesNotExist", f"{clean(identifier)!r} is not in this repository.")
        return row

    # -- verbs --------------------------------------------------------------------

    def _GetRecord(self, params: dict[str, str]) -> Any:
        found = self._format(params["metadataPrefix"])
        row = self._row(params["identifier"])
        node = etree.Element(f"{{{OAI_NS}}}GetRecord")
        node.append(self.elements.record(row, found, self.elements.stage_labels()))
        return node

    def _ListIdentifiers(self, params: dict[str, str]) -> Any:
        return self._list("ListIdentifiers", params)

    def _ListRecords(self, params: dict[str, str]) -> Any:
        return self._list("ListRecords", params)

    # -- lists ----------------------------------------------------------------------

    def _list(self, verb: str, params: dict[str, str]) -> tuple[Any, str]:
        """The list's element, holding only its marker and resumption token, and its items
        written as text (lxml elements for a hundred records cost most of a page's time)."""
        if "resumptionToken" in params:
            harvest = self.tokens.read(params["resumptionToken"], verb)
            found = self._format(harvest.prefix)
        else:
            found = self._format(params["metadataPrefix"])
            from_ts, until_ts = time_window(params.get("from"), params.get("until"))
            if "set" in params and not _SETSPEC.fullmatch(params["set"]):
                raise OAIError("badArgument", f"{clean(params['set'])!r} is not a setSpec.")
            harvest = Harvest(verb, found.prefix, from_ts, until_ts, params.get("set"))
        setspec = None if harvest.setspec in PARENT_SETS else harvest.setspec
        window = {"from_ts": harvest.from_ts, "until_ts": harvest.until_ts, "setspec": setspec}
        rows = self.publications.listing(
            after_seq=harvest.after_seq,
            limit=self.page_size + 1,
            records=verb == "ListRecords",
            **window,
        )
        if not rows:
            if harvest.setspec is not None and not self.publications.setspecs():
                raise OAIError("noSetHierarchy", "There are no sets yet: nothing is published.")
            raise OAIError("noRecordsMatch", "No records match these arguments.")
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        total = harvest.total if harvest.total is not None else self.publications.count(**window)
        total = max(total, harvest.cursor + len(rows) + (1 if more else 0))
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + verb)
        node.append(etree.Comment(_MARKER_TEXT))
        stage_labels, lookups = self.elements.stage_labels(), self.records.lookups()
        if verb == "ListIdentifiers":
            items = [self.elements.header_text(row, row.status != "public") for row in rows]
        else:
            items = [self.elements.record_text(row, found, stage_labels, lookups) for row in rows]
        if more or harvest.cursor > 0:
            token = sub(node, o + "resumptionToken", completeListSize=total, cursor=harvest.cursor)
            if more:
                following = replace(
                    harvest, after_seq=rows[-1].seq, cursor=harvest.cursor + len(rows), total=total
                )
                token.text, expires = self.tokens.issue(following)
                token.set("expirationDate", datestamp(expires))
        return node, "".join(items)
