"""The demo archive loads completely, once, and reads like a real archive."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

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
