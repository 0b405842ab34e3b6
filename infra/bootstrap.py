"""The one wiring point: builds the application and its adapters from settings.

Everything concrete is chosen here and injected through the ports in
``domain/ports``: the search index, the media store and inspector, the guarded
fetcher, the clock, the public records, the outbox. Routes reach what this
builds through the dependencies in ``services/api/deps.py``; the indexer
process through ``build_indexer``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.utils import Environment

from domain.access import SYSTEM
from domain.app.adaptations import AdaptationService
from domain.app.media import MediaService
from domain.app.records import Records
from domain.app.search import SearchService
from domain.application import Archive
from domain.outbox import Outbox
from domain.ports.clock import Clock
from domain.ports.media import MediaStore
from domain.ports.publications import PublicationRows
from domain.ports.search import SearchIndex
from domain.vault_port import PersonalDataVault
from domain.vocabularies import seeded_frameworks
from infra.clock import SystemClock
from infra.coordination import Coordination, FileCoordination, PostgresCoordination
from infra.fetch import GuardedFetcher
from infra.markdown import MarkdownRenderer
from infra.media.inspector import IsolatedInspector
from infra.outbox import build_outbox
from infra.readmodel.collections import CollectionsView, collections_beside
from infra.readmodel.inbox import Inbox, build_inbox
from infra.readmodel.publications import Publications, build_publications
from infra.settings import Settings
from infra.site_keys import load_site_keys
from infra.syndication.collection_sets import CollectionSets
from infra.syndication.oai import PAGE_SIZE, OAIRepository, load_secret
from infra.syndication.records import RecordFormat
from infra.vault import build_vault

if TYPE_CHECKING:
    from services.indexer.runner import Indexer


@dataclass
class Container:
    settings: Settings
    archive: Archive
    renderer: MarkdownRenderer
    search: SearchIndex
    coordination: Coordination
    queries: SearchService
    media: MediaService
    publications: Publications
    records: Records
    adaptations: AdaptationService
    outbox: Outbox
    clock: Clock
    inbox: Inbox
    vault: PersonalDataVault  # the per-person keys, outside the event store

    @cached_property
    def oai(self) -> OAIRepository:
        """The OAI-PMH repository, built on first use (it may create the signing secret)."""
        return build_oai_repository(self)

    @cached_property
    def collections(self) -> CollectionsView:
        """The collections read model, in the event store's database (on its connections)."""
        return collections_beside(getattr(self.archive.recorder, "datastore"))  # noqa: B009

    def close(self) -> None:
        self.publications.datastore.close()
        self.outbox.close()
        self.inbox.close()
        self.search.close()
        self.coordination.close()
        self.archive.close()
        self.vault.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def build(settings: Settings | None = None) -> Container:
    settings = settings or Settings()
    vault = build_vault(settings)
    archive = Archive(env=settings.eventsourcing_env(), vault=vault)
    search = build_search(settings)
    renderer = MarkdownRenderer()
    publications = build_publications_view(settings)
    records = build_records(archive, settings.base_url, renderer, publications)
    coordination = build_coordination(settings)
    clock = SystemClock()
    return Container(
        settings=settings,
        archive=archive,
        renderer=renderer,
        search=search,
        coordination=coordination,
        queries=SearchService(archive, search, coordination, clock),
        media=MediaService(
            archive,
            build_media_store(settings),
            IsolatedInspector(settings.image_pixel_budget, settings.image_decode_memory),
            settings.media_limits,
            settings.media_part_size,
        ),
        publications=publications,
        records=records,
        adaptations=AdaptationService(
            archive, records, build_fetcher(settings), clock, load_site_keys(settings.data_dir)
        ),
        outbox=build_outbox(settings.eventsourcing_env()),
        clock=clock,
        inbox=build_inbox(settings.eventsourcing_env()),
        vault=vault,
    )


def build_publications_view(settings: Settings) -> Publications:
    publications = build_publications(settings.eventsourcing_env())
    if not isinstance(publications, Publications):
        msg = f"Unexpected publications read model {type(publications).__name__}"
        raise TypeError(msg)
    return publications


def build_records(
    archive: Archive,
    base_url: str,
    renderer: MarkdownRenderer | None = None,
    publications: PublicationRows | None = None,
) -> Records:
    """The public records: which to serve (the application's use case), made by the
    syndication record format at ``base_url``, over the publications read model."""
    return Records(archive, RecordFormat(base_url, renderer, publications), publications)


def build_fetcher(settings: Settings) -> GuardedFetcher:
    return GuardedFetcher(
        settings.fetch_allow_networks,
        timeout=settings.fetch_timeout_seconds,
        deadline=settings.fetch_deadline_seconds,
        max_bytes=settings.fetch_max_bytes,
        max_concurrent=settings.fetch_max_concurrent,
    )


def build_oai_repository(container: Container, page_size: int = PAGE_SIZE) -> OAIRepository:
    """The OAI-PMH repository over a container (tokens signed with the site's OAI secret:
    the configured one, else ``oai-secret`` in the data directory, made on first use)."""
    settings = container.settings
    configured = settings.oai_secret
    secret = configured.encode() if configured else load_secret(settings.data_dir)
    return OAIRepository(
        catalogue=container.archive.catalogue,
        publications=CollectionSets(
            container.publications, container.collections, container.archive.collections
        ),
        records=container.records,
        base_url=settings.base_url,
        secret=secret,
        page_size=page_size,
        admin_email=settings.oai_admin_email,
        repository_name=settings.site_name,
    )


def build_indexer(container: Container) -> Indexer:
    """The indexer over a container: consent enforcement, search, publications and inbox."""
    from services.indexer.runner import CollectionsFollower, ConsentFollower, Indexer

    consents = ConsentFollower(
        container.archive, container.media.store, container.clock, vault=container.vault
    )

    return Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
        inbox=container.inbox,
        consents=consents,
        collections=CollectionsFollower(container.archive, container.collections),
        poll_interval=container.settings.indexer_poll_seconds,
    )


def build_media_store(settings: Settings) -> MediaStore:
    if settings.media_backend == "s3":
        from infra.media.s3 import S3MediaStore

        return S3MediaStore(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            prefix=settings.s3_prefix,
        )
    from infra.media.local import LocalMediaStore

    return LocalMediaStore(settings.data_dir / "media")


def build_search(settings: Settings) -> SearchIndex:
    if settings.search_backend == "meilisearch":
        from infra.search.meili import MeilisearchIndex

        if not settings.meilisearch_url:
            msg = "COMMONPLACE_MEILISEARCH_URL must be set when the search backend is meilisearch"
            raise ValueError(msg)
        return MeilisearchIndex(
            settings.meilisearch_url,
            settings.meilisearch_key,
            settings.meilisearch_index,
            tracking_recorder(settings),
        )
    from infra.search.sqlite_fts import SqliteFtsIndex

    return SqliteFtsIndex(settings.data_dir / "search")


def tracking_recorder(settings: Settings) -> TrackingRecorder:
    """A tracking recorder in the event store's database, for an external index."""
    env = Environment("SearchIndex", settings.eventsourcing_env())
    return InfrastructureFactory.construct(env).tracking_recorder()


def build_coordination(settings: Settings) -> Coordination:
    if settings.uses_postgres:
        return PostgresCoordination(settings)
    return FileCoordination(settings.data_dir)


def seed_frameworks(archive: Archive) -> int:
    """Define the seeded frameworks that are missing or changed; returns how many changed."""
    changed = 0
    for data in seeded_frameworks():
        if archive.catalogue.define_framework(SYSTEM, data).position is not None:
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
