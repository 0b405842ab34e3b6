"""Each principal's inbox: notifications, marking them read, and what to receive.

Every route answers for the caller only: the inbox read model is always asked
with the caller's principal id, so nobody reads or marks another's inbox.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from domain.access import Principal, Role
from domain.notifications import CHANNELS, KINDS, Preferences
from domain.policy import require_role
from infra.readmodel.inbox import InboxItem
from services.api.deps import ArchiveDep, ClockDep, InboxDep, PrincipalDep
from services.api.responses import JSON

router = APIRouter(tags=["inbox"])


class MarkRead(BaseModel):
    """Which notifications to mark read: the ids given, or all of them."""

    ids: list[Annotated[str, Field(max_length=64)]] | None = Field(None, max_length=500)
    all: bool = False


def _caller(principal: Principal) -> str:
    require_role(principal, Role.MEMBER, "read an inbox")
    assert principal.id is not None
    return principal.id


def item_json(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "artifact_id": item.artifact_id,
        "detail": item.detail,
        "created_at": item.created_at,
        "read": not item.unread,
        "read_at": item.read_at,
    }


@router.get("/api/v1/inbox")
def inbox(
    inbox: InboxDep,
    principal: PrincipalDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JSON:
    """The caller's notifications, newest first, with how many are unread."""
    me = _caller(principal)
    items = inbox.items(me, unread=unread, limit=limit)
    return JSON(
        {"unread": inbox.unread_count(me), "items": [item_json(i) for i in items]}
    )


@router.post("/api/v1/inbox/read")
def mark_read(body: MarkRead, inbox: InboxDep, clock: ClockDep, principal: PrincipalDep) -> JSON:
    """Marks the caller's notifications read: ``{"ids": [...]}`` or ``{"all": true}``."""
    me = _caller(principal)
    ids = None if body.all else (body.ids or [])
    changed = inbox.mark_read(me, ids, clock.now().timestamp())
    return JSON({"marked": changed, "unread": inbox.unread_count(me)})


@router.get("/api/v1/inbox/preferences")
def preferences(archive: ArchiveDep, principal: PrincipalDep) -> JSON:
    """What the caller receives, per kind: ``off``, ``inbox`` or ``email`` (inbox and email)."""
    me = _caller(principal)
    chosen = Preferences(archive.store).of(me)
    return JSON({"preferences": chosen, "kinds": list(KINDS), "channels": list(CHANNELS)})


@router.patch("/api/v1/inbox/preferences")
def choose(
    body: dict[Annotated[str, Field(max_length=40)], str],
    archive: ArchiveDep,
    principal: PrincipalDep,
) -> JSON:
    """Changes what the caller receives for the kinds named, e.g. ``{"published": "inbox"}``."""
    _caller(principal)
    chosen = Preferences(archive.store).choose(principal, body)
    return JSON({"preferences": chosen, "kinds": list(KINDS), "channels": list(CHANNELS)})
