"""OAI-PMH 2.0: the protocol's names, its verbs and their arguments, and its dates."""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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

# Every published artifact has a kind, a language, at least one principle and a place, and
# a tombstone keeps the sets it had; so each of these parents of the set
# hierarchy (``kind`` above ``kind:story``) holds every item in the repository.
PARENT_SETS = {
    "kind": "Kind",
    "language": "Language",
    "principle": "Principle of practice",
    "place": "Place",
}

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


def clean(value: object) -> str:
    """Text as XML 1.0 allows it (control characters dropped)."""
    text = str(value)
    if text.isascii() and text.isprintable():  # the usual case, without the regex
        return text
    return _NOT_XML.sub("", text)


def checked(arguments: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, once they are known to make a valid request."""
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
