"""The production search backend: Meilisearch, through its official client.

Index settings are configured before any document is added. Every write is a
Meilisearch task; ``wait_for_task`` returns a failed task rather than raising,
so each task's final status is checked, and only a ``succeeded`` task lets the
tracking position advance. The tracking records live in the event store's
database (an eventsourcing tracking recorder), keyed by index generation so a
rebuild can start its own count. Queries and answers are translated by
:mod:`infra.search.meili_query`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from typing import Any

import meilisearch
from eventsourcing.persistence import Tracking, TrackingRecorder
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from domain.ports.search import (
    InvalidQuery,
    Rebuild,
    SearchIndex,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
)
from infra.search.facet_caps import cap
from infra.search.meili_query import (
    PLACE_LEVELS,
    SETTINGS,
    facets,
    field,
    for_index,
    hit,
    quote,
    search_parameters,
    stored,
)

__all__ = ["SETTINGS", "MeilisearchIndex", "MeilisearchRebuild"]

BATCH = 1000
CLIENT_ERRORS = (MeilisearchCommunicationError, MeilisearchTimeoutError)


class MeilisearchIndex(SearchIndex):
    def __init__(
        self,
        url: str,
        api_key: str | None,
        uid: str,
        tracking: TrackingRecorder,
        *,
        task_timeout_ms: int = 30_000,
    ) -> None:
        self.client = meilisearch.Client(url, api_key, timeout=10)
        self.uid = uid
        self.tracking = tracking
        self.task_timeout_ms = task_timeout_ms
        self._ready: set[str] = set()

    # -- tasks and settings ------------------------------------------------------

    def wait(self, task_info: Any) -> None:
        """Wait for a task and insist that it succeeded."""
        try:
            task = self.client.wait_for_task(
                task_info.task_uid, timeout_in_ms=self.task_timeout_ms, interval_in_ms=10
            )
        except CLIENT_ERRORS as error:
            raise SearchUnavailable(f"Meilisearch did not answer: {error}") from error
        if task.status != "succeeded":
            details = task.error or {}
            raise SearchUnavailable(
                f"Meilisearch task {task.uid} ({task.type}) ended {task.status}: "
                f"{details.get('code', '')} {details.get('message', '')}".strip()
            )

    def ensure(self, uid: str) -> None:
        """Create the index and configure it, before any document goes in."""
        if uid in self._ready:
            return
        try:
            try:
                self.client.get_index(uid)
            except MeilisearchApiError as error:
                if error.code != "index_not_found":
                    raise
                self.wait(self.client.create_index(uid, {"primaryKey": "id"}))
            self.wait(self.client.index(uid).update_settings(SETTINGS))
        except CLIENT_ERRORS as error:
            raise SearchUnavailable(f"Meilisearch did not answer: {error}") from error
        except MeilisearchApiError as error:
            raise SearchUnavailable(f"Meilisearch refused the index settings: {error}") from error
        self._ready.add(uid)

    def write_to(
        self, uid: str, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]
    ) -> None:
        self.ensure(uid)
        index = self.client.index(uid)
        documents = list(upserts)
        removed = list(deletions)
        documents = [for_index(d) for d in documents]
        try:
            for start in range(0, len(documents), BATCH):
                self.wait(index.add_documents(documents[start : start + BATCH], primary_key="id"))
            for start in range(0, len(removed), BATCH):
                chunk = ", ".join(quote(doc_id) for doc_id in removed[start : start + BATCH])
                self.wait(index.delete_documents(filter=f"id IN [{chunk}]"))
        except CLIENT_ERRORS as error:
            raise SearchUnavailable(f"Meilisearch did not answer: {error}") from error
        except MeilisearchApiError as error:
            raise SearchUnavailable(f"Meilisearch refused a write: {error}") from error

    # -- tracking ------------------------------------------------------------

    def generation(self) -> int:
        return self.tracking.max_tracking_id(f"generation@{self.uid}") or 0

    def tracking_name(self, application_name: str, generation: int | None = None) -> str:
        number = self.generation() if generation is None else generation
        return f"{application_name}@{self.uid}#{number}"

    def position(self, application_name: str) -> int:
        return self.tracking.max_tracking_id(self.tracking_name(application_name)) or 0

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self.write_to(self.uid, upserts, deletions)
        # Only now, with every task succeeded, does the position move.
        name = self.tracking_name(tracking.application_name)
        self.tracking.insert_tracking(Tracking(name, tracking.notification_id))

    # -- reading -------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            response = self.client.index(self.uid).search(query.q[:1000], search_parameters(query))
        except CLIENT_ERRORS as error:
            raise SearchUnavailable(f"Meilisearch did not answer: {error}") from error
        except MeilisearchApiError as error:
            if error.code == "index_not_found":
                return SearchResult(total=0, hits=[], facets={})
            if str(error.code).startswith("invalid_search"):
                raise InvalidQuery(error.message) from error
            raise SearchUnavailable(f"Meilisearch refused the search: {error}") from error
        distribution = response.get("facetDistribution") or {}
        found = facets(distribution)
        levels = [dict(distribution.get(level) or {}) for level in PLACE_LEVELS]
        if query.facet_limit is not None and any(levels):
            found["places"] = {k: v for counts in levels for k, v in counts.items()}
        return SearchResult(
            total=int(response.get("totalHits", 0)),
            hits=[hit(raw) for raw in response.get("hits", [])],
            facets=cap(found, levels, query),
        )

    def health(self) -> dict[str, Any]:
        try:
            self.client.health()
        except CLIENT_ERRORS as error:
            return {"state": "unreachable", "detail": str(error), "rebuilding": False}
        except MeilisearchApiError as error:
            return {"state": "broken", "detail": str(error), "rebuilding": False}
        return {"state": "ok", "detail": self.uid, "rebuilding": False}

    def document(self, doc_id: str) -> dict[str, Any] | None:
        try:
            document = self.client.index(self.uid).get_document(doc_id)
        except MeilisearchApiError as error:
            if error.code in ("document_not_found", "index_not_found"):
                return None
            raise SearchUnavailable(str(error)) from error
        return stored(dict(document))  # a Document iterates as its (field, value) pairs

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            try:
                page = self.client.index(self.uid).get_documents(
                    {"fields": ["id"], "limit": 1000, "offset": offset}
                )
            except MeilisearchApiError as error:
                if error.code == "index_not_found":
                    return ids
                raise SearchUnavailable(str(error)) from error
            found = [field(d, "id") for d in page.results]
            ids.update(found)
            offset += len(found)
            if len(found) < 1000:
                return ids

    def start_rebuild(self) -> Rebuild:
        return MeilisearchRebuild(self)


class MeilisearchRebuild(Rebuild):
    def __init__(self, index: MeilisearchIndex) -> None:
        self.index = index
        self.uid = f"{index.uid}_rebuild_{int(time.time() * 1000)}"
        self.position = 0
        index.ensure(index.uid)  # swap needs both indexes to exist
        index.ensure(self.uid)

    def write(self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str]) -> None:
        self.index.write_to(self.uid, upserts, deletions)

    def apply(
        self, upserts: Iterable[dict[str, Any]], deletions: Iterable[str], tracking: Tracking
    ) -> None:
        self.write(upserts, deletions)
        self.position = tracking.notification_id

    def swap(self, tracking: Tracking) -> None:
        client = self.index.client
        self.index.wait(client.swap_indexes([{"indexes": [self.index.uid, self.uid]}]))
        generation = self.index.generation() + 1
        name = self.index.tracking_name(tracking.application_name, generation)
        self.index.tracking.insert_tracking(Tracking(name, max(tracking.notification_id, 1)))
        self.index.tracking.insert_tracking(Tracking(f"generation@{self.index.uid}", generation))
        self.index.wait(client.delete_index(self.uid))  # now holds the old documents

    def discard(self) -> None:
        with contextlib.suppress(SearchUnavailable, MeilisearchApiError):
            self.index.wait(self.index.client.delete_index(self.uid))
