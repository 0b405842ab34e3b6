"""The public-records port: what other sites and harvesters see of this archive.

Records are built from the publications read model (only what is published
publicly); the adapter is ``infra.syndication.records.Records``.
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
