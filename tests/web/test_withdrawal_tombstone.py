"""The tombstone page says only what the outbox shows, and tells editors why.

One site, whose own artifact is adapted on the same site: the withdrawal notice
is handled here by the same rules a remote site applies (the outbox sender is
run step by step, as the indexer's thread runs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.artifact import Artifact
from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.indexer.outbox import OutboxSender
from tests.conftest import READY_STORY, seed_places
from tests.web.conftest import Demo


class Site(Demo):
    def __init__(self, settings: Settings) -> None:
        container = build(settings)
        seed_frameworks(container.archive)
        seed_places(container.archive)
        super().__init__(container)
        adaptations = container.adaptations
        self.sender = OutboxSender(
            container.archive,
            container.outbox,
            [adaptations.notices, adaptations.withdrawals, adaptations.withdrawals.receipt],
        )

    @contextmanager
    def api(self, role: str) -> Iterator[TestClient]:
        """A client with a bearer token (not entered: that would close the container)."""
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.tokens[role]}"
        yield client

    def story(self) -> str:
        with self.api("editor") as client:
            made = client.post("/api/v1/artifacts", json={"kind": "story", **READY_STORY})
            published = client.post(
                f"/api/v1/artifacts/{made.json()['id']}/publish",
                headers={"If-Match": made.headers["ETag"]},
            )
            assert published.status_code == 200, published.text
            return str(made.json()["id"])

    def adaptation(self, source: str) -> str:
        with self.api("editor") as client:
            draft = client.post(
                "/api/v1/adaptations",
                json={"source": {"artifact_id": source}, "place": "england"},
            )
            assert draft.status_code == 201, draft.text
            noted = client.patch(
                f"/api/v1/artifacts/{draft.json()['id']}",
                json={"adaptation_note": "Retold for England"},
                headers={"If-Match": draft.headers["ETag"]},
            )
            published = client.post(
                f"/api/v1/artifacts/{draft.json()['id']}/publish",
                headers={"If-Match": noted.headers["ETag"]},
            )
            assert published.status_code == 200, published.text
        self.sender.catch_up()  # the adaptation notice: the source records the report
        return str(draft.json()["id"])

    def withdraw(self, artifact_id: str) -> None:
        with self.api("editor") as client:
            answer = client.post(
                f"/api/v1/artifacts/{artifact_id}/withdraw", json={"reason": "Asked to."}
            )
            assert answer.status_code == 200, answer.text


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    made = Site(
        Settings(data_dir=tmp_path / "data", load_demo=False, base_url="https://testserver")
    )
    yield made
    made.container.close()


def test_readers_see_how_many_sites_were_notified_and_editors_see_why(site: Site) -> None:
    origin = site.story()
    adaptation = site.adaptation(origin)
    lonely = site.story()
    site.withdraw(origin)
    site.withdraw(lonely)
    reader = site.client()
    # Before the outbox has taken the withdrawal up, the page claims nothing about others.
    page = reader.get(f"/artifacts/{origin}")
    assert page.status_code == 410
    assert "have been notified" not in page.text
    while site.sender.enqueue():  # stored, not yet sent
        pass
    page = reader.get(f"/artifacts/{origin}")
    assert "0 sites that adapted this work have been notified; 1 pending." in page.text
    assert "have been notified" not in reader.get(f"/artifacts/{lonely}").text

    site.sender.catch_up()
    page = reader.get(f"/artifacts/{origin}")
    assert "1 site that adapted this work has been notified; 0 pending." in page.text
    assert "For editors" not in page.text
    spanish = reader.get(f"/artifacts/{origin}?lang=es")
    assert "Se ha avisado a 1 sitio que adaptó esta obra; 0 pendientes." in spanish.text

    hidden = reader.get(f"/artifacts/{adaptation}")
    assert hidden.status_code == 410
    assert "withdrawn by the site it came from" in hidden.text
    assert "https://testserver/api/v1/artifacts/" + origin not in hidden.text
    editor = site.client("editor").get(f"/artifacts/{adaptation}")
    assert editor.status_code == 410
    assert "For editors" in editor.text
    assert f"Its source https://testserver/api/v1/artifacts/{origin}" in editor.text
    assert f'href="/drafts/{adaptation}"' in editor.text

    with site.api("editor") as client:
        state = client.get(f"/api/v1/artifacts/{origin}/notices").json()
    assert state["sites"] == {"sent": 1, "pending": 0, "failed": 0}
    [notice] = [n for n in state["notices"] if n["kind"] == "withdrawal"]
    assert notice["target"] == f"https://testserver/api/v1/artifacts/{adaptation}"
    assert notice["state"] == "sent" and notice["reason"] is None


def test_narrowing_a_source_out_of_adaptation_withdraws_its_adaptations(site: Site) -> None:
    origin = site.story()
    adaptation = site.adaptation(origin)
    archive = site.container.archive
    artifact = archive.load(Artifact, UUID(origin))
    at = datetime.now(UTC)
    # Still public and adaptable: nothing to tell.
    artifact.narrow("public", "adaptable", reason="No change.", by="system", at=at)
    archive.store.save(artifact)
    site.sender.catch_up()
    with site.api("editor") as client:
        assert client.get(f"/api/v1/artifacts/{origin}/notices").json()["notices"] == []
    artifact = archive.load(Artifact, UUID(origin))
    artifact.narrow("members", "none", reason="Consent narrowed.", by="system", at=at)
    archive.store.save(artifact)
    site.sender.catch_up()
    with site.api("editor") as client:
        withdrawal = client.get(f"/api/v1/artifacts/{adaptation}/notices").json()["withdrawal"]
        assert withdrawal["category"] == "source-withdrawn"
        assert "was narrowed there" in withdrawal["note"]
        assert client.get(f"/api/v1/artifacts/{origin}/notices").json()["sites"]["sent"] == 1


def test_a_local_adaptation_published_after_its_source_was_withdrawn_is_hidden(
    site: Site,
) -> None:
    origin = site.story()
    with site.api("editor") as client:
        draft = client.post(
            "/api/v1/adaptations", json={"source": {"artifact_id": origin}, "place": "england"}
        )
        noted = client.patch(
            f"/api/v1/artifacts/{draft.json()['id']}",
            json={"adaptation_note": "Retold for England"},
            headers={"If-Match": draft.headers["ETag"]},
        )
        site.withdraw(origin)
        published = client.post(
            f"/api/v1/artifacts/{draft.json()['id']}/publish",
            headers={"If-Match": noted.headers["ETag"]},
        )
        assert published.status_code == 200, published.text
        site.sender.catch_up()
        adaptation = draft.json()["id"]
        state = client.get(f"/api/v1/artifacts/{adaptation}/notices").json()
    assert state["status"] == "withdrawn"
    assert state["withdrawal"]["category"] == "source-withdrawn"
    assert site.client().get(f"/artifacts/{adaptation}").status_code == 410
