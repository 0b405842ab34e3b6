"""The web pages people use: reading, searching and browsing, drafting and reviewing.

Everything here is served by the same FastAPI application as the JSON API, but
only these routes read the sign-in cookie; the API stays bearer-token only.
"""

from __future__ import annotations

from fastapi import FastAPI

from services.api.web.i18n import Languages
from services.api.web.middleware import WebPages
from services.api.web.routes import router


def install(app: FastAPI) -> None:
    """Add the pages and their middleware (security headers, HTML error pages, languages)."""
    app.include_router(router)
    app.add_middleware(WebPages)
    app.add_middleware(Languages)  # outside WebPages, so its error pages are translated too
