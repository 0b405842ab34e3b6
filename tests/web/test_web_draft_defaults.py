"""Drafts begun on the web pages start with the domain's defaults, as API drafts do.

A draft made by the draft editor's form or by the capture page used to store no
``syndication`` at all; the syndication records read that as "not adaptable" and a
collection's package left the published work out.
"""

from __future__ import annotations

import re
from uuid import UUID

from tests.web.conftest import Demo, csrf_of
from tests.web.test_editing import create


def draft_syndication(demo: Demo, artifact_id: str) -> object:
    archive = demo.container.archive
    partner = archive.tokens.authenticate(demo.tokens["partner"])
    assert partner is not None
    return archive.reading.get_artifact(partner, UUID(artifact_id), draft=True)["syndication"]


def test_a_draft_from_the_editor_form_is_adaptable_by_default(demo: Demo) -> None:
    artifact_id = create(demo, demo.client("partner"))
    assert draft_syndication(demo, artifact_id) == "adaptable"


def test_a_draft_from_the_capture_page_is_adaptable_by_default(demo: Demo) -> None:
    client = demo.client("partner")
    page = client.get("/capture?kind=story").text
    fields = {"csrf": csrf_of(page), "title": "Capture defaults", "kind": "story"}
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    if nonce:
        fields["nonce"] = nonce.group(1)
    answer = client.post("/capture", data=fields, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    artifact_id = answer.headers["location"].split("/")[2].split("?")[0]
    assert draft_syndication(demo, artifact_id) == "adaptable"
