"""In-memory fakes of the ports in ``domain/ports``, for fast tests of the application.

Each is a working implementation kept in memory, not a mock: the media store fake
runs the same contract suite as the local folder and S3 adapters.
"""

from __future__ import annotations

import html
import io
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Tracking

from domain.outbox import FAILED, PENDING, SENT, STATES, Notice, OutboxEntry
from domain.ports.fetcher import FetchBusy, FetchFailed, FetchRefused
from domain.ports.media import CHUNK, ImageResult, MediaStore, UnsafeImage, UploadTarget
from domain.ports.search import (
    FACETS,
    Hit,
    Rebuild,
    SearchIndex,
    SearchQuery,
    SearchResult,
)


class MemoryMediaStore(MediaStore):
    """A media store in a dictionary; uploads go through the API (no direct URLs)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.puts = 0

    def put(self, key: str, data: IO[bytes], content_type: str) -> None:
        buffer = io.BytesIO()
        while chunk := data.read(CHUNK):
            buffer.write(chunk)
        self.objects[key] = buffer.getvalue()
        self.puts += 1

    def size(self, key: str) -> int | None:
        found = self.objects.get(key)
        return None if found is None else len(found)

    def read(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        data = self.objects[key]
        for start in range(0, len(data), chunk_size):
            yield data[start : start + chunk_size]

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def keys(self, prefix: str = "") -> Iterator[str]:
        yield from sorted(k for k in self.objects if k.startswith(prefix))

    def copy(self, source: str, target: str, content_type: str) -> None:
        self.objects[target] = self.objects[source]

    def upload_target(self, key: str, content_type: str, size: int, part_size: int) -> UploadTarget:
        return UploadTarget("PUT", f"memory:{key}", {"Content-Type": content_type})

    def finish_multipart(self, key: str, multipart_id: str, parts: list[dict[str, object]]) -> None:
        numbers = sorted(int(str(p["part_number"])) for p in parts)
        names = [f"{key}.part{n:05d}" for n in numbers]
        missing = [name for name in names if name not in self.objects]
        if missing:
            raise FileNotFoundError(missing[0])
        self.objects[key] = b"".join(self.objects.pop(name) for name in names)

    def download_url(self, key: str, content_type: str, disposition: str) -> str | None:
        return None


@dataclass
class FakeInspector:
    """Types by a table of first bytes; images "re-encoded" by prefixing a marker."""

    types: dict[bytes, str] = field(default_factory=dict)
    unsafe: bool = False

    def sniff(self, head: bytes) -> str | None:
        return next((t for prefix, t in self.types.items() if head.startswith(prefix)), None)

    def matches(self, declared: str, real: str | None) -> bool:
        return declared == real

    def duration_seconds(self, path: Path) -> float | None:
        return 1.5

    def clean_image(self, path: Path, content_type: str) -> ImageResult:
        if self.unsafe:
            raise UnsafeImage("The image has too many pixels to decode safely.")
        data = b"clean:" + path.read_bytes()
        return ImageResult(data, content_type, 640, 480, {"320": (b"thumb", 320, 240)})


@dataclass
class FakeClock:
    """A clock that moves only when told."""

    at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    ticks: float = 0.0

    def now(self) -> datetime:
        return self.at

    def monotonic(self) -> float:
        return self.ticks

    def time(self) -> float:
        return self.at.timestamp()

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)
        self.ticks += seconds


@dataclass
class FakeIndexerStatus:
    saved: dict[str, Any] = field(default_factory=dict)

    def load_status(self) -> dict[str, Any]:
        return dict(self.saved)


class RecordingIndex(SearchIndex):
    """A stand-in search index that answers nothing and remembers what it was asked."""

    def __init__(self, position: int = 0) -> None:
        self.queries: list[SearchQuery] = []
        self.applied = position

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self.applied = tracking.notification_id

    def position(self, application_name: str) -> int:
        return self.applied

    def search(self, query: SearchQuery) -> SearchResult:
        self.queries.append(query)
        return SearchResult(total=0, hits=[])

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return None

    def all_ids(self) -> set[str]:
        return set()

    def start_rebuild(self) -> Rebuild:
        raise NotImplementedError("the recording index does not rebuild")


# -- the fetcher, the outbox and the public records ------------------------------------
# Each runs the contract suite of its port (tests/contract/) beside the real adapters.


@dataclass
class MemoryFetcher:
    """Other sites as a dictionary of URL → JSON document, and the statuses they answer.

    As the guarded fetcher does, it fetches only http(s), refuses literal private
    addresses (outside ``allow_networks``), follows ``redirects`` (at most three) and
    caps answers at ``max_bytes``; a URL with no document answers 404. POSTs are kept in
    ``posted`` and answered with ``statuses`` (201 by default). ``busy`` makes every
    fetch find no free slot.
    """

    documents: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    allow_networks: tuple[str, ...] = ()
    max_bytes: int = 2_000_000
    deadline: float = 10.0
    busy: bool = False
    asked: list[str] = field(default_factory=list)
    posted: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def get_json(self, url: str, *, wait: float = 0.0) -> dict[str, Any]:
        self._check(url)
        current = url
        for _ in range(4):
            self.asked.append(current)
            if current not in self.redirects:
                return self._answer(current)
            current = urljoin(current, self.redirects[current])
            self._check(current)
        raise FetchFailed(f"{url} redirected more than 3 times.", url=url)

    def post_json(
        self,
        url: str,
        payload: dict[str, Any] | bytes,
        *,
        wait: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> int:
        self._check(url)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.posted.append((url, body, dict(headers or {})))
        return self.statuses.get(url, 201)

    def _answer(self, url: str) -> dict[str, Any]:
        status = self.statuses.get(url, 200 if url in self.documents else 404)
        if status != 200:
            raise FetchFailed(f"{url} answered {status}.", url=url, answered=status)
        body = json.dumps(self.documents[url]).encode()
        if len(body) > self.max_bytes:
            raise FetchFailed(f"{url} sent more than {self.max_bytes} bytes.", url=url)
        document = json.loads(body)
        if not isinstance(document, dict):
            raise FetchFailed(f"{url} did not answer with a JSON object.", url=url)
        return document

    def _check(self, url: str) -> None:
        if self.busy:
            raise FetchBusy("The fetches of other sites are all taken.", retry_after=1)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"Only http and https URLs can be fetched, not {url!r}.", url=url)
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            return  # a name: the fake's sites are all public
        if not self.permitted(address):
            raise FetchRefused(f"{parts.hostname} is a private or local address.", url=url)

    def permitted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        """Whether an address may be fetched: a public one, or one in ``allow_networks``."""
        allowed = any(address in ipaddress.ip_network(n) for n in self.allow_networks)
        return allowed or address.is_global


class MemoryOutbox:
    """The outbox in a dictionary, with a tracking position per application."""

    def __init__(self) -> None:
        self.rows: dict[str, OutboxEntry] = {}
        self.tracking: dict[str, int] = {}
        self.closed = False

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.tracking.get(application_name)

    def add(self, notices: Sequence[Notice], tracking: Tracking, now: float) -> None:
        reached = self.tracking.get(tracking.application_name)
        if reached is not None and tracking.notification_id <= reached:
            msg = f"Failed to record tracking for {tracking.application_name}"
            raise IntegrityError(f"{msg} {tracking.notification_id}")
        for notice in notices:
            self.accept(notice, now)
        self.tracking[tracking.application_name] = tracking.notification_id

    def accept(self, notice: Notice, now: float) -> bool:
        if notice.id in self.rows:
            return False
        stored = replace(notice, payload=json.loads(json.dumps(notice.payload)))
        self.rows[notice.id] = OutboxEntry(stored, PENDING, 0, now, now)
        return True

    def due(self, now: float, limit: int) -> list[OutboxEntry]:
        due = [e for e in self.rows.values() if e.state == PENDING]
        due = [e for e in due if e.next_attempt_at is not None and e.next_attempt_at <= now]
        return sorted(due, key=lambda e: (e.next_attempt_at or 0.0, e.notice.position))[:limit]

    def claim(self, notice_id: str, seen_next: float, until: float) -> bool:
        entry = self.rows.get(notice_id)
        if entry is None or entry.state != PENDING or entry.next_attempt_at != seen_next:
            return False
        self.rows[notice_id] = replace(entry, next_attempt_at=until)
        return True

    def delivered(self, notice_id: str, attempts: int, at: float, note: str) -> None:
        self._update(notice_id, SENT, attempts, None, note or None, at)

    def retry(self, notice_id: str, attempts: int, at: float, error: str) -> None:
        self._update(notice_id, PENDING, attempts, at, error, None)

    def failed(self, notice_id: str, attempts: int, error: str) -> None:
        self._update(notice_id, FAILED, attempts, None, error, None)

    def _update(
        self,
        notice_id: str,
        state: str,
        attempts: int,
        next_at: float | None,
        error: str | None,
        sent_at: float | None,
    ) -> None:
        entry = self.rows.get(notice_id)
        if entry is not None:
            self.rows[notice_id] = replace(
                entry,
                state=state,
                attempts=attempts,
                next_attempt_at=next_at,
                last_error=error,
                sent_at=sent_at,
            )

    def entries(self, state: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        found = [e for e in self.rows.values() if state is None or e.state == state]
        return _newest_first(found)[:limit]

    def about(self, artifact_id: str, limit: int = 500) -> list[OutboxEntry]:
        found = [
            e for e in self.rows.values() if e.notice.payload.get("artifact_id") == artifact_id
        ]
        return _newest_first(found)[:limit]

    def get(self, notice_id: str) -> OutboxEntry | None:
        return self.rows.get(notice_id)

    def counts(self) -> dict[str, int]:
        states = [e.state for e in self.rows.values()]
        return {state: states.count(state) for state in STATES}

    def waiting(self, kind: str, target_prefix: str = "") -> int:
        return sum(
            1
            for e in self.rows.values()
            if e.state == PENDING
            and e.notice.kind == kind
            and e.notice.target.startswith(target_prefix)
        )

    def close(self) -> None:
        self.closed = True


def _newest_first(entries: list[OutboxEntry]) -> list[OutboxEntry]:
    by_id = sorted(entries, key=lambda e: e.notice.id)
    return sorted(by_id, key=lambda e: e.notice.position, reverse=True)


@dataclass
class MemoryPublicRecords:
    """Public records in a dictionary: ``publish`` keeps a record when the content is
    public (members-only content has none), ``withdraw`` forgets it. The JSON-LD is a
    small schema.org document with the fields the application reads."""

    base: str = "https://here.example"
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)

    def api_url(self, artifact_id: str) -> str:
        return f"{self.base}/api/v1/artifacts/{artifact_id}"

    def page_url(self, artifact_id: str) -> str:
        return f"{self.base}/artifacts/{artifact_id}"

    def record(self, artifact_id: str | UUID) -> dict[str, Any] | None:
        found = self.records.get(str(artifact_id))
        return None if found is None else json.loads(json.dumps(found))

    def place(self, slug: str | None) -> dict[str, Any] | None:
        found = self.places.get(slug or "")
        return None if found is None else dict(found)

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": "https://schema.org/",
            "@type": ["CreativeWork", "LearningResource"],
            "@id": record["urls"]["api"],
            "url": record["urls"]["page"],
            "identifier": record["id"],
            "name": record["title"],
            "version": record["version"],
            "license": record["licence"]["uri"],
        }
        if record.get("based_on"):
            document["isBasedOn"] = {"@id": record["based_on"]}
        return document

    # -- what the archive would have published ---------------------------------

    def add_place(self, slug: str, name: str, kind: str = "school") -> None:
        url = f"{self.base}/api/v1/places/{slug}"
        self.places[slug] = {"slug": slug, "name": name, "kind": kind, "url": url}

    def publish(
        self,
        artifact_id: str | UUID,
        content: dict[str, Any],
        version: int = 1,
        kind: str = "story",
    ) -> None:
        """The record of ``content`` as published (none unless its visibility is public);
        ``content["based_on"]``, an address, is what its JSON-LD says it adapts."""
        key = str(artifact_id)
        if content.get("visibility", "public") != "public":
            self.records.pop(key, None)
            return
        licence = content.get("licence") or "all-rights-reserved"
        syndication = content.get("syndication") or "adaptable"
        self.records[key] = {
            "id": key,
            "kind": kind,
            "version": version,
            "title": content.get("title") or "",
            "summary": content.get("summary") or "",
            "language": content.get("language") or "en",
            "licence": {"uri": licence, "label": licence},
            "syndication": syndication,
            "adaptable": syndication == "adaptable",
            "place": self.place(content.get("place")),
            "based_on": content.get("based_on"),
            "urls": {"api": self.api_url(key), "page": self.page_url(key)},
        }

    def withdraw(self, artifact_id: str | UUID) -> None:
        self.records.pop(str(artifact_id), None)


# -- the search index, kept small ---------------------------------------------------------


class MemorySearchIndex(SearchIndex):
    """Whole documents in a dictionary, found by exact filters and whole words.

    For the application's unit tests (what a search or a browse page shows of the hits
    and facets), not a third search engine: no stemming, typo tolerance, ranking,
    highlighting, distances or facet caps. Relevance is newest first; a snippet is the
    escaped summary. A query it cannot answer honestly (``near``, ``sort="distance"``, a
    ``facet_limit``) raises ``NotImplementedError``. tests/contract/test_search_memory.py
    runs the contract cases it meets and names those it does not, with the reason.
    """

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.positions: dict[str, int] = {}

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        _track(self.positions, tracking)
        _write(self.documents, upserts, deletions)

    def position(self, application_name: str) -> int:
        return self.positions.get(application_name, 0)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        found = self.documents.get(doc_id)
        return None if found is None else json.loads(json.dumps(found))

    def all_ids(self) -> set[str]:
        return set(self.documents)

    def start_rebuild(self) -> Rebuild:
        return MemoryRebuild(self)

    def search(self, query: SearchQuery) -> SearchResult:
        if query.near is not None or query.sort == "distance" or query.facet_limit is not None:
            raise NotImplementedError("the in-memory index has no distances or facet caps")
        found = [d for d in self.documents.values() if _matches(d, query)]
        found.sort(key=lambda d: (-float(d.get("published_at") or 0.0), d["id"]))
        page = found[query.offset : query.offset + query.per_page]
        hits = [
            Hit(d["id"], d, html.escape(d.get("summary") or d.get("title") or "")) for d in page
        ]
        return SearchResult(len(found), hits, _facets(found) if query.facets else {})


class MemoryRebuild(Rebuild):
    def __init__(self, live: MemorySearchIndex) -> None:
        self.live = live
        self.documents: dict[str, dict[str, Any]] = {}
        self.positions: dict[str, int] = {}

    def write(self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]) -> None:
        _write(self.documents, upserts, deletions)

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        _track(self.positions, tracking)
        _write(self.documents, upserts, deletions)

    def swap(self, tracking: Tracking) -> None:
        self.live.documents = self.documents
        self.live.positions = {
            **self.positions,
            tracking.application_name: tracking.notification_id,
        }

    def discard(self) -> None:
        self.documents = {}


def _track(positions: dict[str, int], tracking: Tracking) -> None:
    reached = positions.get(tracking.application_name)
    if reached is not None and tracking.notification_id <= reached:
        msg = f"Failed to record tracking for {tracking.application_name}"
        raise IntegrityError(f"{msg} {tracking.notification_id}")
    positions[tracking.application_name] = tracking.notification_id


def _write(
    documents: dict[str, dict[str, Any]],
    upserts: Iterable[dict[str, Any]],
    deletions: Iterable[str],
) -> None:
    for upsert in upserts:
        documents[str(upsert["id"])] = json.loads(json.dumps(upsert))
    for doc_id in deletions:
        documents.pop(doc_id, None)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _matches(document: dict[str, Any], query: SearchQuery) -> bool:
    text = " ".join(str(document.get(f) or "") for f in ("title", "summary", "body"))
    year = document.get("year")
    return (
        (query.include_members or not document.get("members_only"))
        and _words(query.q) <= _words(text)
        and all(t in (document.get("term_filter") or []) for t in query.terms)
        and all(p in (document.get("place_path") or []) for p in query.places)
        and (not query.kinds or document.get("kind") in query.kinds)
        and query.convening in (None, document.get("convening"))
        and query.excursion in (None, document.get("excursion"))
        and query.language in (None, document.get("language"))
        and query.licence in (None, document.get("licence"))
        and (query.year_from is None or (year is not None and year >= query.year_from))
        and (query.year_to is None or (year is not None and year <= query.year_to))
    )


def _facets(documents: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    lists = {"terms": "terms", "term_filter": "term_filter", "places": "place_path"}
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for document in documents:
        for name in FACETS:
            value = document.get(lists.get(name, name))
            values = value if isinstance(value, list) else [] if value is None else [value]
            for one in dict.fromkeys(str(v) for v in values):
                counts[name][one] = counts[name].get(one, 0) + 1
    return counts


# -- the publications read model and the record format, as the public records see them --

from domain.app.records import Catalogue, Publication  # noqa: E402


@dataclass(frozen=True)
class MemoryPublicationRow:
    """A row of the publications read model: public with its stored record (None for a
    row written before the view stored records), or a "deleted" tombstone."""

    status: str
    record: dict[str, Any] | None = None


@dataclass
class MemoryPublications:
    """The publications read model (the ``PublicationRows`` port) in a dictionary."""

    rows: dict[str, MemoryPublicationRow] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def get(self, artifact_id: str) -> MemoryPublicationRow | None:
        self.asked.append(artifact_id)
        return self.rows.get(artifact_id)

    def project(self, artifact_id: str, stored: dict[str, Any] | None) -> None:
        """The indexer's row for a public publication (``stored``: what it keeps)."""
        self.rows[artifact_id] = MemoryPublicationRow("public", stored)

    def tombstone(self, artifact_id: str) -> None:
        """The indexer's row once the artifact is no longer public."""
        self.rows[artifact_id] = MemoryPublicationRow("deleted")


