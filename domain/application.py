"""The Archive application: Commonplace's one eventsourcing ``Application``.

The Archive holds the event store and hands a narrow ``Store`` port of it to each
group of commands and queries, kept in small modules by concern:

- ``archive.artifacts``: create, revise, submit, publish, withdraw (``artifact_commands``);
- ``archive.reading``: one artifact, its history, diffs, the filtered list
  (``artifact_queries``, the list served from ``summaries``);
- ``archive.catalogue``: frameworks, places, convenings, excursions (``catalogue_service``);
- ``archive.media``: uploads and the media attached to artifacts (``media_commands``);
- ``archive.adaptations``: adaptations and reports of them (``adaptation_commands``);
- ``archive.tokens``: access tokens (``tokens``);
- ``archive.people``: persons and their consents, sealed by the vault (``people_commands``);
- ``archive.review``: returning a draft with comments and answering them (``review_commands``);
- ``archive.responses``: members' responses to published artifacts (``response_commands``);
- ``archive.collections``: curated collections of published work (``collection_commands``).

The rules of an artifact's lifecycle are the ``Artifact`` aggregate's own; the
commands check who may act, load, call the aggregate and save.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate

from domain.adaptation_commands import AdaptationCommands
from domain.artifact import Artifact
from domain.artifact_commands import ArtifactCommands
from domain.artifact_persons import ArtifactPersons
from domain.artifact_queries import ArtifactQueries
from domain.catalogue import event_topic
from domain.catalogue_service import Catalogue
from domain.collection_commands import CollectionCommands
from domain.content import ContentChecker
from domain.media_commands import MediaCommands
from domain.people_commands import People
from domain.response_commands import ResponseCommands
from domain.results import CommandResult, now
from domain.review_commands import ReviewCommands
from domain.store import ApplicationStore
from domain.tokens import Tokens
from domain.translation_commands import TranslationCommands
from domain.vault_port import InMemoryVault, PersonalDataVault

__all__ = ["ARTIFACT_CREATED", "Archive", "CommandResult", "now"]

A = TypeVar("A", bound=Aggregate)
ARTIFACT_CREATED = event_topic(Artifact, "Created")


class Archive(Application[UUID]):
    """Commonplace's event-sourced application."""

    name = "Archive"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[Any]], int]] = {
        Artifact: 50
    }

    def __init__(
        self, env: dict[str, str] | None = None, vault: PersonalDataVault | None = None
    ) -> None:
        super().__init__(env)
        self.store = ApplicationStore(self)
        self.catalogue = Catalogue(self.store)
        self.store.after_save.append(self.catalogue.saved)
        self.content = ContentChecker(self.store, self.catalogue.records)
        vault = vault or InMemoryVault()  # the fake vault in memory
        persons = ArtifactPersons(self.store, vault)
        self.artifacts = ArtifactCommands(self.store, self.content, persons)
        self.translations = TranslationCommands(self.store, self.artifacts)
        self.reading = ArtifactQueries(self.store, persons, self.translations)
        self.media = MediaCommands(self.store, self.artifacts)
        self.adaptations = AdaptationCommands(self.store, self.artifacts)
        self.tokens = Tokens(self.store)
        self.review = ReviewCommands(self.store)
        self.responses = ResponseCommands(self.store)
        self.people = People(self.store, vault)
        self.collections = CollectionCommands(self.store)

    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        """The aggregate of class ``cls`` (at ``version``), or NotFound."""
        return self.store.load(cls, aggregate_id, version=version)

    def ids_of(self, topic: str, page: int = 500) -> Iterator[tuple[int, UUID]]:
        """(position, id) of each stored event with this topic, in log order."""
        return self.store.ids_of(topic, page)

    @property
    def head(self) -> int:
        """The position of the last event in the log (0 when it is empty)."""
        return self.store.head
