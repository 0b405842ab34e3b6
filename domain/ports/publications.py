"""The public-records port: what other sites and harvesters see of this archive,
and the port of the publications read model those records are read from.

Records are built from the publications read model (only what is published
publicly); the use case is ``domain.app.records.Records``, the read model
``infra.readmodel.publications.Publications``.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID


class PublicRecords(Protocol):
    #: This site's base URL, without a trailing slash.
    base: str

    def api_url(self, artifact_id: str) -> str: ...

    def page_url(self, artifact_id: str) -> str: ...

    def record(self, artifact_id: str | UUID) -> dict[str, Any] | None:
        """The public record of an artifact, or None when it is not published publicly."""
        ...

    def place(self, slug: str | None) -> dict[str, Any] | None:
        """A place as records show it (name, kind, coordinates), or None."""
        ...

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]:
        """A record as schema.org JSON-LD."""
        ...


class PublicationRow(Protocol):
    """An artifact's row in the publications read model."""

    @property
    def status(self) -> str:
        """Whether it is public: "public", or "deleted" for a tombstone."""
        ...

    @property
    def record(self) -> dict[str, Any] | None:
        """What its public record is built from; None for a tombstone or a row written
        before the read model stored records."""
        ...


class PublicationRows(Protocol):
    """The publications read model, as the public records read it."""

    def get(self, artifact_id: str) -> PublicationRow | None:
        """The artifact's row, or None when the indexer has not projected it yet."""
        ...
