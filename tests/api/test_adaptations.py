"""Adapting artifacts of this site: licences, the adaptation note, local lineage."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from services.indexer.outbox import sender_for
from tests.conftest import Api


def published(api: Api, content: dict[str, Any]) -> str:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_("partner")
    )
    done = api.client.post(
        f"/api/v1/artifacts/{created.json()['id']}/publish",
        headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    return str(created.json()["id"])


def adapt(
    api: Api, source: dict[str, Any], place: str = "england", who: str = "other-partner"
) -> Any:
    return api.client.post(
        "/api/v1/adaptations", json={"source": source, "place": place}, headers=api.as_(who)
    )


def test_local_adaptation_needs_a_note_and_reports_itself(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin = published(api, ready_story)
    draft = adapt(api, {"artifact_id": origin})
    assert draft.status_code == 201, draft.text
    body = draft.json()
    assert body["place"] == "england" and body["body"] == ready_story["body"]
    assert body["adapted_from"]["id"] == origin and body["adapted_from"]["version"] == 2
    history = api.client.get(
        f"/api/v1/artifacts/{body['id']}/history?view=draft", headers=api.as_("other-partner")
    ).json()
    assert [h["type"] for h in history] == ["Created", "AdaptedFrom"]
    refused = api.client.post(
        f"/api/v1/artifacts/{body['id']}/publish",
        headers=api.as_("editor", **{"If-Match": draft.headers["ETag"]}),
    )
    assert refused.status_code == 422
    assert "a note of what was changed for the new place" in refused.json()["missing"]
    noted = api.client.patch(
        f"/api/v1/artifacts/{body['id']}",
        json={"adaptation_note": "Set in a Nottingham primary."},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    done = api.client.post(
        f"/api/v1/artifacts/{body['id']}/publish",
        headers=api.as_("editor", **{"If-Match": noted.headers["ETag"]}),
    )
    assert done.status_code == 200
    # The request only recorded events; the outbox follower tells the source.
    assert api.client.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"] == 0
    sender_for(container).catch_up()
    origin_view = api.client.get(f"/api/v1/artifacts/{origin}").json()
    assert origin_view["adaptations"] == {"count": 1, "places": ["England"], "place_count": 1}
    lineage = api.client.get(f"/api/v1/artifacts/{origin}/lineage").json()
    assert [e["note"] for e in lineage["edges"]] == ["Set in a Nottingham primary."]
    jsonld = api.client.get(f"/api/v1/artifacts/{body['id']}/jsonld").json()
    assert jsonld["isBasedOn"]["@id"].endswith(origin)


def test_no_derivatives_and_all_rights_reserved_are_refused(
    api: Api, ready_story: dict[str, Any]
) -> None:
    for licence in ("https://creativecommons.org/licenses/by-nd/4.0/", "all-rights-reserved"):
        origin = published(api, {**ready_story, "licence": licence})
        refused = adapt(api, {"artifact_id": origin})
        assert refused.status_code == 422
        assert "does not allow adaptations" in refused.json()["detail"]


def test_sources_must_be_readable_and_named(api: Api, ready_story: dict[str, Any]) -> None:
    draft = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **ready_story}, headers=api.as_("partner")
    ).json()
    assert adapt(api, {"artifact_id": draft["id"]}).status_code == 404
    assert adapt(api, {}).status_code == 422
    assert adapt(api, {"artifact_id": draft["id"]}, who="member").status_code == 403
    origin = published(api, ready_story)
    assert adapt(api, {"artifact_id": origin}, place="atlantis").status_code == 422


def test_remote_sources_on_private_addresses_are_refused(api: Api) -> None:
    for url in (
        "http://127.0.0.1:9/api/v1/artifacts/x",
        "http://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
        "http://10.0.0.5/x",
    ):
        response = adapt(api, {"url": url})
        assert response.status_code == 422, url
        assert response.headers["content-type"] == "application/problem+json"
