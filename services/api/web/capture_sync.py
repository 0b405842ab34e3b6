"""What a capture sends, applied exactly once however often the phone sends it again.

A capture is sent whole (title and answers) each time, so a repeat of an earlier send
changes nothing. The draft is created with the API's Idempotency-Key mechanism (the
key is the capture's nonce), so a creation repeated after a lost answer finds the
same draft. A text is written over the version the phone last heard of, or over its
own earlier send whose answer was lost (the draft then holds exactly that text);
anything else is someone else's change, refused as a conflict rather than overwritten.
Every function here reads or writes stores: routes run them in worker threads.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.access import Principal
from domain.app.media import MediaService
from domain.application import Archive
from domain.errors import Conflict, VersionConflict
from services.api.web.capture import compose, same_text
from services.api.web.forms import content_for, empty_values


def key_for(nonce: str) -> str:
    return f"capture:{nonce}"


def create(archive: Archive, principal: Principal, kind: str, nonce: str) -> UUID:
    """The capture's draft: created by the first send, found again by every repeat."""
    content = content_for(kind, empty_values(kind), adapted=False)
    result = archive.artifacts.create(principal, kind, content, idempotency_key=key_for(nonce))
    return UUID(str(result.id))


def write_text(
    archive: Archive,
    principal: Principal,
    artifact_id: UUID,
    sent: dict[str, Any],
) -> dict[str, Any]:
    """Write the sent title and answers; ``sent`` has ``base_version`` (what the phone
    last heard; 0 before the draft was created), ``title``, ``answers`` and, when an
    earlier send was not answered, ``last_title`` and ``last_answers``."""
    current = archive.reading.get_artifact(principal, artifact_id, draft=True)
    kind = current["kind"]
    title = str(sent.get("title") or "").strip()
    body = compose(kind, sent.get("answers") or {})
    version = int(current["version"])
    if same_text(current, title, body):
        return current
    base = int(sent.get("base_version") or 0)
    ours = base == version or (base == 0 and version == 1)
    last = sent.get("last_answers")
    if not ours and isinstance(last, dict):
        last_title = str(sent.get("last_title") or "").strip()
        ours = same_text(current, last_title, compose(kind, last))
    if not ours:
        raise VersionConflict(
            "Someone else changed this draft since this phone last sent it; "
            "open it in the full editor to see both versions.",
            current_version=version,
        )
    archive.artifacts.revise(principal, artifact_id, version, {"title": title, "body": body})
    return archive.reading.get_artifact(principal, artifact_id, draft=True)


def submit(archive: Archive, principal: Principal, artifact_id: UUID) -> dict[str, Any]:
    """Ask for review once: a draft already waiting for review is left as it is."""
    current = archive.reading.get_artifact(principal, artifact_id, draft=True)
    if not current.get("in_review"):
        archive.artifacts.submit(principal, artifact_id, int(current["version"]))
        current = archive.reading.get_artifact(principal, artifact_id, draft=True)
    return current


def declare(
    media: MediaService, principal: Principal, artifact_id: UUID, declared: dict[str, Any]
) -> str:
    answer = media.declare(principal, artifact_id, declared)
    return str(answer["media_id"])


def complete(media: MediaService, principal: Principal, media_id: UUID) -> dict[str, Any]:
    """Check and attach the uploaded bytes; a repeat after a lost answer attaches nothing
    more and answers as the first did."""
    upload = media.archive.media.upload_for(principal, media_id)
    if not upload.completed:
        try:
            media.complete(principal, media_id, None)
        except Conflict:
            upload = media.archive.media.upload_for(principal, media_id)
            if not upload.completed:
                raise
    current = media.archive.reading.get_artifact(principal, upload.artifact_id, draft=True)
    return {"media_id": str(media_id), "version": current["version"]}


def state(current: dict[str, Any]) -> dict[str, Any]:
    """What the phone keeps from an answer."""
    return {
        "id": str(current["id"]),
        "version": current["version"],
        "in_review": bool(current.get("in_review")),
        "media": [
            {"id": m["id"], "kind": m.get("kind"), "alt": m.get("alt") or ""}
            for m in current.get("media") or []
        ],
    }
