"""Checking and storing uploaded bytes, against in-memory fakes of the media ports."""

from __future__ import annotations

import hashlib
import io
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest

from domain.app.media_intake import MediaIntake, UploadCheckFailed, object_key, staging_key
from tests.fakes import FakeInspector, MemoryMediaStore

PDF = b"%PDF-1.7 a small document"
PNG = b"\x89PNG\r\n\x1a\n pixels"


def upload(data: bytes, content_type: str, **changes: object) -> SimpleNamespace:
    fields: dict[str, object] = {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": content_type,
        "filename": "file",
        "caption": "",
        "alt": "",
        "describes": None,
    }
    return SimpleNamespace(**{**fields, **changes})


@pytest.fixture
def store() -> MemoryMediaStore:
    return MemoryMediaStore()


@pytest.fixture
def intake(store: MemoryMediaStore) -> MediaIntake:
    return MediaIntake(store, FakeInspector({b"%PDF": "application/pdf", b"\x89PNG": "image/png"}))


def staged(store: MemoryMediaStore, data: bytes) -> tuple[UUID, str]:
    media_id = uuid4()
    store.put(staging_key(media_id), io.BytesIO(data), "application/octet-stream")
    return media_id, staging_key(media_id)


def test_a_document_is_stored_once_under_its_content_address(
    store: MemoryMediaStore, intake: MediaIntake
) -> None:
    first_id, first_key = staged(store, PDF)
    media = intake.checked_media(first_id, upload(PDF, "application/pdf"), first_key)
    assert media["key"] == object_key(hashlib.sha256(PDF).hexdigest())
    assert b"".join(store.read(media["key"])) == PDF
    second_id, second_key = staged(store, PDF)
    again = intake.checked_media(second_id, upload(PDF, "application/pdf"), second_key)
    assert again["key"] == media["key"]
    assert list(store.keys("objects/")) == [media["key"]]


def test_bytes_of_another_type_than_declared_are_refused(
    store: MemoryMediaStore, intake: MediaIntake
) -> None:
    media_id, key = staged(store, PNG)
    with pytest.raises(UploadCheckFailed, match="declared as application/pdf"):
        intake.checked_media(media_id, upload(PNG, "application/pdf"), key)
    assert list(store.keys("objects/")) == []


def test_a_wrong_size_or_digest_is_refused(store: MemoryMediaStore, intake: MediaIntake) -> None:
    media_id, key = staged(store, PDF)
    with pytest.raises(UploadCheckFailed, match="declared"):
        intake.checked_media(media_id, upload(PDF, "application/pdf", size=3), key)
    with pytest.raises(UploadCheckFailed, match="SHA-256"):
        intake.checked_media(media_id, upload(PDF, "application/pdf", sha256="0" * 64), key)


def test_images_are_stored_as_the_inspector_re_encoded_them(
    store: MemoryMediaStore, intake: MediaIntake
) -> None:
    media_id, key = staged(store, PNG)
    media = intake.checked_media(media_id, upload(PNG, "image/png"), key)
    assert b"".join(store.read(media["key"])) == b"clean:" + PNG
    assert (media["width"], media["height"]) == (640, 480)
    assert media["variants"]["320"]["content_type"] == "image/webp"


def test_an_image_the_inspector_finds_unsafe_is_refused(store: MemoryMediaStore) -> None:
    intake = MediaIntake(store, FakeInspector({b"\x89PNG": "image/png"}, unsafe=True))
    media_id, key = staged(store, PNG)
    with pytest.raises(UploadCheckFailed, match="too many pixels"):
        intake.checked_media(media_id, upload(PNG, "image/png"), key)
    assert list(store.keys("objects/")) == []
