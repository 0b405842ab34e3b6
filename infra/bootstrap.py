"""The one wiring point: builds the application and its adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access import SYSTEM
from domain.application import Archive
from domain.vocabularies import seeded_frameworks
from infra.markdown import MarkdownRenderer
from infra.settings import Settings


@dataclass
class Container:
    settings: Settings
    archive: Archive
    renderer: MarkdownRenderer

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build(settings: Settings | None = None) -> Container:
    settings = settings or Settings()
    archive = Archive(env=settings.eventsourcing_env())
    return Container(settings=settings, archive=archive, renderer=MarkdownRenderer())


def seed_frameworks(archive: Archive) -> int:
    """Define the seeded frameworks that are missing or changed; returns how many changed."""
    changed = 0
    for data in seeded_frameworks():
        if archive.define_framework(SYSTEM, data).position is not None:
            changed += 1
    return changed


def prepare(container: Container) -> None:
    """First start: seed the vocabularies, and the demo archive into an empty store."""
    from infra.demo import load_demo

    archive = container.archive
    if container.settings.load_demo and archive.head == 0:
        load_demo(archive)
    else:
        seed_frameworks(archive)
