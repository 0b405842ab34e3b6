"""OAI-PMH 2.0: the protocol's six verbs over the publications read model.

The harvestable items are the rows of the publications read model: every
artifact that is or was public, ordered by the log position of its latest
public change, with a ``deleted`` tombstone once it is no longer public
(``deletedRecord`` is ``persistent``). Metadata comes from the syndication
record (:mod:`infra.syndication.records`), in Dublin Core (``oai_dc``) and in
this archive's own richer format (``commonplace``).

Lists are paged by log position, a page at a time. A resumption token carries
the position reached, the original arguments, the cursor and the list size,
and is signed with HMAC-SHA256 so that it cannot be forged or altered; it
expires after an hour. An item changed during a harvest moves to a later
position, so a harvester paging on still meets it.

This module knows nothing about HTTP: :meth:`OAIRepository.respond` takes the
request's arguments (a list of pairs, repeats included) and returns the XML.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from domain.errors import NotFound
from domain.values import ALL_RIGHTS_RESERVED, KINDS
from infra.syndication.records import AUTHOR_ROLES

log = logging.getLogger("commonplace.oai")

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
CP_NS = "https://commonplace.invalid/oai/commonplace/1.0"
CP_SCHEMA_PATH = "/oai/schemas/commonplace.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{{{XSI_NS}}}schemaLocation"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
CONTENT_TYPE = "text/xml; charset=utf-8"
PAGE_SIZE = 100
TOKEN_TTL_SECONDS = 3600

# Every published artifact has a kind, at least one principle and a place, and
# a tombstone keeps the sets it had; so each of these parents of the set
# hierarchy (``kind`` above ``kind:story``) holds every item in the repository.
PARENT_SETS = {"kind": "Kind", "principle": "Principle of practice", "place": "Place"}

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_TOKEN_CHARS = r"[A-Za-z0-9\-_.!~*'()]+"
_PREFIX = re.compile(_TOKEN_CHARS)  # metadataPrefixType and setSpecType of OAI-PMH.xsd
_SETSPEC = re.compile(f"{_TOKEN_CHARS}(:{_TOKEN_CHARS})*")
_DOMAIN = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class OAIError(Exception):
    """One of the protocol's error conditions (answered with HTTP 200)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Verb:
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    exclusive: str | None = None


VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=("identifier",)),
    "ListSets": Verb(exclusive="resumptionToken"),
    "ListIdentifiers": Verb(("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "ListRecords": Verb(("metadataPrefix",), ("from", "until", "set"), "resumptionToken"),
    "GetRecord": Verb(("identifier", "metadataPrefix")),
}


@dataclass(frozen=True)
class Harvest:
    """Where a list request stands: its arguments and how far it has gone."""

    verb: str
    prefix: str
    from_ts: float | None
    until_ts: float | None  # exclusive
    setspec: str | None
    after_seq: int = 0
    cursor: int = 0
    total: int | None = None


# -- dates ----------------------------------------------------------------------


def datestamp(ts: float) -> str:
    """UTC, to the second (truncated, so that ``from``/``until`` bounds agree with it)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


def parse_utc(value: str, name: str) -> tuple[int, str]:
    """A ``from``/``until`` value: (its first second as epoch seconds, its granularity)."""
    try:
        if _DAY.fullmatch(value):
            parsed = datetime.strptime(value, "%Y-%m-%d")
            return calendar.timegm(parsed.timetuple()), "day"
        if _SECOND.fullmatch(value):
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return calendar.timegm(parsed.timetuple()), "second"
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        f"The value of {name!r} ({value!r}) is not a UTC date (YYYY-MM-DD) "
        "or datetime (YYYY-MM-DDThh:mm:ssZ).",
    )


def time_window(start: str | None, end: str | None) -> tuple[float | None, float | None]:
    """``from``/``until`` (both inclusive) as the read model's half-open ``[from_ts, until_ts)``."""
    from_ts = until_ts = None
    granularities = set()
    if start is not None:
        from_ts, granularity = parse_utc(start, "from")
        granularities.add(granularity)
    if end is not None:
        until_start, granularity = parse_utc(end, "until")
        granularities.add(granularity)
        if from_ts is not None and from_ts > until_start:
            raise OAIError("badArgument", f"'from' ({start}) is later than 'until' ({end}).")
        # until names a whole day or a whole second: everything before the next one.
        until_ts = until_start + (86400 if granularity == "day" else 1)
    if len(granularities) > 1:
        raise OAIError("badArgument", "'from' and 'until' must have the same granularity.")
    return (
        float(from_ts) if from_ts is not None else None,
        float(until_ts) if until_ts is not None else None,
    )


# -- resumption tokens ----------------------------------------------------------


def load_secret(data_dir: Path) -> bytes:
    """The key that signs resumption tokens: ``oai-secret`` in the data directory.

    Created on first use (atomically: written beside it, then hard-linked into
    place, so that concurrent first starts agree on one key).
    """
    path = data_dir / "oai-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".oai-secret.{uuid.uuid4().hex}"
        try:
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(draft, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
        finally:
            draft.unlink(missing_ok=True)
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise RuntimeError(f"{path} holds no usable secret; delete it to create a new one.")
    return secret.encode()


class Tokens:
    """Opaque, signed, expiring resumption tokens."""

    def __init__(
        self, secret: bytes, ttl: float = TOKEN_TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.key = hashlib.sha256(b"commonplace oai-pmh resumption token\0" + secret).digest()
        self.ttl = ttl
        self.clock = clock

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()[:18]

    def issue(self, harvest: Harvest) -> tuple[str, float]:
        """The token for ``harvest``, and when it expires."""
        expires = float(int(self.clock() + self.ttl))
        state = {
            "v": harvest.verb,
            "m": harvest.prefix,
            "f": harvest.from_ts,
            "u": harvest.until_ts,
            "s": harvest.setspec,
            "a": harvest.after_seq,
            "c": harvest.cursor,
            "t": harvest.total,
            "x": expires,
        }
        payload = json.dumps(state, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}", expires

    def read(self, token: str, verb: str) -> Harvest:
        try:
            encoded, _, signature = token.partition(".")
            payload = _unb64(encoded)
            if not hmac.compare_digest(_unb64(signature), self._sign(payload)):
                raise ValueError("signature")
            state = json.loads(payload)
            harvest = Harvest(
                verb=_typed(state["v"], str),
                prefix=_typed(state["m"], str),
                from_ts=_optional_number(state["f"]),
                until_ts=_optional_number(state["u"]),
                setspec=_typed(state["s"], str) if state["s"] is not None else None,
                after_seq=_typed(state["a"], int),
                cursor=_typed(state["c"], int),
                total=_typed(state["t"], int),
            )
            expires = float(_optional_number(state["x"]) or 0)
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
            raise OAIError(
                "badResumptionToken", "This resumptionToken is not one this repository issued."
            ) from None
        if harvest.verb != verb:
            raise OAIError("badResumptionToken", f"This resumptionToken is not for {verb}.")
        if expires < self.clock():
            raise OAIError(
                "badResumptionToken",
                f"This resumptionToken expired at {datestamp(expires)}; start the list again.",
            )
        return harvest


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"expected {kind.__name__}")
    return value


def _optional_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number")
    return float(value)


# -- XML helpers ----------------------------------------------------------------


def clean(value: object) -> str:
    """Text as XML 1.0 allows it (control characters dropped)."""
    return _NOT_XML.sub("", str(value))


def sub(parent: Any, tag: str, text: object = None, **attrs: object) -> Any:
    element = etree.SubElement(parent, tag)
    for name, value in attrs.items():
        if value is not None:
            element.set(name, clean(value))
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


# -- the repository ---------------------------------------------------------------


class OAIRepository:
    def __init__(
        self,
        *,
        archive: Any,
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
        self.archive = archive
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
        try:
            verb, params = self._checked(arguments)
            for name, value in [("verb", verb), *params.items()]:
                request.set(name, clean(value))
            root.append(getattr(self, f"_{verb}")(params))
        except OAIError as error:
            if error.code in ("badVerb", "badArgument"):
                request.attrib.clear()  # the request was not valid: echo none of it
            sub(root, f"{{{OAI_NS}}}error", error.message, code=error.code)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    def _checked(self, arguments: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
        verbs = [value for name, value in arguments if name == "verb"]
        if not verbs:
            raise OAIError("badVerb", "The request names no verb.")
        if len(verbs) > 1:
            raise OAIError("badVerb", "The verb argument is repeated.")
        verb = verbs[0]
        spec = VERBS.get(verb)
        if spec is None:
            raise OAIError(
                "badVerb", f"{clean(verb)!r} is not an OAI-PMH verb; verbs: {', '.join(VERBS)}."
            )
        params: dict[str, str] = {}
        for name, value in arguments:
            if name == "verb":
                continue
            if name in params:
                raise OAIError("badArgument", f"The argument {clean(name)!r} is repeated.")
            params[name] = value
        allowed = {*spec.required, *spec.optional, *([spec.exclusive] if spec.exclusive else [])}
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise OAIError(
                "badArgument",
                f"{verb} takes no argument {clean(unknown[0])!r}; it takes: "
                f"{', '.join(sorted(allowed)) or 'none'}.",
            )
        if spec.exclusive and spec.exclusive in params:
            if len(params) > 1:
                raise OAIError(
                    "badArgument", f"{spec.exclusive} is an exclusive argument: send it alone."
                )
            return verb, params
        missing = [name for name in spec.required if name not in params]
        if missing:
            raise OAIError("badArgument", f"{verb} needs the argument {missing[0]!r}.")
        return verb, params

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
            framework = self.archive.get_framework("principles")
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
            if family == "place":
                place = self.archive.catalogue.get_place_record(value)
                return f"Place: {place.name if place is not None else value}"
            return spec

        return name

    def _GetRecord(self, params: dict[str, str]) -> Any:
        found = self._format(params["metadataPrefix"])
        row = self._row(params["identifier"])
        node = etree.Element(f"{{{OAI_NS}}}GetRecord")
        node.append(self._record(row, found, self._stage_labels()))
        return node

    def _ListIdentifiers(self, params: dict[str, str]) -> Any:
        return self._list("ListIdentifiers", params)

    def _ListRecords(self, params: dict[str, str]) -> Any:
        return self._list("ListRecords", params)

    # -- lists ----------------------------------------------------------------------

    def _list(self, verb: str, params: dict[str, str]) -> Any:
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
            after_seq=harvest.after_seq, limit=self.page_size + 1, **window
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
        stage_labels = self._stage_labels()
        for row in rows:
            if verb == "ListIdentifiers":
                node.append(self._header(row, deleted=row.status != "public"))
            else:
                node.append(self._record(row, found, stage_labels))
        if more or harvest.cursor > 0:
            token = sub(node, o + "resumptionToken", completeListSize=total, cursor=harvest.cursor)
            if more:
                following = replace(
                    harvest, after_seq=rows[-1].seq, cursor=harvest.cursor + len(rows), total=total
                )
                token.text, expires = self.tokens.issue(following)
                token.set("expirationDate", datestamp(expires))
        return node

    # -- records --------------------------------------------------------------------

    def _header(self, row: Any, deleted: bool) -> Any:
        o = f"{{{OAI_NS}}}"
        header = etree.Element(o + "header")
        if deleted:
            header.set("status", "deleted")
        sub(header, o + "identifier", self.identifier(row.artifact_id))
        sub(header, o + "datestamp", datestamp(row.datestamp))
        for spec in row.sets:
            sub(header, o + "setSpec", spec)
        return header

    def _record(self, row: Any, found: Format, stage_labels: Callable[[str], str | None]) -> Any:
        o = f"{{{OAI_NS}}}"
        node = etree.Element(o + "record")
        record = None
        if row.status == "public":
            try:
                record = self.records.record(row.artifact_id)
            except NotFound:
                record = None
            # None: withdrawn or made members-only since the read model last moved;
            # its tombstone is on the way, so it is already reported as deleted.
        node.append(self._header(row, deleted=record is None))
        if record is not None:
            metadata = sub(node, o + "metadata")
            if found.prefix == "oai_dc":
                metadata.append(dublin_core(record, self.repository_name))
            else:
                metadata.append(commonplace(record, found.schema, stage_labels))
        return node

    def _stage_labels(self) -> Callable[[str], str | None]:
        labels: dict[str, str] = {}
        loaded = False

        def label(key: str) -> str | None:
            nonlocal loaded
            if not loaded:
                loaded = True
                for framework in self.archive.frameworks():
                    for stage in framework.stages:
                        labels[f"{framework.slug}:{stage['id']}"] = stage.get("label", "")
            return labels.get(key) or None

        return label


COMMONPLACE_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The commonplace metadata format for OAI-PMH: an artifact as Commonplace publishes it. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:cp="{CP_NS}"
           targetNamespace="{CP_NS}"
           elementFormDefault="qualified" attributeFormDefault="unqualified">
  <xs:element name="artifact" type="cp:artifactType"/>

  <xs:complexType name="artifactType">
    <xs:sequence>
      <xs:element name="title" type="xs:string"/>
      <xs:element name="summary" type="xs:string"/>
      <xs:element name="body" type="cp:bodyType"/>
      <xs:element name="language" type="xs:language"/>
      <xs:element name="contributors" type="cp:contributorsType"/>
      <xs:element name="terms" type="cp:termsType"/>
      <xs:element name="stage" type="cp:stageType" minOccurs="0"/>
      <xs:element name="place" type="cp:placeType" minOccurs="0"/>
      <xs:element name="licence" type="cp:licenceType"/>
      <xs:element name="themes" type="cp:themesType"/>
      <xs:element name="dates" type="cp:datesType"/>
      <xs:element name="convening" type="cp:slugType" minOccurs="0"/>
      <xs:element name="excursion" type="cp:slugType" minOccurs="0"/>
      <xs:element name="lineage" type="cp:lineageType" minOccurs="0"/>
      <xs:element name="links" type="cp:linksType"/>
    </xs:sequence>
    <xs:attribute name="id" type="cp:uuidType" use="required"/>
    <xs:attribute name="kind" type="xs:token" use="required"/>
    <xs:attribute name="version" type="xs:positiveInteger" use="required"/>
  </xs:complexType>

  <xs:simpleType name="uuidType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:complexType name="bodyType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="format" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="contributorsType">
    <xs:sequence>
      <xs:element name="contributor" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:simpleContent>
            <xs:extension base="xs:string">
              <xs:attribute name="role" type="xs:token" use="required"/>
            </xs:extension>
          </xs:simpleContent>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="termsType">
    <xs:sequence>
      <xs:element name="term" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:simpleContent>
            <xs:extension base="xs:string">
              <xs:attribute name="framework" type="xs:token" use="required"/>
              <xs:attribute name="id" type="xs:token" use="required"/>
              <xs:attribute name="url" type="xs:anyURI" use="required"/>
            </xs:extension>
          </xs:simpleContent>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="stageType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="framework" type="xs:token" use="required"/>
        <xs:attribute name="id" type="xs:token" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="placeType">
    <xs:sequence>
      <xs:element name="name" type="xs:string"/>
      <xs:element name="path">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="part" type="xs:string" maxOccurs="unbounded"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="slug" type="xs:token" use="required"/>
    <xs:attribute name="kind" type="xs:token"/>
    <xs:attribute name="lat" type="cp:latitudeType"/>
    <xs:attribute name="lon" type="cp:longitudeType"/>
    <xs:attribute name="url" type="xs:anyURI"/>
  </xs:complexType>

  <xs:simpleType name="latitudeType">
    <xs:restriction base="xs:double">
      <xs:minInclusive value="-90"/>
      <xs:maxInclusive value="90"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="longitudeType">
    <xs:restriction base="xs:double">
      <xs:minInclusive value="-180"/>
      <xs:maxInclusive value="180"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:complexType name="licenceType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="uri" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="themesType">
    <xs:sequence>
      <xs:element name="theme" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="datesType">
    <xs:sequence>
      <xs:element name="date" type="xs:date" minOccurs="0"/>
      <xs:element name="firstPublished" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="published" type="xs:dateTime" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="slugType">
    <xs:attribute name="slug" type="xs:token" use="required"/>
  </xs:complexType>

  <!-- adaptedFrom: the direct source; ancestor: its own sources, nearest first. -->
  <xs:complexType name="lineageType">
    <xs:sequence>
      <xs:element name="adaptedFrom" type="cp:workType" minOccurs="0"/>
      <xs:element name="ancestor" type="cp:workType" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="adaptationNote" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="workType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="uri" type="xs:anyURI" use="required"/>
        <xs:attribute name="version" type="xs:string"/>
        <xs:attribute name="site" type="xs:string"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="linksType">
    <xs:attribute name="page" type="xs:anyURI" use="required"/>
    <xs:attribute name="api" type="xs:anyURI" use="required"/>
    <xs:attribute name="jsonld" type="xs:anyURI"/>
  </xs:complexType>
</xs:schema>
""".encode()
