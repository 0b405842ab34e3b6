"""Adaptation across sites, over real HTTP between Commonplace servers on loopback."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.conftest import READY_STORY
from tests.sites import Site, running_site


def publish(site: Site, client: httpx.Client, artifact_id: str, etag: str) -> httpx.Response:
    response = client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=site.headers("editor", **{"If-Match": etag}),
    )
    assert response.status_code == 200, response.text
    return response


def origin_story(site: Site, client: httpx.Client) -> str:
    created = client.post(
        "/api/v1/artifacts", json={"kind": "story", **READY_STORY}, headers=site.headers("partner")
    )
    publish(site, client, created.json()["id"], created.headers["ETag"])
    return str(created.json()["id"])


def adapt_remote(site: Site, client: httpx.Client, source_url: str, place: str) -> dict[str, Any]:
    draft = client.post(
        "/api/v1/adaptations",
        json={"source": {"url": source_url}, "place": place},
        headers=site.headers("partner"),
    )
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert body["adapted_from"]["uri"] == source_url
    note = client.patch(
        f"/api/v1/artifacts/{body['id']}",
        json={"adaptation_note": f"Retold for {place}", "title": f"{body['title']} ({place})"},
        headers=site.headers("partner", **{"If-Match": draft.headers["ETag"]}),
    )
    done = publish(site, client, body["id"], note.headers["ETag"])
    return dict(done.json())


def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Waits for the outbox sender: notices leave after the request, not in it."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, "the notice did not arrive in time"
        time.sleep(0.05)


def adaptation_count(client: httpx.Client, artifact_id: str) -> int:
    return int(client.get(f"/api/v1/artifacts/{artifact_id}").json()["adaptations"]["count"])


def test_two_sites_and_three_generations(tmp_path: Path) -> None:
    with (
        running_site(tmp_path / "a") as a,
        running_site(tmp_path / "b") as b,
        running_site(tmp_path / "c") as c,
        a.client() as ca,
        b.client() as cb,
        c.client() as cc,
    ):
        origin = origin_story(a, ca)
        origin_url = f"{a.url}/api/v1/artifacts/{origin}"
        b_story = adapt_remote(b, cb, origin_url, "england")
        eventually(lambda: adaptation_count(ca, origin) == 1)
        assert b_story["title"].startswith(READY_STORY["title"])
        assert {"name": f"partner of {b.url}", "role": "adapter"} in b_story["contributors"]

        a_lineage = ca.get(f"/api/v1/artifacts/{origin}/lineage").json()
        b_url = f"{b.url}/api/v1/artifacts/{b_story['id']}"
        assert {n["url"] for n in a_lineage["nodes"]} == {origin_url, b_url}
        assert a_lineage["edges"] == [
            {"from": origin_url, "to": b_url, "note": "Retold for england"}
        ]
        assert ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 1

        c_story = adapt_remote(c, cc, b_url, "tucson")
        c_url = f"{c.url}/api/v1/artifacts/{c_story['id']}"
        eventually(lambda: adaptation_count(ca, origin) == 2)
        eventually(lambda: adaptation_count(cb, b_story["id"]) == 1)
        a_lineage = ca.get(f"/api/v1/artifacts/{origin}/lineage").json()
        generations = {n["url"]: n["generation"] for n in a_lineage["nodes"]}
        assert generations == {origin_url: 0, b_url: 1, c_url: 2}
        assert {"from": b_url, "to": c_url, "note": "Retold for tucson"} in a_lineage["edges"]
        assert ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["places"] == [
            "England",
            "Tucson",
        ]
        c_lineage = cc.get(f"/api/v1/artifacts/{c_story['id']}/lineage").json()
        assert {n["url"]: n["generation"] for n in c_lineage["nodes"]} == {
            c_url: 0,
            b_url: -1,
            origin_url: -2,
        }
        b_lineage = cb.get(f"/api/v1/artifacts/{b_story['id']}/lineage").json()
        assert {n["url"] for n in b_lineage["nodes"]} == {origin_url, b_url, c_url}


def test_a_forged_notice_is_refused_and_records_nothing(tmp_path: Path) -> None:
    with (
        running_site(tmp_path / "a") as a,
        running_site(tmp_path / "b") as b,
        a.client() as ca,
        b.client() as cb,
    ):
        origin = origin_story(a, ca)
        unrelated = origin_story(b, cb)
        forged_url = f"{b.url}/api/v1/artifacts/{unrelated}"
        forged = ca.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices", json={"adaptation_url": forged_url}
        )
        assert forged.status_code == 202, forged.text  # kept; A's follower verifies it
        nowhere_url = f"{b.url}/api/v1/artifacts/missing"
        nowhere = ca.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices", json={"adaptation_url": nowhere_url}
        )
        assert nowhere.status_code == 202, nowhere.text
        refused = {url: failed_entry(a, ca, url) for url in (forged_url, nowhere_url)}
        assert "could not be verified" in refused[forged_url]["last_error"]
        assert refused[nowhere_url]["last_error"].startswith("Refused: ")
        assert ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 0
        # Told again, the refused notice is answered with what became of it: no new work.
        again = ca.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices", json={"adaptation_url": forged_url}
        )
        assert again.status_code == 200
        assert again.json()["status"] == "refused" and again.json()["reason"]


def failed_entry(site: Site, client: httpx.Client, target: str) -> dict[str, Any]:
    """The notice about ``target`` once the follower has refused it."""

    def failed() -> list[dict[str, Any]]:
        return [e for e in outbox_entries(site, client, target) if e["state"] == "failed"]

    return dict(eventually(failed)[0])


def draft_from(site: Site, client: httpx.Client, source_url: str) -> tuple[str, str]:
    """An adaptation with its note, ready to publish: its id and ETag."""
    draft = client.post(
        "/api/v1/adaptations",
        json={"source": {"url": source_url}, "place": "england"},
        headers=site.headers("partner"),
    )
    assert draft.status_code == 201, draft.text
    noted = client.patch(
        f"/api/v1/artifacts/{draft.json()['id']}",
        json={"adaptation_note": "Retold for England"},
        headers=site.headers("partner", **{"If-Match": draft.headers["ETag"]}),
    )
    return str(draft.json()["id"]), noted.headers["ETag"]


def outbox_entries(site: Site, client: httpx.Client, target: str) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/outbox", headers=site.headers("editor"))
    assert answer.status_code == 200, answer.text
    return [e for e in answer.json()["entries"] if e["target"] == target]


def test_a_notice_to_a_site_that_is_down_is_retried_until_delivered(tmp_path: Path) -> None:
    with running_site(tmp_path / "b") as b, b.client() as cb:
        with running_site(tmp_path / "a") as a, a.client() as ca:
            origin = origin_story(a, ca)
            origin_url = f"{a.url}/api/v1/artifacts/{origin}"
            port = urlsplit(a.url).port
            adaptation, etag = draft_from(b, cb, origin_url)
        # Site A is down (stopped; its data kept). B publishes: the request succeeds at once.
        publish(b, cb, adaptation, etag)
        retrying = eventually(
            lambda: [
                e
                for e in outbox_entries(b, cb, origin_url)
                if e["state"] == "pending" and e["attempts"] >= 2
            ]
        )[0]
        assert "connection failed" in retrying["last_error"]
        assert retrying["next_attempt_at"] > retrying["created_at"]
        assert cb.get("/api/v1/outbox").status_code == 401
        assert cb.get("/api/v1/outbox", headers=b.headers("partner")).status_code == 403
        # A comes back on the same address: the next retry delivers the notice.
        with running_site(tmp_path / "a", port=port or 0) as again, again.client() as ca2:
            eventually(lambda: adaptation_count(ca2, origin) == 1)
            sent = eventually(
                lambda: [e for e in outbox_entries(b, cb, origin_url) if e["state"] == "sent"]
            )[0]
            assert sent["attempts"] >= 3 and sent["sent_at"]


def test_a_duplicate_delivery_is_recorded_once(tmp_path: Path) -> None:
    with (
        running_site(tmp_path / "a") as a,
        running_site(tmp_path / "b") as b,
        a.client() as ca,
        b.client() as cb,
    ):
        origin = origin_story(a, ca)
        origin_url = f"{a.url}/api/v1/artifacts/{origin}"
        adaptation, etag = draft_from(b, cb, origin_url)
        publish(b, cb, adaptation, etag)
        eventually(lambda: adaptation_count(ca, origin) == 1)
        sent = eventually(
            lambda: [e for e in outbox_entries(b, cb, origin_url) if e["state"] == "sent"]
        )[0]
        # The same notice again, as a sender that crashed before recording "sent" would send it.
        b_url = f"{b.url}/api/v1/artifacts/{adaptation}"
        notice = {"adaptation_url": b_url, "notice_id": sent["id"]}
        again = ca.post(f"/api/v1/artifacts/{origin}/adaptation-notices", json=notice)
        assert again.status_code == 200, again.text
        assert again.json()["recorded"] is False
        b.container.outbox.retry(sent["id"], sent["attempts"], time.time(), "sent again")
        eventually(
            lambda: [
                e
                for e in outbox_entries(b, cb, origin_url)
                if e["state"] == "sent" and e["attempts"] > sent["attempts"]
            ]
        )
        history = ca.get(
            f"/api/v1/artifacts/{origin}/history?view=draft", headers=a.headers("editor")
        ).json()
        assert [h["type"] for h in history].count("AdaptationReported") == 1
        assert adaptation_count(ca, origin) == 1
