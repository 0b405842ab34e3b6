"""The diff page names what it compares as the history page does: editions and drafts."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.access import Principal, Role
from services.api.web.diffs import StepName, step_name, step_names
from tests.web.conftest import Demo

EDITOR = Principal(id="web-test-editor", name="Editor", role=Role.EDITOR)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def entry(version: int, kind: str, **extra: Any) -> dict[str, Any]:
    return {"version": version, "type": kind, "at": NOW, "summary": "", **extra}


def test_steps_are_named_as_the_history_names_them() -> None:
    names = step_names(
        [
            entry(1, "Created"),
            entry(2, "Revised"),
            entry(3, "Submitted"),
            entry(4, "Published", edition=1, draft=2),
            entry(5, "Revised"),
            entry(6, "Published", edition=2, draft=5),
            entry(7, "Withdrawn"),
        ]
    )
    assert names[2] == StepName("Draft 2", "draft 2")
    assert names[3] == StepName("Draft 2, sent for review", "draft 2, sent for review")
    assert names[4] == StepName("1st edition", "the 1st edition", "published from draft 2")
    assert names[6].phrase == "the 2nd edition"
    assert names[7].label == "Draft 5, withdrawn"
    assert step_name(names, 12) == StepName("Draft 12", "draft 12")


def revised_artifact(demo: Demo) -> str:
    return next(
        str(item["id"])
        for item in demo.container.archive.reading.list_artifacts(
            EDITOR, status="published", limit=50
        )["items"]
        if item["published"]["number"] > 1 and item["visibility"] == "public"
    )


def test_the_history_offers_editions_with_their_drafts(demo: Demo) -> None:
    artifact = revised_artifact(demo)
    page = html.unescape(demo.client().get(f"/artifacts/{artifact}/history").text)
    assert re.search(r"<option value=\"\d+\"[^>]*>1st edition, from draft \d+</option>", page)


def test_a_reader_compares_two_editions(demo: Demo) -> None:
    artifact = revised_artifact(demo)
    entries = demo.container.archive.reading.artifact_history(EDITOR, UUID(artifact))
    editions = [e for e in entries if e["type"] == "Published"]
    first, last = editions[0], editions[-1]
    page = demo.client().get(
        f"/artifacts/{artifact}/diff?from={first['version']}&to={last['version']}"
    )
    assert page.status_code == 200
    text = html.unescape(page.text)
    heading = re.search(r"<h1>(.*?)</h1>", text)
    assert heading is not None
    ordinal = {2: "2nd", 3: "3rd"}.get(last["edition"], f"{last['edition']}th")
    assert heading.group(1) == f"What changed from the 1st edition to the {ordinal} edition"
    assert f"The 1st edition was published from draft {first['draft']}." in text
    assert "version" not in heading.group(1).lower()
    if "<table" in text:
        assert '<th scope="col">1st edition</th>' in text


def test_an_editor_compares_two_drafts(demo: Demo) -> None:
    artifact = revised_artifact(demo)
    entries = demo.container.archive.reading.artifact_history(EDITOR, UUID(artifact), draft=True)
    drafts = [e["version"] for e in entries if e["type"] in ("Created", "Revised")]
    assert len(drafts) > 1
    client = demo.client("editor")
    page = client.get(f"/artifacts/{artifact}/diff?from={drafts[0]}&to={drafts[-1]}&view=draft")
    assert page.status_code == 200
    assert f"<h1>What changed from draft {drafts[0]} to draft {drafts[-1]}</h1>" in page.text
    assert "Compare other steps" in page.text
