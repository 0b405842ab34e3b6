"""Every page route, in one router."""

from __future__ import annotations

from fastapi import APIRouter

from services.api.web.routes import (
    account,
    assets,
    browse,
    collections,
    convenings,
    editing,
    inbox,
    people,
    people_consent,
    places,
    reading,
    responses,
    review,
)

router = APIRouter(include_in_schema=False)
for module in (assets, reading, browse, account, editing, review, places, convenings, inbox):
    router.include_router(module.router)
router.include_router(people.router)  # the people in a draft
router.include_router(people_consent.router)  # their consents, with signed forms
router.include_router(collections.router)  # curated collections and their forms
router.include_router(responses.router)  # members' responses and their moderation
