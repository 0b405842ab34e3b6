"""A photo the text already shows is not listed a second time below the text."""

from __future__ import annotations

from services.api.web.presenting import media_items

PHOTO = {"id": "p1", "kind": "image", "filename": "garden.jpg", "alt": "The garden"}
OTHER = {"id": "p2", "kind": "image", "filename": "map.jpg", "alt": "The map"}
CLIP = {"id": "a1", "kind": "audio", "filename": "voice.m4a"}


def test_a_photo_placed_in_the_text_is_not_repeated_below_it() -> None:
    view = {
        "body": "Before.\n\n![The garden](media:p1)\n\n[voice](media:a1)",
        "media": [PHOTO, OTHER, CLIP],
    }
    listed = [item["id"] for item in media_items(view, public=True)]
    assert listed == ["p2", "a1"]  # recordings keep their player below


def test_every_file_is_listed_when_the_text_shows_none() -> None:
    view = {"body": "No pictures in the text.", "media": [PHOTO, OTHER]}
    assert [item["id"] for item in media_items(view, public=False)] == ["p1", "p2"]
