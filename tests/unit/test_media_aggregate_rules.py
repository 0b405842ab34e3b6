"""The Upload aggregate's own rules: declaring, receiving bytes, completing, describing.

Each rule raises the named error the API maps to its status (InvalidInput 422,
TooLarge 413, NotFound 404, Conflict 409), with the same detail as before the rules
moved onto the aggregate.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.access import Principal, Role
from domain.errors import Conflict, DomainError, InvalidInput, NotFound, TooLarge
from domain.media import Upload, media_description

SHA = "AB" * 32
AUDIO = {"id": "a1", "content_type": "audio/mpeg"}
IMAGE = {"id": "i1", "content_type": "image/png"}
OWNER = Principal(id="member-1", name="Ana", role=Role.MEMBER)


def declared(**changes: object) -> dict[str, Any]:
    return {
        "filename": "dir/photo.png",
        "content_type": "image/png",
        "size": 10,
        "sha256": SHA,
        **changes,
    }


def attached(media_id: str) -> dict[str, Any] | None:
    return {m["id"]: m for m in (AUDIO, IMAGE)}.get(media_id)


def upload(multipart_id: str | None = None, **changes: Any) -> Upload:
    return Upload.declare(
        uuid4(),
        uuid4(),
        declared(**changes),
        max_bytes=100,
        attached=attached,
        multipart_id=multipart_id,
        by=str(OWNER.id),
    )


# -- declaring ---------------------------------------------------------------


def test_a_declaration_is_cleaned() -> None:
    checked = Upload.check_declaration(declared(alt=" a cat "), 100, attached)
    assert checked == {
        "filename": "photo.png",
        "content_type": "image/png",
        "size": 10,
        "sha256": SHA.lower(),
        "caption": "",
        "alt": "a cat",
        "describes": None,
    }


def test_declaring_records_who_declared_what() -> None:
    artifact_id = uuid4()
    made = Upload.declare(
        uuid4(), artifact_id, declared(), max_bytes=100, attached=attached, multipart_id="m", by="x"
    )
    assert (made.artifact_id, made.declared_by, made.multipart_id) == (artifact_id, "x", "m")
    assert (made.filename, made.completed) == ("photo.png", False)


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"content_type": "image/svg+xml"}, InvalidInput, "content_type"),
        ({"size": 0}, InvalidInput, "size"),
        ({"size": 101}, TooLarge, "size"),
        ({"sha256": "xyz"}, InvalidInput, "sha256"),
        ({"filename": "a/.."}, InvalidInput, "filename"),
    ],
)
def test_a_bad_declaration_is_refused(
    changes: dict[str, Any], error: type[DomainError], field: str
) -> None:
    with pytest.raises(error) as raised:
        upload(**changes)
    assert raised.value.extra["field"] == field


def test_captions_describe_only_attached_audio_or_video() -> None:
    vtt = {"content_type": "text/vtt"}
    assert upload(describes="a1", **vtt).describes == "a1"
    for target in ("i1", "missing"):
        with pytest.raises(InvalidInput, match="describes must name an audio or video file"):
            upload(describes=target, **vtt)


def test_only_text_describes_other_media() -> None:
    with pytest.raises(InvalidInput, match="Only captions"):
        upload(describes="a1")


def test_the_target_is_checked_before_the_describing_type() -> None:
    with pytest.raises(InvalidInput, match="describes must name"):
        upload(describes="i1")


# -- who may handle an upload ---------------------------------------------------


def test_only_its_declarer_or_an_editor_sees_an_upload() -> None:
    made = upload()
    made.check_declarer(OWNER)
    made.check_declarer(Principal(id="someone", name="Ed", role=Role.EDITOR))
    with pytest.raises(NotFound, match=re.escape(f"No upload {made.id} of yours.")):
        made.check_declarer(Principal(id="member-2", name="Bo", role=Role.MEMBER))


# -- receiving bytes -------------------------------------------------------------


def test_bytes_are_received_only_while_the_upload_is_open() -> None:
    made = upload()
    made.check_receivable(None, part_size=4)
    made.complete(media={"id": str(made.id)}, by="x")
    with pytest.raises(InvalidInput, match="already complete") as raised:
        made.check_receivable(None, part_size=4)
    assert raised.value.extra["field"] == "media_id"


def test_parts_go_only_to_a_multipart_upload_and_within_its_count() -> None:
    made = upload(multipart_id="m")  # 10 bytes in parts of 4: parts 1 to 3
    for part in (1, 3):
        made.check_receivable(part, part_size=4)
    for part in (0, 4):
        with pytest.raises(InvalidInput, match=r"Part must be between 1 and 3\."):
            made.check_receivable(part, part_size=4)
    with pytest.raises(InvalidInput, match=r"Part must be between 1 and 3\."):
        upload().check_receivable(1, part_size=4)


# -- completing ------------------------------------------------------------------


def test_an_upload_is_completed_once() -> None:
    made = upload()
    made.check_open()
    made.complete(media={"id": str(made.id)}, by="x")
    assert made.completed and made.media == {"id": str(made.id)}
    with pytest.raises(Conflict, match="already completed; its media is attached"):
        made.check_open()
    with pytest.raises(Conflict, match="already completed; its media is attached"):
        made.complete(media={"id": "again"}, by="x")
    assert made.media == {"id": str(made.id)}


def test_a_completed_upload_replays_from_its_events() -> None:
    made = upload()
    made.complete(media={"id": "m"}, by="x")
    events = made.collect_events()
    assert [type(e).__name__ for e in events] == ["Declared", "Completed"]
    replayed: Upload | None = None
    for e in events:
        replayed = e.mutate(replayed)
    assert replayed is not None and replayed.completed and isinstance(replayed.id, UUID)


# -- describing attached media ---------------------------------------------------------


def test_a_description_keeps_only_alt_and_caption_cleaned() -> None:
    assert media_description({"alt": " a cat ", "caption": 3, "key": "x"}) == {
        "alt": "a cat",
        "caption": "3",
    }


def test_a_description_needs_alt_or_caption() -> None:
    with pytest.raises(InvalidInput, match=r"Give alt, caption or both\.") as raised:
        media_description({"key": "objects/x"})
    assert raised.value.extra["field"] == "alt"
