"""What the public may see, asked of the publications read model rather than the Archive.

A public record (for feeds, JSON-LD and packages) is built from the row the
publications read model keeps for the artifact, with the catalogue labels stored in
that row. The Archive is read only where the read model cannot answer yet:

- an artifact the indexer has not projected (no row): read-your-writes, so that
  an artifact's JSON-LD answers as soon as it is published;
- a row written before the read model stored records (its ``record`` is empty),
  until that view is projected again.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.access import ANONYMOUS
from domain.app.lineage import chain, local_id, may_see, site_of
from domain.application import Archive
from domain.ports.publications import PublicationRow, PublicationRows


class PublicRows:
    """Rows of the publications read model, and what anyone may see of a lineage."""

    def __init__(self, archive: Archive, publications: PublicationRows | None, site: str) -> None:
        self.archive = archive
        self.publications = publications
        self.site = site

    def row(self, artifact_id: str) -> PublicationRow | None:
        """The artifact's row, or None when there is no read model or no row yet."""
        if self.publications is None:
            return None
        return self.publications.get(artifact_id)

    def source(self, adapted_from: dict[str, Any] | None) -> dict[str, Any] | None:
        """``adapted_from`` as anyone may see it (None when the direct source is hidden)."""
        shown = []
        for node in chain(adapted_from):
            if not self.visible(node):
                break
            shown.append(node)
        if not shown or adapted_from is None:
            return None
        return {**adapted_from, "ancestors": shown[1:]}

    def visible(self, node: dict[str, Any]) -> bool:
        """Whether anyone may see the work a lineage node names: another site's work
        always (that site decides), one of ours when its row is public."""
        uri = node.get("uri")
        if not isinstance(uri, str) or not uri:
            return False
        if site_of(uri) != self.site:
            return True
        artifact_id = local_id(self.site, uri)
        if artifact_id is None:
            return False
        row = self.row(str(artifact_id))
        if row is None:  # not projected yet
            return self.readable(artifact_id)
        return row.status == "public"

    def readable(self, artifact_id: UUID) -> bool:
        return may_see(self.archive, ANONYMOUS, artifact_id)
