"""A publication as a self-describing record, and as schema.org JSON-LD.

Every syndication format (OAI-PMH, feeds, JSON-LD, packages) starts from the
same record, so they never disagree about what was published. Which publication a
record is made from is the application's to decide (``domain.app.records``); this
module only makes the record from the plain :class:`~domain.app.records.Publication`
it is given, at this site's address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from domain.app.records import Catalogue, Publication
from domain.artifact_fields import syndication_of
from domain.values import ALL_RIGHTS_RESERVED, LICENCES
from infra.markdown import MarkdownRenderer, media_url
from infra.syndication.jsonld import AUTHOR_ROLES, JSONLD_CONTEXT, NOT_ADAPTABLE, jsonld_document
from infra.syndication.jsonld_nodes import based_on
from infra.syndication.stored import kept_labels, original_publication, stored_record
from infra.syndication.versions import language_versions

__all__ = [
    "AUTHOR_ROLES",
    "JSONLD_CONTEXT",
    "NOT_ADAPTABLE",
    "RecordFormat",
    "based_on",
    "stored_record",
]


class RecordFormat:
    """Records at ``base_url``: their addresses, their fields, their JSON-LD.

    ``versions`` is the publications read model, which knows a work's public language
    versions (none without it).
    """

    def __init__(
        self,
        base_url: str,
        renderer: MarkdownRenderer | None = None,
        versions: object | None = None,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.versions = versions
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

    def term_url(self, key: str) -> str:
        framework_id, _, term_id = key.partition(":")
        return f"{self.base}/api/v1/browse/terms/{framework_id}/{term_id}"

    # -- records -------------------------------------------------------------

    def build(
        self, publication: Publication, catalogue: Catalogue, *, body_html: bool = True
    ) -> dict[str, Any]:
        """The record of ``publication``; its place and terms from the labels it carries,
        else from ``catalogue``. ``body_html`` renders the Markdown body too."""
        artifact_id, content = publication.artifact_id, publication.content
        licence = content.get("licence") or ALL_RIGHTS_RESERVED
        if publication.labels is not None:
            places_url = f"{self.base}/api/v1/places/"
            terms, place = kept_labels(publication.labels, self.term_url, places_url)
        else:
            terms = self.terms(content.get("terms") or [], catalogue)
            place = self.place(content.get("place"), catalogue)
        extra = {
            "published_at": publication.published_at,
            "first_published_at": publication.first_published_at,
            "adapted_from": publication.adapted_from,
            **original_publication(content, publication.first_published_at),
        }
        persons = [p for p in publication.persons if p.get("name")]
        syndication = syndication_of(content)
        found = {
            "id": artifact_id,
            "kind": publication.kind,
            "version": publication.version,
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
            **language_versions(self.versions, self.base, artifact_id),
            **extra,
        }
        if not body_html:
            del found["body_html"]
        return found

    def terms(self, keys: list[str], catalogue: Catalogue) -> list[dict[str, Any]]:
        if not keys:
            return []
        terms = catalogue.terms()
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

    def place(self, slug: str | None, catalogue: Catalogue) -> dict[str, Any] | None:
        if not slug:
            return None
        chain = catalogue.place_chain(slug)
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
