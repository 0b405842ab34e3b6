"""Language versions through the API: a translation is a new artifact linked to its
original, the original lists the versions a reader may see, and a translation says
when its original was published again after it."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from tests.conftest import Api


def create(api: Api, content: dict[str, Any]) -> Any:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_("partner")
    )
    assert created.status_code == 201, created.text
    return created


def publish(api: Api, artifact_id: str) -> Any:
    etag = api.client.get(
        f"/api/v1/artifacts/{artifact_id}?view=draft", headers=api.as_("editor")
    ).headers["ETag"]
    done = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": etag}),
    )
    assert done.status_code == 200, done.text
    return done


def revise(api: Api, artifact_id: str, changes: dict[str, Any], who: str = "partner") -> Any:
    etag = api.client.get(
        f"/api/v1/artifacts/{artifact_id}?view=draft", headers=api.as_(who)
    ).headers["ETag"]
    done = api.client.patch(
        f"/api/v1/artifacts/{artifact_id}", json=changes, headers=api.as_(who, **{"If-Match": etag})
    )
    assert done.status_code == 200, done.text
    return done


def translate(api: Api, artifact_id: str, language: str = "es", who: str = "partner") -> Any:
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/translations",
        json={"language": language, "translator": "Rosa Méndez"},
        headers=api.as_(who),
    )


def read(api: Api, artifact_id: str, who: str = "anonymous") -> dict[str, Any]:
    answer = api.client.get(f"/api/v1/artifacts/{artifact_id}", headers=api.as_(who))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_translation_is_a_new_draft_linked_to_its_original_crediting_the_translator(
    api: Api, ready_story: dict[str, Any]
) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    made = translate(api, original)
    assert made.status_code == 201, made.text
    draft = made.json()
    assert draft["id"] != original and draft["status"] == "draft"
    assert draft["language"] == "es" and draft["body"] == ready_story["body"]
    assert {"name": "Rosa Méndez", "role": "translator"} in draft["contributors"]
    assert draft["translation_of"]["id"] == original
    assert draft["translation_of"]["language"] == "en"
    # A draft is no language version anyone reads yet.
    assert read(api, original)["translations"] == []
    revise(api, draft["id"], {"title": "Círculos matutinos en Desert View"})
    publish(api, draft["id"])
    listed = read(api, original)["translations"]
    assert [(v["id"], v["language"], v["title"]) for v in listed] == [
        (draft["id"], "es", "Círculos matutinos en Desert View")
    ]
    assert listed[0]["url"].endswith(f"/artifacts/{draft['id']}")
    back = read(api, draft["id"])
    assert back["language"] == "es" and back["translation_of"]["id"] == original
    assert [(v["id"], v["language"]) for v in back["translations"]] == [(original, "en")]
    assert back["outdated"] is False


def test_a_translation_needs_another_language_and_one_version_per_language(
    api: Api, ready_story: dict[str, Any]
) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    same = translate(api, original, "en")
    assert same.status_code == 422
    assert same.headers["content-type"] == "application/problem+json"
    assert translate(api, original, "not a tag").status_code == 422
    first = translate(api, original).json()["id"]
    again = translate(api, original, "es", who="other-partner")
    assert again.status_code == 409 and again.json()["id"] == first
    back_to_english = translate(api, first, "en")  # the work already has its English version
    assert back_to_english.status_code == 409 and back_to_english.json()["id"] == original
    assert translate(api, original, who="anonymous").status_code == 401
    assert translate(api, original, who="member").status_code == 403


def test_an_unreadable_original_cannot_be_translated_by_others(
    api: Api, ready_story: dict[str, Any]
) -> None:
    draft = create(api, ready_story).json()["id"]
    refused = translate(api, draft, who="other-partner")
    assert refused.status_code == 404
    assert translate(api, draft).status_code == 201  # its own contributor may


def test_only_readable_versions_are_listed(api: Api, ready_story: dict[str, Any]) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    members = translate(api, original).json()["id"]
    revise(api, members, {"visibility": "members"})
    publish(api, members)
    assert read(api, original)["translations"] == []
    assert [v["id"] for v in read(api, original, "member")["translations"]] == [members]
    hidden = read(api, members, "member")
    assert hidden["translation_of"]["title"] == ready_story["title"]


def test_a_translation_is_outdated_when_its_original_is_republished_until_revised(
    api: Api, ready_story: dict[str, Any]
) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    translation = translate(api, original).json()["id"]
    publish(api, translation)
    assert read(api, translation)["outdated"] is False
    revise(api, original, {"summary": "A new summary."})
    assert read(api, translation)["outdated"] is False  # a draft is not a publication
    publish(api, original)
    assert read(api, translation)["outdated"] is True
    assert read(api, original)["outdated"] is False  # an original is never outdated
    revise(api, translation, {"summary": "Un resumen nuevo."})
    assert read(api, translation)["outdated"] is False


def test_a_work_of_this_site_named_by_its_address_is_translated_here(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    original = create(api, ready_story).json()["id"]
    publish(api, original)
    base = container.settings.base_url.rstrip("/")
    made = api.client.post(
        "/api/v1/translations",
        json={
            "source_url": f"{base}/api/v1/artifacts/{original}",
            "place": "tucson",
            "language": "es",
        },
        headers=api.as_("partner"),
    )
    assert made.status_code == 201, made.text
    assert made.json()["translation_of"]["id"] == original
    assert made.json()["adapted_from"] is None  # a local translation is no adaptation
