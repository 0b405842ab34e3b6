"""Translating another site's work, over real HTTP between two Commonplace servers on
loopback: the translation keeps cross-site lineage as an adaptation does, marked as a
translation, and the source's site is told when it is published."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_sites import adaptation_count, eventually, origin_story, publish
from tests.sites import running_site


def test_a_translation_of_another_sites_work_keeps_its_lineage(tmp_path: Path) -> None:
    with (
        running_site(tmp_path / "a") as a,
        running_site(tmp_path / "b") as b,
        a.client() as ca,
        b.client() as cb,
    ):
        origin = origin_story(a, ca)
        origin_url = f"{a.url}/api/v1/artifacts/{origin}"
        draft = cb.post(
            "/api/v1/translations",
            json={
                "source_url": origin_url,
                "place": "tucson",
                "language": "es",
                "translator": "Rosa Villanueva",
            },
            headers=b.headers("partner"),
        )
        assert draft.status_code == 201, draft.text
        body = draft.json()
        assert body["language"] == "es"
        assert body["adapted_from"]["uri"] == origin_url
        assert body["adapted_from"]["relation"] == "translation"
        assert body["translation_of"]["uri"] == origin_url
        assert body["translation_of"]["language"] == "en"
        assert {"name": "Rosa Villanueva", "role": "translator"} in body["contributors"]
        same_language = cb.post(
            "/api/v1/translations",
            json={"source_url": origin_url, "place": "tucson", "language": "en"},
            headers=b.headers("partner"),
        )
        assert same_language.status_code == 422
        assert same_language.headers["content-type"] == "application/problem+json"

        publish(b, cb, body["id"], draft.headers["ETag"])
        eventually(lambda: adaptation_count(ca, origin) == 1)  # the source's site was told
        jsonld = cb.get(f"/api/v1/artifacts/{body['id']}/jsonld").json()
        assert jsonld["inLanguage"] == "es"
        assert jsonld["translationOfWork"]["@id"] == origin_url
        assert jsonld["isBasedOn"]["@id"] == origin_url
        page = cb.get(f"/artifacts/{body['id']}").text
        assert "Translated from" in page
