"""A published artifact as a self-describing record, and as schema.org JSON-LD.

Every syndication format (OAI-PMH, feeds, JSON-LD, packages) starts from the
same record, so they never disagree about what was published.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import UUID

from domain.app.lineage import public_source
from domain.application import Archive
from domain.artifact import PUBLISHED
from domain.artifact_fields import syndication_of
from domain.values import ALL_RIGHTS_RESERVED, LICENCES
from infra.markdown import MarkdownRenderer, media_url
from infra.syndication.jsonld import AUTHOR_ROLES, JSONLD_CONTEXT, NOT_ADAPTABLE, jsonld_document
from infra.syndication.jsonld_nodes import based_on
from infra.syndication.persons import credited_persons, travels
from infra.syndication.public_rows import PublicationRows, PublicRows
from infra.syndication.stored import (
    Lookups,
    kept_labels,
    original_publication,
    stored_record,
    when,
)
from infra.syndication.versions import language_versions

__all__ = [
    "AUTHOR_ROLES",
    "JSONLD_CONTEXT",
    "NOT_ADAPTABLE",
    "Lookups",
    "Records",
    "based_on",
    "stored_record",
]


class Records:
    def __init__(
        self,
        archive: Archive,
        base_url: str,
        renderer: MarkdownRenderer | None = None,
        publications: PublicationRows | None = None,
    ) -> None:
        self.archive = archive
        self.base = base_url.rstrip("/")
        self.rows = PublicRows(archive, publications, self.base)
        # A record travels (feeds, OAI-PMH, packages): the addresses in its HTML are
        # the page renderer's, made absolute against the site's address.
        resolve = renderer.resolve if renderer is not None else media_url
        self.renderer = MarkdownRenderer(resolve=partial(absolute, self.base, resolve))

    # -- addresses -----------------------------------------------------------

    def api_url(self, artifact_id: str) -> str:
        return f"{self.base}/api/v1/artifacts/{artifact_id}"

    def page_url(self, artifact_id: str) -> str:
        return f"{self.base}/artifacts/{artifact_id}"

    def jsonld_url(self, artifact_id: str) -> str:
        return f"{self.api_url(artifact_id)}/jsonld"

    def package_url(self, artifact_id: str) -> str:
        return f"{self.api_url(artifact_id)}/package"

    # -- records -------------------------------------------------------------

    def record(self, artifact_id: str | UUID) -> dict[str, Any] | None:
        """The public record of an artifact, or None if it is not publicly readable.

        Built from the publications read model's row (see :mod:`.public_rows`); from
        the aggregate only for an artifact not projected yet or a row without a record.
        """
        row = self.rows.row(str(artifact_id))
        if row is not None and row.status != "public":
            return None
        if row is not None and row.record is not None:
            return self.from_stored(str(artifact_id), row.record, body_html=True)
        return self.from_aggregate(UUID(str(artifact_id)))

    def from_aggregate(self, artifact_id: UUID) -> dict[str, Any] | None:
        artifact = self.archive.artifacts.load(artifact_id)
        if artifact.status != PUBLISHED or artifact.published is None:
            return None
        content = artifact.published["content"]
        if not travels(content):
            return None
        return self.from_content(
            str(artifact.id),
            artifact.kind,
            content,
            artifact.version,
            published_at=artifact.published["at"],
            first_published_at=artifact.first_published_at,
            adapted_from=public_source(self.archive, self.base, artifact.adapted_from),
            persons=credited_persons(self.archive, content),
        )

    def from_stored(
        self,
        artifact_id: str,
        stored: dict[str, Any],
        lookups: Lookups | None = None,
        *,
        body_html: bool = False,
    ) -> dict[str, Any]:
        """The record from what the publications read model keeps (see :func:`stored_record`).

        ``body_html`` for feeds and packages; OAI-PMH carries the Markdown itself, and
        rendering it would cost more than the rest of the record.
        The place and term labels are the ones the read model keeps; ``lookups`` shares
        catalogue lookups between the records of one response for rows without them.
        """
        return self.from_content(
            artifact_id,
            stored["kind"],
            stored["content"],
            int(stored["version"]),
            body_html=body_html,
            lookups=lookups,
            labels=stored.get("catalogue"),
            published_at=when(stored.get("published_at")),
            first_published_at=when(stored.get("first_published_at")),
            adapted_from=self.rows.source(stored.get("adapted_from")),
            persons=list(stored.get("persons") or []),
        )

    def from_content(
        self,
        artifact_id: str,
        kind: str,
        content: dict[str, Any],
        version: int,
        *,
        body_html: bool = True,
        lookups: Lookups | None = None,
        labels: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        licence = content.get("licence") or ALL_RIGHTS_RESERVED
        lookups = lookups or self.lookups()
        if labels is not None:
            terms, place = kept_labels(labels, self.term_url, f"{self.base}/api/v1/places/")
        else:
            terms = self.terms(content.get("terms") or [], lookups)
            place = self.place(content.get("place"), lookups)
        extra = {**extra, **original_publication(content, extra.get("first_published_at"))}
        persons = [p for p in extra.pop("persons", None) or [] if p.get("name")]
        syndication = syndication_of(content)
        found = {
            "id": artifact_id,
            "kind": kind,
            "version": version,
            "title": content.get("title") or "",
            "summary": content.get("summary") or "",
            "body": content.get("body") or "",
            "body_html": self.renderer.render(content.get("body") or "") if body_html else None,
            "language": content.get("language") or "en",
            "licence": {"uri": licence, "label": LICENCES.get(licence, licence)},
            # The persons it lists, by credited name, alongside its contributors.
            "contributors": list(content.get("contributors") or []) + persons,
            "persons": persons,
            "syndication": syndication,
            "adaptable": syndication == "adaptable",
            "themes": list(content.get("themes") or []),
            "date": content.get("date"),
            "terms": terms,
            "stage": content.get("stage"),
            "place": place,
            "convening": content.get("convening"),
            "excursion": content.get("excursion"),
            "media": [m for m in content.get("media") or []],
            "adaptation_note": content.get("adaptation_note"),
            "urls": {
                "api": self.api_url(artifact_id),
                "page": self.page_url(artifact_id),
                "jsonld": self.jsonld_url(artifact_id),
                "package": self.package_url(artifact_id),
            },
            **language_versions(self.rows.publications, self.base, artifact_id),
            **extra,
        }
        if not body_html:
            del found["body_html"]
        return found

    def lookups(self) -> Lookups:
        """Catalogue lookups to share between the records of one response."""
        return Lookups(self.archive)

    def terms(self, keys: list[str], lookups: Lookups | None = None) -> list[dict[str, Any]]:
        terms = (lookups or self.lookups()).terms()
        found = []
        for key in keys:
            framework_id = key.partition(":")[0]
            framework, term = terms.get(key, (None, None))
            if framework is None or term is None:
                continue
            found.append(
                {
                    "key": key,
                    "framework": framework_id,
                    "framework_name": framework.name,
                    "label": term["label"],
                    "description": term.get("description", ""),
                    "url": self.term_url(key),
                }
            )
        return found

    def term_url(self, key: str) -> str:
        framework_id, _, term_id = key.partition(":")
        return f"{self.base}/api/v1/browse/terms/{framework_id}/{term_id}"

    def place(self, slug: str | None, lookups: Lookups | None = None) -> dict[str, Any] | None:
        if not slug:
            return None
        chain = (lookups or self.lookups()).place_chain(slug)
        if not chain:
            return None
        place = chain[-1]
        return {
            "slug": place.slug,
            "name": place.name,
            "kind": place.kind,
            "lat": place.lat,
            "lon": place.lon,
            "path": [p.name for p in chain],
            "url": f"{self.base}/api/v1/places/{place.slug}",
        }

    # -- JSON-LD -------------------------------------------------------------

    def jsonld(self, record: dict[str, Any]) -> dict[str, Any]:
        """schema.org CreativeWork/LearningResource with LRMI alignments."""
        return jsonld_document(record, self.base)


def absolute(base: str, resolve: Callable[[str], str | None], reference: str) -> str | None:
    """``resolve(reference)``, with a site-relative address made absolute against ``base``."""
    found = resolve(reference)
    return f"{base}{found}" if found and found.startswith("/") else found
