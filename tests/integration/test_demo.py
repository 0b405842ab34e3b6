"""The demo archive loads completely, once, and reads like a real archive."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from uuid import UUID

from domain.access import ANONYMOUS
from domain.application import ARTIFACT_CREATED, Archive
from domain.artifact import Artifact
from infra.bootstrap import build
from infra.demo import demo_data, load_demo
from infra.settings import Settings
from tests.conftest import EDITOR


def test_demo_archive_loads_once_with_every_kind(tmp_path: Path) -> None:
    with build(Settings(data_dir=tmp_path)) as container:
        archive: Archive = container.archive
        counts = load_demo(archive)
        head = archive.head
        assert load_demo(archive) == counts
        assert archive.head == head, "a second load records nothing"

        artifacts = [archive.load(Artifact, i) for _, i in archive.ids_of(ARTIFACT_CREATED)]
        statuses = Counter(a.status for a in artifacts)
        kinds = Counter(a.kind for a in artifacts if a.status == "published")
        assert statuses["published"] >= 12 and statuses["draft"] >= 1 and statuses["withdrawn"] >= 1
        assert set(kinds) == {"story", "presentation-of-learning", "excursion-synthesis"}
        assert len(archive.catalogue.list_excursions(convening="tucson-2023")) >= 4
        assert "learn-at" in {p["slug"] for p in archive.catalogue.list_places("trust")}
        public = archive.reading.list_artifacts(ANONYMOUS, limit=100)["items"]
        assert all(
            item["status"] == "published" and item["visibility"] == "public" for item in public
        )
        queue_or_drafts = archive.reading.list_artifacts(EDITOR, status="draft", limit=100)["items"]
        assert len(queue_or_drafts) == statuses["draft"]


def test_every_demo_synthesis_links_its_excursion_and_presentations() -> None:
    data = demo_data()
    keys = {a["key"]: a for a in data["artifacts"]}
    syntheses = [a for a in data["artifacts"] if a["kind"] == "excursion-synthesis"]
    assert len(syntheses) >= 4
    for synthesis in syntheses:
        assert synthesis["excursion"]
        assert all(
            keys[k]["kind"] == "presentation-of-learning" for k in synthesis["presentations"]
        )


def test_the_demo_has_spanish_versions_and_a_work_written_first_in_spanish() -> None:
    data = demo_data()
    keys = {a["key"]: a for a in data["artifacts"]}
    spanish = [a for a in data["artifacts"] if a["language"] == "es"]
    assert len(spanish) >= 5
    versions = [a for a in data["artifacts"] if a.get("translation_of")]
    for version in versions:
        original = keys[version["translation_of"]["key"]]
        assert version["translation_of"]["translator"]
        assert version["language"] != original["language"]
        assert version["kind"] == original["kind"] and version["place"] == original["place"]
    translated = {v["translation_of"]["key"] for v in versions if v["language"] == "es"}
    assert {"syn-mesquite-ridge-language-learners", "syn-southside-families"} <= translated
    assert len(translated) >= 4
    written_in_spanish = [
        a
        for a in spanish
        if not a.get("translation_of")
        and a["key"] in {v["translation_of"]["key"] for v in versions}
    ]
    assert written_in_spanish, "an artifact written first in Spanish, with its English version"


def test_the_spanish_versions_load_as_published_spanish_artifacts(tmp_path: Path) -> None:
    with build(Settings(data_dir=tmp_path)) as container:
        archive: Archive = container.archive
        counts = load_demo(archive)
        assert counts["artifacts"] == len(demo_data()["artifacts"])
        public = archive.reading.list_artifacts(ANONYMOUS, limit=100)["items"]
        titles = {item["title"]: item for item in public}
        for title in (
            "Síntesis: mostrar lo que sabes en dos idiomas en Mesquite Ridge",
            "Lo que en mi casa contamos como progreso",
            "Cuando Isabel dirigió la conferencia",
        ):
            assert title in titles
        story = archive.reading.get_artifact(
            ANONYMOUS, UUID(str(titles["Lo que en mi casa contamos como progreso"]["id"]))
        )
        assert story["language"] == "es" and story["status"] == "published"
