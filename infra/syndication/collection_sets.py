"""OAI-PMH sets of collections: ``collection:<slug>`` holds the artifacts of a collection.

``CollectionSets`` stands in front of the publications read model for the OAI-PMH
repository: it adds a set per collection to ``setspecs`` (so ListSets names them),
and answers ``listing`` and ``count`` for a collection's set from the rows of the
artifacts the collection holds now. Those rows are what the repository serves for
any set: a public artifact's record, or a ``deleted`` tombstone (no title, no
metadata) once it was withdrawn or narrowed to members, so that a harvester learns
it left. Links to other sites are not records of this repository. Everything else
is the publications read model's own answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from domain.errors import NotFound

PREFIX = "collection:"


class CollectionSets:
    def __init__(self, publications: Any, collections: Any, commands: Any) -> None:
        self.publications = publications
        self.collections = collections  # the collections read model
        self.commands = commands  # the archive's collections, for what each holds now

    def __getattr__(self, name: str) -> Any:
        return getattr(self.publications, name)

    def setspecs(self) -> list[tuple[str, int]]:
        found = list(self.publications.setspecs())
        for row in self.collections.listing():
            found.append((PREFIX + row.slug, 0))
        return sorted(found)

    def collection_title(self, slug: str) -> str:
        row = self.collections.by_slug(slug)
        return str(row.title) if row is not None else slug

    def listing(self, *, setspec: str | None = None, **window: Any) -> list[Any]:
        if setspec is None or not setspec.startswith(PREFIX):
            return self._named(list(self.publications.listing(setspec=setspec, **window)))
        after_seq, limit = window.get("after_seq", 0), window.get("limit", 100)
        rows = [row for row in self._rows(setspec, window) if row.seq > after_seq]
        return self._named(rows[:limit])

    def get(self, artifact_id: str) -> Any:
        row = self.publications.get(artifact_id)
        return self._named([row])[0] if row is not None else None

    def _named(self, rows: list[Any]) -> list[Any]:
        """Each public record's header names the collection sets it is in (a tombstone
        names none: a deleted record keeps no set membership to harvest)."""
        wanted = {row.artifact_id for row in rows if row.status == "public"}
        if not wanted:
            return rows
        member_of: dict[str, list[str]] = {}
        for collection in self.collections.listing():
            try:
                held = self.commands.load(collection.slug).artifact_ids()
            except NotFound:
                continue
            for artifact_id in {str(a) for a in held} & wanted:
                member_of.setdefault(artifact_id, []).append(PREFIX + collection.slug)
        return [
            replace(row, sets=(*row.sets, *sorted(member_of[row.artifact_id])))
            if row.artifact_id in member_of
            else row
            for row in rows
        ]

    def count(self, *, setspec: str | None = None, **window: Any) -> int:
        if setspec is None or not setspec.startswith(PREFIX):
            return int(self.publications.count(setspec=setspec, **window))
        return len(self._rows(setspec, window))

    def _rows(self, setspec: str, window: dict[str, Any]) -> list[Any]:
        """The rows of the set's artifacts in the time window, in log order (other
        arguments of the window narrow the repository's own sets, not a collection's)."""
        from_ts, until_ts = window.get("from_ts"), window.get("until_ts")
        try:
            collection = self.commands.load(setspec.removeprefix(PREFIX))
        except NotFound:
            return []
        rows = [self.publications.get(artifact_id) for artifact_id in collection.artifact_ids()]
        return sorted(
            (
                row
                for row in rows
                if row is not None
                and (from_ts is None or row.datestamp >= from_ts)
                and (until_ts is None or row.datestamp < until_ts)
            ),
            key=lambda row: row.seq,
        )