@dataclass
class PlainRecordFormat:
    """The record format as plain dictionaries: a record is the publication it was made
    from, and every publication given is kept in ``built``."""

    base: str = "https://here.example"
    built: list[Publication] = field(default_factory=list)

    def api_url(self, artifact_id: str) -> str:
        return f"{self.base}/api/v1/artifacts/{artifact_id}"

    def page_url(self, artifact_id: str) -> str:
        return f"{self.base}/artifacts/{artifact_id}"

    def jsonld_url(self, artifact_id: str) -> str:
        return f"{self.api_url(artifact_id)}/jsonld"

    def package_url(self, artifact_id: str) -> str:
        return f"{self.api_url(artifact_id)}/package"

    def build(
        self, publication: Publication, catalogue: Catalogue, *, body_html: bool = True
    ) -> dict[str, Any]:
        self.built.append(publication)
        labels = publication.labels or {}
        return {
            "id": publication.artifact_id,
            "kind": publication.kind,
            "version": publication.version,
            "title": publication.content.get("title") or "",
            "persons": list(publication.persons),
            "adapted_from": publication.adapted_from,
            "place": labels.get("place") or self.place(publication.content.get("place"), catalogue),
            "body_html": body_html,
        }

    def place(self, slug: str | None, catalogue: Catalogue) -> dict[str, Any] | None:
        chain = catalogue.place_chain(slug) if slug else []
        return {"slug": chain[-1].slug, "name": chain[-1].name} if chain else None

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]:
        return {"@id": self.api_url(record["id"]), "name": record["title"]}


# -- who is who, for the notifications ------------------------------------------------


@dataclass
class MemoryDirectory:
    """The notifications' ``Directory`` in dictionaries: editors, each artifact's creator
    and title, principals' email addresses and their chosen channels (email by default)."""

    editor_ids: list[str] = field(default_factory=list)
    creators: dict[UUID, str] = field(default_factory=dict)
    titles: dict[UUID, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    channels: dict[tuple[str, str], str] = field(default_factory=dict)

    def editors(self) -> list[str]:
        return list(self.editor_ids)

    def contributors(self, artifact_id: UUID) -> list[str]:
        return [self.creators[artifact_id]] if artifact_id in self.creators else []

    def title(self, artifact_id: UUID) -> str:
        return self.titles.get(artifact_id, "")

    def email(self, principal_id: str) -> str | None:
        return self.emails.get(principal_id)

    def channel(self, principal_id: str, kind: str) -> str:
        return self.channels.get((principal_id, kind), "email")
