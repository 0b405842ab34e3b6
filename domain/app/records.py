"""The public records of this archive: which one to serve for an artifact, and from what.

Every syndication format (OAI-PMH, feeds, JSON-LD, packages) starts from the same
record, so they never disagree about what was published. This use case decides what
a record is built from: the publications read model's row (its stored record, with
the catalogue labels and credited persons the indexer worked out), or, for an
artifact the indexer has not projected yet or a row written before the view stored
records, the published aggregate (see :mod:`.records_rows`). A row that is not
public (withdrawn, narrowed) serves no record. The record itself is made by the
format port (``infra.syndication.records.RecordFormat``) from the plain
:class:`Publication` given to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.app.lineage import public_source
from domain.app.records_catalogue import Lookups
from domain.app.records_people import credited_persons, travels
from domain.app.records_rows import PublicRows
from domain.application import Archive
from domain.artifact import PUBLISHED
from domain.errors import NotFound
from domain.ports.publications import PublicationRows


@dataclass(frozen=True)
class Publication:
    """What a public record is built from: the published content and what the record
    adds from the rest of the artifact's history."""

    artifact_id: str
    kind: str
    content: dict[str, Any]
    version: int
    published_at: datetime | None = None
    first_published_at: datetime | None = None
    #: The source it adapts, as anyone may see it.
    adapted_from: dict[str, Any] | None = None
    #: Each person it lists, by credited name, with their role.
    persons: list[dict[str, str]] = field(default_factory=list)
    #: The place and term labels the read model kept; None to look them up.
    labels: dict[str, Any] | None = None


class Catalogue(Protocol):
    """The catalogue lookups a record needs when it carries no labels of its own."""

    def place_chain(self, slug: str) -> list[Any]: ...

    def terms(self) -> dict[str, tuple[Any, dict[str, Any]]]: ...


class RecordFormat(Protocol):
    """Makes records (and their JSON-LD) from plain publications, at this site's address."""

    base: str

    def api_url(self, artifact_id: str) -> str: ...

    def page_url(self, artifact_id: str) -> str: ...

    def jsonld_url(self, artifact_id: str) -> str: ...

    def package_url(self, artifact_id: str) -> str: ...

    def build(
        self, publication: Publication, catalogue: Catalogue, *, body_html: bool = True
    ) -> dict[str, Any]: ...

    def place(self, slug: str | None, catalogue: Catalogue) -> dict[str, Any] | None: ...

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]: ...


class Records:
    """The ``PublicRecords`` port: an artifact's public record, or none."""

    def __init__(
        self,
        archive: Archive,
        format: RecordFormat,
        publications: PublicationRows | None = None,
    ) -> None:
        self.archive = archive
        self.format = format
        self.base = format.base
        self.rows = PublicRows(archive, publications, self.base)

    # -- addresses -----------------------------------------------------------

    def api_url(self, artifact_id: str) -> str:
        return self.format.api_url(artifact_id)

    def page_url(self, artifact_id: str) -> str:
        return self.format.page_url(artifact_id)

    def jsonld_url(self, artifact_id: str) -> str:
        return self.format.jsonld_url(artifact_id)

    def package_url(self, artifact_id: str) -> str:
        return self.format.package_url(artifact_id)

    # -- records -------------------------------------------------------------

    def record(self, artifact_id: str | UUID) -> dict[str, Any] | None:
        """The public record of an artifact, or None if it is not publicly readable.

        Built from the publications read model's row; from the aggregate only for an
        artifact not projected yet or a row without a record.
        """
        row = self.rows.row(str(artifact_id))
        if row is not None and row.status != "public":
            return None
        if row is not None and row.record is not None:
            return self.from_stored(str(artifact_id), row.record, body_html=True)
        return self.from_aggregate(UUID(str(artifact_id)))

    def from_aggregate(self, artifact_id: UUID) -> dict[str, Any] | None:
        try:
            artifact = self.archive.artifacts.load(artifact_id)
        except NotFound:  # never created: no record, as for any artifact not public
            return None
        if artifact.status != PUBLISHED or artifact.published is None:
            return None
        content = artifact.published["content"]
        if not travels(content):
            return None
        publication = Publication(
            str(artifact.id),
            artifact.kind,
            content,
            artifact.version,
            published_at=artifact.published["at"],
            first_published_at=artifact.first_published_at,
            adapted_from=public_source(self.archive, self.base, artifact.adapted_from),
            persons=credited_persons(self.archive, content),
        )
        return self.format.build(publication, self.lookups())

    def from_stored(
        self,
        artifact_id: str,
        stored: dict[str, Any],
        lookups: Catalogue | None = None,
        *,
        body_html: bool = False,
    ) -> dict[str, Any]:
        """The record from what the publications read model keeps (see
        ``infra.syndication.stored.stored_record``).

        ``body_html`` for feeds and packages; OAI-PMH carries the Markdown itself, and
        rendering it would cost more than the rest of the record.
        The place and term labels are the ones the read model keeps; ``lookups`` shares
        catalogue lookups between the records of one response for rows without them.
        """
        publication = Publication(
            artifact_id,
            stored["kind"],
            stored["content"],
            int(stored["version"]),
            published_at=when(stored.get("published_at")),
            first_published_at=when(stored.get("first_published_at")),
            adapted_from=self.rows.source(stored.get("adapted_from")),
            persons=list(stored.get("persons") or []),
            labels=stored.get("catalogue"),
        )
        return self.format.build(publication, lookups or self.lookups(), body_html=body_html)

    def lookups(self) -> Lookups:
        """Catalogue lookups to share between the records of one response."""
        return Lookups(self.archive)

    def place(self, slug: str | None, lookups: Catalogue | None = None) -> dict[str, Any] | None:
        return self.format.place(slug, lookups or self.lookups())

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]:
        """schema.org CreativeWork/LearningResource with LRMI alignments."""
        return self.format.jsonld(record)


def when(value: str | None) -> datetime | None:
    """A stored ISO 8601 time (the read model keeps them as text)."""
    return datetime.fromisoformat(value) if value else None
