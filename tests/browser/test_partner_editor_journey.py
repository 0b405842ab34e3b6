"""Issue 14's journey in one browser test on a phone-sized viewport.

A partner captures a story with a photo and a recorded audio clip (Chromium's fake
camera and microphone), loses the connection midway and recovers it, submits; an
editor returns it with a comment; the partner answers, revises and resubmits; the
editor publishes it and adds it to a collection. The partner's inbox shows each step
and a local test SMTP server (aiosmtpd, started here) received each email once: the
site runs its indexer (inbox) and its outbox sender as ``commonplace serve`` does.
axe-core finds no violations on the pages on the way.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import pytest

from domain.outbox import SENT
from infra.bootstrap import build_indexer
from services.indexer.outbox import sender_for, start_sender
from services.indexer.runner import Indexer
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_capture_phone import (
    PHONE,
    big_photo,
    partner_drafts,
    wait_until_sent,
)
from tests.integration.test_notifications_email import LocalTestSmtpServer
from tests.web.live import LiveSite

pytestmark = pytest.mark.browser

TITLE = "The creek count at Sabino"
ALT = "Students counting tadpoles at the edge of the creek"
COMMENT = "Name a principle and the place, and say what the students counted."
ANSWER = "Added the count and the place."
PARTNER_EMAIL = "pat@example.org"
EDITOR_EMAIL = "eda@example.org"


class MailingSite(LiveSite):
    """The live demo site with the whole indexer (inbox included) and the outbox
    sender running beside it, as ``commonplace serve`` runs them."""

    _sender: threading.Thread | None = None

    def indexer(self) -> Indexer:
        return build_indexer(self.container)

    def __enter__(self) -> MailingSite:
        super().__enter__()
        self._sender = start_sender(sender_for(self.container), self._stop)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._sender is not None:
            self._sender.join(timeout=10)
        super().__exit__(kind, error, tb)


@pytest.fixture(scope="module")
def smtp() -> Iterator[LocalTestSmtpServer]:
    server = LocalTestSmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mailing(phone_browser: Any, smtp: LocalTestSmtpServer) -> Iterator[MailingSite]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMMONPLACE_SMTP_HOST", "127.0.0.1")
        env.setenv("COMMONPLACE_SMTP_PORT", str(smtp.port))
        env.setenv("COMMONPLACE_SMTP_STARTTLS", "false")
        env.setenv("COMMONPLACE_SMTP_FROM", "archive@commonplace.example")
        with MailingSite() as site:
            tokens = site.container.archive.tokens
            site.tokens["pat"], _ = tokens.issue("partner", "Pat", email=PARTNER_EMAIL)
            site.tokens["eda"], _ = tokens.issue("editor", "Eda", email=EDITOR_EMAIL)
            yield site


def no_violations(page: Any, where: str) -> None:
    found = violations(page)
    assert not found, f"{where}: " + json.dumps(found, indent=1)


def until(page: Any, condition: Any, what: str) -> None:
    """Wait (in the page's event loop) until the condition holds, at most ~30 seconds."""
    for _ in range(600):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never happened: {what}")


def inbox_kinds(page: Any, site: LiveSite) -> list[str]:
    page.goto(f"{site.url}/inbox")
    items = page.locator(".inbox-item", has_text=TITLE)
    return [items.nth(i).locator("strong").inner_text() for i in range(items.count())]


def capture(page: Any, context: Any, site: LiveSite) -> None:
    """The partner's capture: text, a photo and a recording, offline in the middle."""
    sign_in(page, site, "pat")
    page.goto(f"{site.url}/capture?kind=story")
    no_violations(page, "capture")
    page.get_by_label("A title").fill(TITLE)
    page.get_by_label("Who is this story about?").fill("Mr. Ortiz's sixth grade")
    page.get_by_label("Where did it happen?").fill("Sabino Creek")
    page.get_by_label("What happened?").fill("We counted tadpoles along the creek.\n\n")
    page.wait_for_url(re.compile(r"/capture/[0-9a-f-]{36}$"), timeout=30_000)
    wait_until_sent(page)

    context.set_offline(True)  # the bus goes into the canyon
    photo = {"name": "creek.jpg", "mimeType": "image/jpeg", "buffer": big_photo()}
    page.get_by_label("Take or choose a photo").set_input_files(files=[photo])
    page.get_by_label("What the photo shows").fill(ALT)
    page.get_by_role("button", name="Add this photo").click()
    page.get_by_role("button", name="Record audio").click()
    page.get_by_role("button", name="Stop recording").wait_for()
    page.wait_for_timeout(1000)  # some sound to record; nothing is timed or asserted on it
    page.get_by_role("button", name="Stop recording").click()
    page.get_by_label("What the recording is").fill("The creek")
    page.get_by_label("Transcript").fill("Forty-two, forty-three, there is another one.")
    page.get_by_role("button", name="Add this recording").click()
    happened = page.get_by_label("What happened?")
    happened.click()
    happened.press("End")
    page.get_by_role("button", name=f"Insert in the text “{ALT}”").click()
    page.get_by_label("What changed?").fill("The students want to count again in spring.")
    status = page.locator("#capture-status")
    page.wait_for_function(
        "() => /waiting to be sent/.test(document.getElementById('capture-status').textContent)"
    )
    assert "No connection" in status.inner_text()
    assert int(status.get_attribute("data-pending") or "0") >= 3

    context.set_offline(False)
    wait_until_sent(page)
    no_violations(page, "capture of a draft with a photo and a recording")
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_function(
        "() => /Submitted for review/.test(document.getElementById('capture-status').textContent)"
    )


def test_capture_review_publish_collect_with_inbox_and_email(
    phone_browser: Any,
    mailing: MailingSite,
    smtp: LocalTestSmtpServer,
) -> None:
    site = mailing
    partner_context = phone_browser.new_context(
        **PHONE, locale="en-GB", bypass_csp=True, permissions=["microphone"]
    )
    editor_context = phone_browser.new_context(**PHONE, locale="en-GB", bypass_csp=True)
    partner_context.set_default_timeout(15_000)
    editor_context.set_default_timeout(15_000)
    try:
        partner = partner_context.new_page()
        capture(partner, partner_context, site)
        (draft,) = partner_drafts_of(site)
        assert draft["in_review"] is True
        assert sorted(m["kind"] for m in draft["media"]) == ["audio", "image", "transcript"]
        image = next(m for m in draft["media"] if m["kind"] == "image")
        assert f"![{ALT}](media:{image['id']})" in draft["body"]
        assert draft["syndication"] == "adaptable"  # the default, as for drafts made by the API
        artifact_id = draft["id"]

        # The editor returns it with a comment.
        editor = editor_context.new_page()
        sign_in(editor, site, "eda")
        editor.goto(f"{site.url}/review")
        item = editor.locator("article", has_text=TITLE)
        item.locator("summary", has_text="Return with comments").click()
        item.get_by_label("General comment").fill(COMMENT)
        item.get_by_role("button", name=f"Return “{TITLE}” with comments").click()
        editor.wait_for_url("**/review?done=returned")

        # The partner finds it in the inbox, answers beside the draft, revises, resubmits.
        until(partner, lambda: "Returned with comments" in inbox_kinds(partner, site), "returned")
        no_violations(partner, "inbox")
        partner.locator(".inbox-item", has_text=TITLE).get_by_role("link", name=TITLE).click()
        partner.wait_for_url(f"**/drafts/{artifact_id}/edit#conversation-{artifact_id}")
        conversation = partner.get_by_role("region", name="Review comments")
        assert COMMENT in conversation.inner_text()
        no_violations(partner, "the draft beside its review conversation")
        conversation.get_by_label("Your answer to this comment").first.fill(ANSWER)
        conversation.get_by_role("button", name="Send the answer").first.click()
        partner.wait_for_url("**/edit?done=answered*")
        assert ANSWER in partner.get_by_role("region", name="Review comments").inner_text()
        partner.locator("input[name=term][value^='principles:']").first.check()
        partner.get_by_label("Place", exact=True).select_option("tucson")
        partner.get_by_label("Licence").select_option(index=1)
        partner.get_by_role("button", name="Save and submit for review").click()
        partner.wait_for_load_state()
        (draft,) = partner_drafts_of(site)
        assert draft["in_review"] is True and draft["place"] == "tucson"

        # The editor publishes it and adds it to a new collection.
        editor.goto(f"{site.url}/review")
        item = editor.locator("article", has_text=TITLE)
        assert "Everything needed is here." in item.inner_text(), item.inner_text()
        item.get_by_role("button", name=f"Publish “{TITLE}”").click()
        editor.wait_for_url(f"**/artifacts/{artifact_id}?done=published")
        # The photo placed in the text is shown there only, not again below it.
        assert editor.locator(f'main img[alt="{ALT}"]').count() == 1
        assert editor.locator("main audio").count() == 1
        no_violations(editor, "the published story with its photo and recording")
        editor.goto(f"{site.url}/collections")
        no_violations(editor, "collections")
        editor.get_by_label("Title", exact=True).fill("Creeks in spring")
        editor.get_by_label("Short name in addresses").fill("creeks-in-spring")
        editor.get_by_label("Introduction").fill("What the creeks taught us.")
        editor.get_by_role("button", name="Make the collection").click()
        editor.wait_for_url("**/collections/creeks-in-spring?done=created")
        editor.get_by_label("Address of its page, or its id").fill(
            f"{site.url}/artifacts/{artifact_id}"
        )
        editor.get_by_role("button", name="Add to the collection").click()
        editor.wait_for_url("**/collections/creeks-in-spring?done=saved")
        assert TITLE in editor.locator(".collection-item h3").all_inner_texts()
        package = editor.request.get(f"{site.url}/api/v1/collections/creeks-in-spring/package")
        with zipfile.ZipFile(io.BytesIO(package.body())) as bag:
            names = bag.namelist()
        assert any(f"-{artifact_id}/" in n and n.endswith("artifact.md") for n in names), names
        assert sum(n.endswith(".jpg") for n in names) == 1, names  # its photo travels with it
        no_violations(editor, "a collection")

        # A member responds; the editor's moderation queue shows it.
        partner.goto(f"{site.url}/artifacts/{artifact_id}/respond")
        no_violations(partner, "the response form")
        partner.get_by_label("Your response").fill("We will try the count in our own wash.")
        partner.get_by_role("button", name="Send for moderation").click()
        partner.wait_for_load_state()
        editor.goto(f"{site.url}/responses/moderation")
        assert "We will try the count" in editor.locator("main").inner_text()
        no_violations(editor, "the responses' moderation queue")

        # The partner's inbox shows each step that concerns them, newest first.
        until(partner, lambda: "Published" in inbox_kinds(partner, site), "published")
        assert inbox_kinds(partner, site) == ["Published", "Returned with comments"]
        no_violations(partner, "inbox")
    finally:
        partner_context.close()
        editor_context.close()

    # Every email is sent once: the outbox holds no email still to send, and each
    # notification of the journey reached the test SMTP server exactly once. (When the
    # sender starts, it may still be reading the demo archive's events after Eda's token
    # exists; the demo's drafts in review then reach Eda too, so only this story counts.)
    outbox = site.container.outbox

    def journey_mail(address: str) -> list[str]:
        found = (" ".join(str(m["Subject"]).split()) for m in smtp.to(address))
        return sorted(subject for subject in found if subject.endswith(f": {TITLE}"))

    def all_sent() -> bool:
        entries = [e for e in outbox.entries() if e.notice.target in (PARTNER_EMAIL, EDITOR_EMAIL)]
        sent = len(journey_mail(PARTNER_EMAIL)) + len(journey_mail(EDITOR_EMAIL))
        return sent >= 6 and all(e.state == SENT for e in entries)

    for _ in range(600):
        if all_sent():
            break
        threading.Event().wait(0.05)
    sender_for(site.container).catch_up()  # a second sender finds nothing left to send
    subjects = {address: journey_mail(address) for address in (PARTNER_EMAIL, EDITOR_EMAIL)}
    assert subjects == {
        PARTNER_EMAIL: [
            f"[Commonplace] Published: {TITLE}",
            f"[Commonplace] Returned with comments: {TITLE}",
        ],
        # The response, and what the editor did themselves, tell others only.
        EDITOR_EMAIL: [
            f"[Commonplace] A response awaits moderation: {TITLE}",
            f"[Commonplace] Review comments answered: {TITLE}",
            f"[Commonplace] Submitted for review: {TITLE}",
            f"[Commonplace] Submitted for review: {TITLE}",
        ],
    }
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == len(set(ids)), "an email was sent twice"


def partner_drafts_of(site: LiveSite) -> list[dict[str, Any]]:
    """The journey's draft as its partner (Pat) sees it."""
    saved = site.tokens["partner"]
    site.tokens["partner"] = site.tokens["pat"]
    try:
        return partner_drafts(site, TITLE)
    finally:
        site.tokens["partner"] = saved
