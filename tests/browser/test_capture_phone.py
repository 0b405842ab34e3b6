"""Guided capture on a phone-sized screen with a connection that comes and goes
(Debian's Chromium with its fake camera and microphone, driven by Playwright)."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from PIL import Image

from tests.browser.conftest import shoot, sign_in
from tests.browser.test_accessibility import violations
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TITLE = "Listening to the wash after the rain"
ALT = "Two students crouch by a puddle in a sandy wash"


@pytest.fixture(scope="module")
def live(phone_browser: Any) -> Iterator[LiveSite]:
    with LiveSite() as site:
        yield site


def big_photo() -> bytes:
    """A noisy JPEG of several hundred kilobytes: sent in more than one piece."""
    image = Image.frombytes("RGB", (960, 720), os.urandom(960 * 720 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 2 * 256 * 1024
    return buffer.getvalue()


def partner_drafts(site: LiveSite, title: str) -> list[dict[str, Any]]:
    from domain.access import Principal, Role

    archive = site.container.archive
    principal = archive.tokens.authenticate(site.tokens["partner"])
    assert isinstance(principal, Principal) and principal.role == Role.PARTNER
    items = archive.reading.list_artifacts(principal, mine=True, limit=100)["items"]
    found = [i for i in items if i["title"] == title]
    return [archive.reading.get_artifact(principal, UUID(str(i["id"])), draft=True) for i in found]


def wait_until_sent(page: Any) -> None:
    page.wait_for_function(
        "() => { const s = document.getElementById('capture-status');"
        " return s && !s.hidden && s.dataset.pending === '0'; }",
        timeout=30_000,
    )


def test_a_partner_captures_a_story_offline_midway_and_it_arrives_once(
    phone_browser: Any, live: LiveSite
) -> None:
    context = phone_browser.new_context(**PHONE, locale="en-GB", permissions=["microphone"])
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live, "partner")
    page.goto(f"{live.url}/capture?kind=story")
    page.get_by_label("A title").fill(TITLE)
    page.get_by_label("Who is this story about?").fill("Ms. Begay's fourth grade")
    page.get_by_label("Where did it happen?").fill("The wash behind Mesquite Ridge")
    page.get_by_label("What happened?").fill("After the storm we listened to the water.\n\n")
    # The first send creates the draft; the address becomes the draft's own.
    page.wait_for_url(re.compile(r"/capture/[0-9a-f-]{36}$"), timeout=30_000)
    wait_until_sent(page)

    # The second piece of the photo is cut off by the network, as on a bus.
    pieces: list[tuple[str, str]] = []
    cut = {"url": ""}

    def cut_second_piece(route: Any) -> None:
        request = route.request
        if request.method == "PATCH":
            offset = request.headers.get("upload-offset", "")
            pieces.append((request.url, offset))
            if offset != "0" and not cut["url"]:
                cut["url"] = request.url
                route.abort("internetdisconnected")
                return
        route.continue_()

    page.route(re.compile(r"/capture/media/.*/content$"), cut_second_piece)
    received: list[tuple[str, str]] = []  # pieces the server acknowledged
    page.on(
        "response",
        lambda r: (
            received.append((r.url, r.request.headers.get("upload-offset", "")))
            if r.request.method == "PATCH" and r.status == 204
            else None
        ),
    )
    photo = {"name": "wash.jpg", "mimeType": "image/jpeg", "buffer": big_photo()}
    page.get_by_label("Take or choose a photo").set_input_files(files=[photo])
    page.get_by_role("button", name="Add this photo").click()
    alt_error = page.locator("#capture-alt-error")
    assert alt_error.inner_text().startswith("Say what the photo shows")  # refused without alt
    page.get_by_label("What the photo shows").fill(ALT)
    page.get_by_role("button", name="Add this photo").click()
    page.wait_for_function("() => document.querySelector('#captured-list li')")
    for _ in range(300):  # until the cut has happened (the route handler runs meanwhile)
        if cut["url"]:
            break
        page.wait_for_timeout(50)
    assert cut["url"], "the photo was not sent in pieces"
    context.set_offline(True)

    # Offline: a recording with its transcript, the photo placed in the text, more typing.
    page.get_by_role("button", name="Record audio").click()
    page.get_by_role("button", name="Stop recording").wait_for()
    page.wait_for_timeout(1500)  # some sound to record; nothing is timed or asserted on it
    page.get_by_role("button", name="Stop recording").click()
    page.get_by_label("What the recording is").fill("The water in the wash")
    page.get_by_label("Transcript").fill("Listen: it is still running under the sand.")
    page.get_by_role("button", name="Add this recording").click()
    happened = page.get_by_label("What happened?")
    happened.click()
    happened.press("End")
    page.get_by_role("button", name=f"Insert in the text “{ALT}”").click()
    page.get_by_label("What changed?").fill("The students asked where the water goes.")
    status = page.locator("#capture-status")
    page.wait_for_function(
        "() => /waiting to be sent/.test(document.getElementById('capture-status').textContent)"
    )
    assert "No connection" in status.inner_text()
    waiting = int(status.get_attribute("data-pending") or "0")
    assert waiting >= 3  # the photo, the recording, its transcript and the text
    shoot(page, "capture-offline")

    context.set_offline(False)
    wait_until_sent(page)
    assert status.inner_text().startswith("Everything is sent")
    # The photo went on from where the cut left it, never from the first byte again.
    photo_sent = [offset for url, offset in pieces if url == cut["url"]]
    photo_received = [offset for url, offset in received if url == cut["url"]]
    assert photo_received[:2] == ["0", "262144"], photo_received  # resumed where it was cut
    assert len(photo_received) == len(set(photo_received)), "a received piece was sent again"
    assert photo_sent.count("262144") == 2, photo_sent  # the cut piece, and once more

    drafts = partner_drafts(live, TITLE)
    assert len(drafts) == 1, "the draft arrived exactly once"
    draft = drafts[0]
    kinds = sorted(m["kind"] for m in draft["media"])
    assert kinds == ["audio", "image", "transcript"], draft["media"]
    image = next(m for m in draft["media"] if m["kind"] == "image")
    audio = next(m for m in draft["media"] if m["kind"] == "audio")
    transcript = next(m for m in draft["media"] if m["kind"] == "transcript")
    assert image["alt"] == ALT
    assert transcript["describes"] == audio["id"]
    assert f"![{ALT}](media:{image['id']})" in draft["body"]
    assert "media:local-" not in draft["body"]
    assert draft["body"].startswith("## Who\n\nMs. Begay's fourth grade")
    assert "## What changed\n\nThe students asked where the water goes." in draft["body"]

    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_function(
        "() => /Submitted for review/.test(document.getElementById('capture-status').textContent)"
    )
    (draft,) = partner_drafts(live, TITLE)
    assert draft["in_review"] is True
    assert len(draft["media"]) == 3
    shoot(page, "capture-submitted")
    context.close()


def test_the_capture_pages_have_no_axe_violations_on_a_phone(
    phone_browser: Any, live: LiveSite
) -> None:
    context = phone_browser.new_context(**PHONE, bypass_csp=True, permissions=["microphone"])
    page = context.new_page()
    sign_in(page, live, "partner")
    problems = {}
    for kind in ("story", "presentation-of-learning", "excursion-synthesis"):
        page.goto(f"{live.url}/capture?kind={kind}")
        found = violations(page)
        if found:
            problems[kind] = found
    page.goto(f"{live.url}/capture?kind=story")
    page.get_by_label("A title").fill("Axe looks at a draft with a photo")
    photo = {"name": "wash.jpg", "mimeType": "image/jpeg", "buffer": big_photo()}
    page.get_by_label("Take or choose a photo").set_input_files(files=[photo])
    page.get_by_label("What the photo shows").fill("A sandy wash")
    page.get_by_role("button", name="Add this photo").click()
    wait_until_sent(page)
    page.reload()
    found = violations(page)
    if found:
        problems["draft with a photo"] = found
    context.close()
    assert not problems, json.dumps(problems, indent=1)


def test_what_was_not_sent_is_restored_when_the_page_is_opened_again(
    phone_browser: Any, live: LiveSite
) -> None:
    title = "Seed libraries in the corridor"
    context = phone_browser.new_context(**PHONE, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live, "partner")
    # The server cannot be reached for the capture's sends (the page itself loads).
    page.route(re.compile(r"/capture/sync$"), lambda route: route.abort("internetdisconnected"))
    page.goto(f"{live.url}/capture?kind=excursion-synthesis")
    page.get_by_label("A title").fill(title)
    page.get_by_label("What did you see?").fill("Seed envelopes labelled by the students.")
    page.wait_for_function(
        "() => /No connection/.test(document.getElementById('capture-status').textContent)",
        timeout=30_000,
    )
    page.reload()
    assert page.get_by_label("A title").input_value() == title
    assert page.get_by_label("What did you see?").input_value().startswith("Seed envelopes")
    assert "restored" in page.locator("#capture-status").inner_text()
    assert partner_drafts(live, title) == []

    page.unroute_all()
    wait_until_sent(page)
    (draft,) = partner_drafts(live, title)
    assert draft["body"] == "## What we saw\n\nSeed envelopes labelled by the students.\n"
    context.close()


def test_the_full_editor_inserts_an_attached_photo_at_the_cursor(
    phone_browser: Any, live: LiveSite
) -> None:
    context = phone_browser.new_context(**PHONE, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live, "partner")
    page.goto(f"{live.url}/capture?kind=story")
    page.get_by_label("A title").fill("A kite over the playground")
    photo = {"name": "kite.jpg", "mimeType": "image/jpeg", "buffer": big_photo()}
    page.get_by_label("Take or choose a photo").set_input_files(files=[photo])
    page.get_by_label("What the photo shows").fill("A red kite above the school roof")
    page.get_by_role("button", name="Add this photo").click()
    wait_until_sent(page)
    page.get_by_role("link", name="Open in the full editor (Markdown)").click()
    body = page.get_by_label("The text")
    body.fill("Before.\n\nAfter.")
    body.evaluate("b => b.setSelectionRange(9, 9)")
    body.press("ArrowRight")  # the cursor is where the person left it, not only at the end
    body.press("ArrowLeft")
    page.get_by_role("button", name="Insert in the text “kite.jpg”").click()
    (draft,) = partner_drafts(live, "A kite over the playground")
    media_id = draft["media"][0]["id"]
    expected = f"Before.\n\n![A red kite above the school roof](media:{media_id})After."
    assert body.input_value() == expected
    context.close()


def test_capture_works_as_a_plain_form_without_javascript(
    phone_browser: Any, live: LiveSite
) -> None:
    title = "Bean rows without a script"
    context = phone_browser.new_context(**PHONE, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, "partner")
    page.goto(f"{live.url}/capture?kind=story")
    assert page.get_by_role("button", name="Record audio").is_hidden()  # needs the script
    page.get_by_label("A title").fill(title)
    page.get_by_label("What happened?").fill("We planted beans in rows.")
    photo = {"name": "beans.jpg", "mimeType": "image/jpeg", "buffer": big_photo()}
    page.get_by_label("Take or choose a photo").set_input_files(files=[photo])
    page.get_by_label("What the photo shows").fill("Bean seedlings in a row")
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url(re.compile(r"/capture/[0-9a-f-]{36}\?done=saved$"))
    assert page.get_by_role("status").inner_text() == "Saved."
    (draft,) = partner_drafts(live, title)
    assert [m["alt"] for m in draft["media"]] == ["Bean seedlings in a row"]
    assert draft["body"] == "## What happened\n\nWe planted beans in rows.\n"
    context.close()
