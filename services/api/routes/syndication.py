"""What other sites pull: the change feed, JSON-LD, BagIt packages, Atom and JSON Feed."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from domain.access import ANONYMOUS
from domain.app.records import Records
from domain.app.search import SearchRequest, SearchService
from domain.application import Archive
from domain.artifact import WITHDRAWN
from domain.errors import Gone, NotFound
from domain.policy import may_read_published
from infra.readmodel.publications import ChangeRow
from infra.syndication import feeds
from infra.syndication.package import build_package, new_workspace
from services.api.deps import (
    ArchiveDep,
    MediaDep,
    PublicationsDep,
    RecordsDep,
    SearchDep,
    SettingsDep,
)
from services.api.problems import BadRequest
from services.api.response_views import jsonld_comments
from services.api.responses import JSON, dumps

router = APIRouter(tags=["syndication"])
JSONLD = "application/ld+json"
FEED_SIZE = 50


def public_record(records: Records, archive: Archive, artifact_id: UUID) -> dict[str, Any]:
    """The public record, or the right refusal: 410 for withdrawn public artifacts,
    404 otherwise (a withdrawn members-only artifact never existed for the public)."""
    record = records.record(artifact_id)
    if record is not None:
        return record
    artifact = archive.artifacts.load(artifact_id)
    if artifact.status == WITHDRAWN and may_read_published(ANONYMOUS, artifact.published):
        reason = (artifact.withdrawal or {}).get("reason", "")
        raise Gone(f"This artifact was withdrawn: {reason}", reason=reason)
    raise NotFound(f"No public artifact {artifact_id}.")


def jsonld_response(records: Records, archive: Archive, artifact_id: UUID) -> Response:
    record = public_record(records, archive, artifact_id)
    document = records.jsonld(record)
    # Approved responses whose authors chose to syndicate them (never in packages or feeds).
    comments = jsonld_comments(archive.responses.syndicated(artifact_id), document["url"])
    document = {**document, "comment": comments} if comments else document
    return Response(dumps(document), media_type=JSONLD, headers={"Vary": "Accept"})


@router.get("/api/v1/artifacts/{artifact_id}/jsonld", response_class=Response)
def artifact_jsonld(artifact_id: UUID, records: RecordsDep, archive: ArchiveDep) -> Response:
    """The published artifact as schema.org JSON-LD (also by Accept: application/ld+json)."""
    return jsonld_response(records, archive, artifact_id)


@router.get("/api/v1/artifacts/{artifact_id}/package", response_class=FileResponse)
def artifact_package(
    artifact_id: UUID, records: RecordsDep, archive: ArchiveDep, media: MediaDep
) -> Response:
    """A BagIt bag (zip): Markdown, HTML, media, JSON-LD, licence and attribution."""
    record = public_record(records, archive, artifact_id)
    jsonld = records.jsonld(record)
    workspace = new_workspace()
    path = build_package(record, jsonld, media.store, Path(workspace.name))
    return FileResponse(
        path,
        media_type="application/zip",
        filename=path.name,
        background=BackgroundTask(workspace.cleanup),
    )


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"cp1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "cp1" or not number.isdigit():
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(f"{cursor!r} is not a cursor this feed gave out.") from None


def change_item(records: Records, row: ChangeRow) -> dict[str, Any]:
    """One change. A withdrawal is a tombstone (id, time, ``withdrawn``); once an artifact
    is withdrawn its earlier changes name no title and link nowhere (the read model
    scrubbed their titles when it recorded the withdrawal)."""
    item: dict[str, Any] = {
        "cursor": encode_cursor(row.seq),
        "type": row.type,
        "id": row.artifact_id,
        "at": datetime.fromtimestamp(row.datestamp, UTC).isoformat(),
    }
    if row.type == "withdrawn":
        return item
    item["version"] = row.version
    if row.withdrawn_since:
        return item
    return {
        **item,
        "title": row.title,
        "url": records.api_url(row.artifact_id),
        "jsonld": records.jsonld_url(row.artifact_id),
        "package": records.package_url(row.artifact_id),
    }


@router.get("/api/v1/changes")
def changes(
    records: RecordsDep,
    publications: PublicationsDep,
    after: Annotated[
        str | None, Query(description="The cursor of the last change you have")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> JSON:
    """Every public publication change, in one total order, with a stable opaque cursor.

    A withdrawal is a tombstone with only its cursor, id, time and type; the withdrawn
    artifact's earlier changes then carry no title and no links."""
    seq = decode_cursor(after) if after else 0
    rows = publications.changes(seq, limit)
    items = [change_item(records, row) for row in rows]
    next_cursor = items[-1]["cursor"] if items else (after or encode_cursor(0))
    return JSON({"changes": items, "next": next_cursor, "more": len(items) == limit})


