"""This site's use cases over the in-memory archive, with other sites behind the fakes of
the fetcher, the public records and the clock (for the unit tests of ``domain/app``'s
adaptations and notices)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from domain.app.adaptations import AdaptationService
from domain.application import Archive
from infra.bootstrap import seed_frameworks
from infra.site_keys import load_site_keys
from tests.conftest import EDITOR, OTHER_PARTNER, PARTNER, READY_STORY, seed_places
from tests.fakes import FakeClock, MemoryFetcher, MemoryPublicRecords

HERE = "https://here.example"
THERE = "https://there.example"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
REMOTE = f"{THERE}/api/v1/artifacts/{uuid4()}"


def work(url: str, **fields: Any) -> dict[str, Any]:
    return {
        "@type": ["CreativeWork"],
        "@id": url,
        "url": url.replace("/api/v1", ""),
        "name": "A remote story",
        "text": "Once.",
        "inLanguage": "en",
        "license": CC_BY,
        "version": 3,
        "author": [{"name": "Someone"}],
        "educationalAlignment": [
            {"targetUrl": f"{THERE}/api/v1/browse/terms/principles/lead-with-learning"}
        ],
        **fields,
    }


class Sites:
    """This site's archive and records, and other sites behind the fake fetcher."""

    def __init__(self, tmp_path: Path) -> None:
        self.archive = Archive(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        seed_frameworks(self.archive)
        seed_places(self.archive)
        self.records = MemoryPublicRecords(HERE)
        self.records.add_place("england", "England", "region")
        self.fetcher = MemoryFetcher()
        self.clock = FakeClock()
        self.service = AdaptationService(
            self.archive, self.records, self.fetcher, self.clock, load_site_keys(tmp_path)
        )

    def published(self, **content: Any) -> UUID:
        created = self.archive.artifacts.create(PARTNER, "story", {**READY_STORY, **content})
        self.archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
        artifact_id = UUID(created.id)
        self.records.publish(artifact_id, {**READY_STORY, **content})
        return artifact_id

    def adaptation_of_remote(self) -> UUID:
        """An adaptation of ``REMOTE``, published publicly here."""
        self.fetcher.documents[REMOTE] = work(REMOTE)
        draft = self.service.adapt(OTHER_PARTNER, {"url": REMOTE}, "england")
        artifact_id = UUID(draft.id)
        noted = self.archive.artifacts.revise(
            OTHER_PARTNER, artifact_id, draft.version, {"adaptation_note": "Retold for England"}
        )
        self.archive.artifacts.publish(EDITOR, artifact_id, noted.version)
        self.records.publish(artifact_id, {"title": "A remote story", "licence": CC_BY})
        return artifact_id
