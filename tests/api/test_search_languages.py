"""Search over HTTP in English and Spanish: ``lang``, the language facet and filter."""

from __future__ import annotations

from typing import Any

from services.indexer.runner import Indexer
from tests.api.test_search_api import publish, running_indexer  # noqa: F401 - a fixture
from tests.conftest import Api

SPANISH = {
    "title": "Evaluaciones en familia en Desert View",
    "summary": "Las familias y el profesorado leen juntos el trabajo.",
    "body": "# Evaluación\n\nRúbricas bilingües en la mesa de la evaluación.",
    "language": "es",
}


def test_spanish_and_english_searches(
    api: Api,
    running_indexer: Indexer,  # noqa: F811
    ready_story: dict[str, Any],
) -> None:
    english = publish(api, {"kind": "story", **ready_story})
    spanish = publish(api, {"kind": "story", **ready_story, **SPANISH})
    after = f"after={spanish['position']}"
    found = api.client.get(f"/api/v1/search?q=evaluacion&{after}").json()
    assert [h["id"] for h in found["hits"]] == [spanish["id"]]
    desert = "/api/v1/search?q=desert+view"
    in_spanish = api.client.get(f"{desert}&lang=es").json()["hits"]
    in_english = api.client.get(f"{desert}&lang=en-US").json()["hits"]
    assert [h["id"] for h in in_spanish] == [spanish["id"], english["id"]]
    assert [h["id"] for h in in_english] == [english["id"], spanish["id"]]
    asked = api.client.get("/api/v1/search", params={"q": "¿desert view?"}).json()["hits"]
    assert [h["id"] for h in asked] == [spanish["id"], english["id"]], "¿: taken as Spanish"
    plain = api.client.get("/api/v1/search", params={"q": "desert view?", "lang": "en"})
    assert [h["id"] for h in plain.json()["hits"]] == [english["id"], spanish["id"]]
    facets = api.client.get("/api/v1/search?more=languages").json()["facets"]
    assert sorted(facets["languages"], key=lambda f: f["language"]) == [
        {"language": "en", "count": 1},
        {"language": "es", "count": 1},
    ]
    only = api.client.get("/api/v1/search?language=es").json()
    assert [h["id"] for h in only["hits"]] == [spanish["id"]]
    assert api.client.get(f"{desert}&lang=fr").status_code == 200, "a language search lacks"


def test_a_malformed_language_is_a_clear_client_error(api: Api) -> None:
    for lang in ["<script>", "e", "es_ES", "x" * 40]:
        response = api.client.get("/api/v1/search", params={"q": "circles", "lang": lang})
        assert response.status_code == 422, (lang, response.text)
        assert response.headers["content-type"] == "application/problem+json"
