"""The seeded frameworks in Spanish: every term and stage has its own label, as data,
and the pages show the label in the page's language."""

from __future__ import annotations

import pytest

from domain.access import SYSTEM
from domain.vocabularies import seeded_frameworks
from services.api.web.vocab import localized
from tests.web.conftest import Demo

EXPECTED = {"principles": (6, 0), "conditions": (42, 4), "network-features": (8, 0)}


@pytest.mark.parametrize("data", seeded_frameworks(), ids=lambda d: d["id"])
def test_every_term_and_stage_has_a_spanish_label_and_description(data: dict) -> None:
    terms, stages = EXPECTED[data["id"]]
    assert (len(data["terms"]), len(data["stages"])) == (terms, stages)
    assert data["labels"]["es"]["label"] and data["labels"]["es"]["description"]
    for item in [*data["terms"], *data["stages"]]:
        spanish = item["labels"]["es"]
        assert spanish["label"] and spanish["label"] != item["label"], item["id"]
        assert len(spanish["description"]) > 40, item["id"]


def test_a_language_without_labels_falls_back_to_the_frameworks_own() -> None:
    term = {"id": "voice", "label": "Voice", "description": "Who decides.", "labels": {}}
    assert localized(term, "fr") == ("Voice", "Who decides.")
    term["labels"] = {"fr": {"label": "Voix", "description": ""}}
    assert localized(term, "fr") == ("Voix", "Who decides.")


def test_the_framework_page_shows_spanish_labels(demo: Demo) -> None:
    english = demo.client().get("/terms/principles").text
    assert "Lead with learning" in english and "Guiar con el aprendizaje" not in english
    spanish = demo.client().get("/terms/principles?lang=es").text
    assert "Guiar con el aprendizaje" in spanish
    assert "Principios de práctica" in spanish
    assert "Lead with learning" not in spanish


def test_conditions_competencies_and_stages_show_in_spanish(demo: Demo) -> None:
    page = demo.client().get("/terms/conditions?lang=es").text
    assert "Visión compartida" in page and "Guiada por la equidad" in page
    assert "Etapas de avance" in page and "Estableciendo" in page
    term = demo.client().get("/terms/conditions/equity-driven?lang=es").text
    assert "Una competencia de Visión compartida" in term


def test_search_facets_and_home_use_spanish_labels(demo: Demo) -> None:
    home = demo.client().get("/", headers={"Accept-Language": "es"}).text
    assert "Arraigar el aprendizaje en el lugar" in home
    search = demo.client().get("/search?lang=es").text
    assert "Principios de práctica" in search
    assert "Ground learning in place" not in search


def test_labels_sent_through_the_api_are_kept(demo: Demo) -> None:
    archive = demo.container.archive
    archive.catalogue.define_framework(
        SYSTEM,
        {
            "id": "tucson-family-voices",
            "name": "Family voices",
            "terms": [
                {
                    "id": "at-the-table",
                    "label": "At the table",
                    "labels": {
                        "es": {"label": "En la mesa", "description": "Las familias deciden."}
                    },
                }
            ],
        },
    )
    page = demo.client().get("/terms/tucson-family-voices/at-the-table?lang=es")
    assert page.status_code == 200
    assert "En la mesa" in page.text and "Las familias deciden." in page.text