def feed_records(
    search: SearchService, records: Records, request: SearchRequest
) -> list[dict[str, Any]]:
    hits = search.search(ANONYMOUS, request)["hits"]
    found = (records.record(hit["id"]) for hit in hits)
    return [record for record in found if record is not None]


def feed_request(
    principle: list[str], term: list[str], place: list[str], kind: list[str]
) -> SearchRequest:
    return SearchRequest(
        principle=tuple(principle),
        term=tuple(term),
        place=tuple(place),
        kind=tuple(kind),
        sort="newest",
        per_page=FEED_SIZE,
    )


def not_modified(request: Request, tag: str, modified: datetime) -> bool:
    if request.headers.get("if-none-match"):
        return tag in [t.strip() for t in request.headers["if-none-match"].split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def feed_response(
    request: Request, records: list[dict[str, Any]], variant: str, body: Any, media_type: str
) -> Response:
    tag = feeds.etag(records, variant + str(request.url.query))
    modified = feeds.last_modified(records)
    headers = {
        "ETag": tag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    if not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    return Response(body() if callable(body) else body, media_type=media_type, headers=headers)


Terms = Annotated[list[str], Query(description="A principle of practice (repeatable)")]
AnyTerms = Annotated[list[str], Query(description="Any framework term FRAMEWORK:TERM")]
Places = Annotated[list[str], Query(description="A place slug, including places inside it")]
Kinds = Annotated[list[str], Query(description="An artifact kind")]


def feed_title(principle: list[str], term: list[str], place: list[str], kind: list[str]) -> str:
    parts = [*principle, *term, *place, *kind]
    return "Commonplace" + (f": {', '.join(parts)}" if parts else ": everything published")


@router.get("/feeds/atom", response_class=Response)
def atom_feed(
    request: Request,
    search: SearchDep,
    public: RecordsDep,
    settings: SettingsDep,
    principle: Terms = [],  # noqa: B006
    term: AnyTerms = [],  # noqa: B006
    place: Places = [],  # noqa: B006
    kind: Kinds = [],  # noqa: B006
) -> Response:
    """Atom feed of the newest publications, for everything or per term, place or kind."""
    records = feed_records(search, public, feed_request(principle, term, place, kind))
    title = feed_title(principle, term, place, kind)
    home = settings.base_url
    return feed_response(
        request,
        records,
        "atom",
        lambda: feeds.atom(records, title, str(request.url), home),
        "application/atom+xml; charset=utf-8",
    )


@router.get("/feeds/json", response_class=Response)
def json_feed(
    request: Request,
    search: SearchDep,
    public: RecordsDep,
    settings: SettingsDep,
    principle: Terms = [],  # noqa: B006
    term: AnyTerms = [],  # noqa: B006
    place: Places = [],  # noqa: B006
    kind: Kinds = [],  # noqa: B006
) -> Response:
    """JSON Feed 1.1 of the newest publications, for everything or per term, place or kind."""
    records = feed_records(search, public, feed_request(principle, term, place, kind))
    title = feed_title(principle, term, place, kind)
    home = settings.base_url
    return feed_response(
        request,
        records,
        "json",
        lambda: dumps(feeds.json_feed(records, title, str(request.url), home)),
        "application/feed+json",
    )
