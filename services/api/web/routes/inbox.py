"""The inbox page: the signed-in principal's notifications and what they receive."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from domain.notification_links import link
from domain.notifications import CHANNELS, KINDS, Preferences
from services.api.deps import ArchiveDep, ClockDep, InboxDep
from services.api.web.routes.common import (
    FormDep,
    ViewerDep,
    page_router,
    require_signed_in,
    text,
)
from services.api.web.session import Viewer
from services.api.web.templating import render

router = page_router()
NOTICES = {"read": "Marked as read.", "saved": "Your choices are saved."}


def _me(viewer: Viewer, action: str) -> str:
    require_signed_in(viewer, action)
    assert viewer.principal.id is not None
    return viewer.principal.id


@router.get("/inbox")
def inbox_page(
    request: Request,
    inbox: InboxDep,
    archive: ArchiveDep,
    viewer: ViewerDep,
    done: str | None = None,
) -> Response:
    me = _me(viewer, "see your inbox")
    context: dict[str, Any] = {
        "items": inbox.items(me, limit=100),
        "unread": inbox.unread_count(me),
        "preferences": Preferences(archive.store).of(me),
        "kinds": KINDS,
        "channels": CHANNELS,
        "notice": NOTICES.get(done or ""),
        "link": link,  # each item's page: a draft's own pages while it is a draft
    }
    return render(request, viewer, "inbox.html", context)


@router.post("/inbox/read")
def mark_read(inbox: InboxDep, clock: ClockDep, viewer: ViewerDep, form: FormDep) -> Response:
    me = _me(viewer, "mark notifications read")
    one = text(form, "id")
    inbox.mark_read(me, [one] if one else None, clock.now().timestamp())
    return RedirectResponse("/inbox?done=read", status_code=303)


@router.post("/inbox/preferences")
def choose(archive: ArchiveDep, viewer: ViewerDep, form: FormDep) -> Response:
    _me(viewer, "choose your notifications")
    choices = {kind: text(form, kind) for kind in KINDS if text(form, kind)}
    Preferences(archive.store).choose(viewer.principal, choices)
    return RedirectResponse("/inbox?done=saved", status_code=303)
