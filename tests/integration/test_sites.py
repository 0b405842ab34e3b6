"""Adaptation across sites, over real HTTP between Commonplace servers on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    assert done.headers.get("X-Adaptation-Notices")
    return dict(done.json())


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
        forged = ca.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices",
            json={"adaptation_url": f"{b.url}/api/v1/artifacts/{unrelated}"},
        )
        assert forged.status_code == 422
        assert "could not be verified" in forged.json()["detail"]
        nowhere = ca.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices",
            json={"adaptation_url": f"{b.url}/api/v1/artifacts/missing"},
        )
        assert nowhere.status_code == 422
        assert ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 0
