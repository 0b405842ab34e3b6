"""Searching by a term's name in another language: the Spanish names of an artifact's
principles (kept as data in the vocabularies) are searchable text of its document."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from tests.api.test_syndication import catch_up
from tests.api.test_translations import create, publish, revise, translate
from tests.conftest import Api


def found(api: Api, q: str) -> set[str]:
    answer = api.client.get("/api/v1/search", params={"q": q, "per_page": 50})
    assert answer.status_code == 200, answer.text
    return {hit["id"] for hit in answer.json()["hits"]}


def test_a_principles_spanish_name_finds_the_artifacts_it_describes(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    invited = create(
        api, {**ready_story, "terms": ["principles:invite-with-intention", "conditions:culture"]}
    ).json()["id"]
    publish(api, invited)
    other = create(api, ready_story).json()["id"]  # led with learning, not invited
    publish(api, other)
    catch_up(container)
    assert invited in found(api, "Invitar con intención")
    assert invited in found(api, "invitar con intencion")  # without the accent
    assert other not in found(api, '"Invitar con intención"')
    # Its own principle's Spanish name finds the other one.
    assert other in found(api, '"Guiar con el aprendizaje"')
    document = container.search.document(invited)
    assert document is not None
    assert document["body"].startswith("Morning circles")  # the artifact's own text first


def test_a_search_hit_offers_its_readable_language_versions(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    spanish = translate(api, original).json()["id"]
    revise(api, spanish, {"title": "Círculos matutinos en Desert View", "visibility": "members"})
    publish(api, spanish)
    catch_up(container)

    def hits(who: str) -> dict[str, Any]:
        answer = api.client.get(
            "/api/v1/search", params={"q": "Desert View"}, headers=api.as_(who)
        ).json()
        return {hit["id"]: hit for hit in answer["hits"]}

    assert hits("anonymous")[original]["versions"] == []  # members-only: not offered
    seen = hits("member")
    assert [(v["id"], v["language"]) for v in seen[original]["versions"]] == [(spanish, "es")]
    assert [(v["id"], v["language"]) for v in seen[spanish]["versions"]] == [(original, "en")]
