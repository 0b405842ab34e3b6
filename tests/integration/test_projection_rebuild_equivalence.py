"""The live views after any sequence of events equal a rebuild from the log.

Hypothesis generates command sequences (artifacts created, revised, submitted,
published with a visibility, withdrawn; places registered, renamed, moved and
given coordinates; framework terms relabelled and given broader terms; a
convening retitled; persons recorded with a credit, listed on artifacts, given
another credit and erased; published artifacts narrowed to members only or to
less syndication) with the live indexer catching up at random points, in small
batches, and sometimes starting afresh as after a restart. Then the search index is rebuilt from the
log into a new index generation and the publications read model is projected
again into a fresh database in one batch; documents, search answers with their
facets, records, sets and the change feed must be the same.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import Tracking
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.access import SYSTEM
from domain.errors import DomainError
from domain.ports.search import SearchQuery
from infra.bootstrap import Container, build, seed_frameworks
from infra.readmodel.publications import build_publications
from infra.settings import Settings
from services.indexer.catalogue import CatalogueProjection
from services.indexer.labels import Labeller
from services.indexer.projection import fold_catalogue
from services.indexer.publications import PublicationsProjection
from services.indexer.rebuild import rebuild
from services.indexer.runner import Indexer
from tests.conftest import EDITOR, PARTNER, READY_STORY, seed_places

PLACES = ["us", "arizona", "tucson", "sunnyside", "desert-view", "england", "new-0", "new-1"]
TERMS = ["conditions:culture", "conditions:voice", "conditions:time", "principles:see-the-system"]
EDITABLE = ["culture", "voice", "time"]
PRINCIPLE = "principles:lead-with-learning"  # every publication needs one
CREDITS = ["full-name", "initials", "anonymous"]

place = st.sampled_from(PLACES)
artifact = st.integers(0, 3)
commands = st.one_of(
    st.tuples(
        st.just("create"),
        place,
        st.lists(st.sampled_from(TERMS), max_size=2),
        st.sampled_from([None, "tucson-2023"]),
    ),
    st.tuples(st.just("retitle"), st.sampled_from(["Gathering", "Meeting"])),
    st.tuples(st.just("revise"), artifact, place, st.lists(st.sampled_from(TERMS), max_size=2)),
    st.tuples(st.just("publish"), artifact, st.sampled_from(["public", "members"])),
    st.tuples(st.just("withdraw"), artifact),
    st.tuples(st.just("submit"), artifact),
    st.tuples(st.just("register"), st.sampled_from(["new-0", "new-1"]), st.sampled_from(PLACES)),
    st.tuples(st.just("rename"), place, st.sampled_from(["Aster", "Birch", "Cedar"])),
    st.tuples(st.just("move"), place, st.sampled_from([*PLACES, None])),
    st.tuples(st.just("locate"), place, st.sampled_from([None, (10.0, 20.0), (-33.9, 151.2)])),
    st.tuples(
        st.just("term"),
        st.sampled_from(EDITABLE),
        st.sampled_from(["Alpha", "Beta"]),
        st.sampled_from([None, *EDITABLE]),
    ),
    st.tuples(st.just("person"), st.sampled_from(CREDITS)),
    st.tuples(
        st.just("list"), artifact, st.integers(0, 2), st.sampled_from(["named", "presenter"])
    ),
    st.tuples(st.just("credit"), st.integers(0, 2), st.sampled_from(CREDITS)),
    st.tuples(st.just("erase"), st.integers(0, 2)),
    st.tuples(
        st.just("narrow"),
        artifact,
        st.sampled_from(["public", "members"]),
        st.sampled_from(["none", "shared"]),
    ),
    st.tuples(st.just("translate"), artifact, st.sampled_from(["es", "fr"])),
    st.tuples(st.just("index")),
    st.tuples(st.just("restart")),
)


@dataclass
class World:
    container: Container
    artifacts: list[UUID] = field(default_factory=list)
    persons: list[UUID] = field(default_factory=list)
    indexer: Indexer | None = None

    def fresh_indexer(self) -> Indexer:
        if self.indexer is not None:
            self.indexer.close()
        c = self.container
        self.indexer = Indexer(
            c.archive, c.search, c.coordination, publications=c.publications, batch_size=3
        )
        return self.indexer

    def version(self, artifact_id: UUID) -> int:
        return int(self.container.archive.repository.get(artifact_id).version)


def run(world: World, command: tuple[Any, ...]) -> None:
    archive, name = world.container.archive, command[0]
    if name == "index":
        (world.indexer or world.fresh_indexer()).catch_up()
    elif name == "restart":
        world.fresh_indexer().catch_up()
    elif name == "create":
        content = {**READY_STORY, "place": command[1], "terms": [PRINCIPLE, *command[2]]}
        content["convening"] = command[3]
        world.artifacts.append(UUID(archive.artifacts.create(PARTNER, "story", content).id))
    elif name in ("revise", "submit", "publish", "withdraw"):
        if command[1] < len(world.artifacts):
            artifact_command(world, command)
    elif name == "register":
        archive.catalogue.register_place(
            SYSTEM, {"slug": command[1], "name": command[1], "kind": "city", "parent": command[2]}
        )
    elif name == "rename":
        archive.catalogue.update_place(SYSTEM, command[1], {"name": command[2]})
    elif name == "move":
        archive.catalogue.update_place(SYSTEM, command[1], {"parent": command[2]})
    elif name == "locate":
        lat, lon = command[2] or (None, None)
        archive.catalogue.update_place(SYSTEM, command[1], {"lat": lat, "lon": lon})
    elif name == "retitle":
        archive.catalogue.update_convening(SYSTEM, "tucson-2023", {"title": command[1]})
    elif name == "term":
        edit_term(world, *command[1:])
    elif name == "translate" and command[1] < len(world.artifacts):
        made = archive.translations.translate(PARTNER, world.artifacts[command[1]], command[2])
        world.artifacts.append(UUID(made.id))
    elif name != "translate":
        person_command(world, command)


def person_command(world: World, command: tuple[Any, ...]) -> None:
    """Persons: recorded (with consent to be adapted anywhere), listed, credited, erased;
    and artifacts narrowed as the consent enforcement narrows them."""
    archive, name = world.container.archive, command[0]
    if name == "person":
        number = len(world.persons)
        details = {"name": f"Person Number{number} Quill", "credit": command[1]}
        person_id = UUID(archive.people.record(PARTNER, details).id)
        scope = {"given_by": "person", "method": "verbal", "evidence": {"witness": "Staff"}}
        archive.people.give(PARTNER, {"person_id": person_id, "scope": "adaptable", **scope})
        world.persons.append(person_id)
    elif name == "list" and command[1] < len(world.artifacts) and command[2] < len(world.persons):
        artifact_id = world.artifacts[command[1]]
        persons = [{"person_id": str(world.persons[command[2]]), "role": command[3]}]
        changes = {"persons": persons}
        archive.artifacts.revise(PARTNER, artifact_id, world.version(artifact_id), changes)
    elif name in ("credit", "erase") and command[1] < len(world.persons):
        person_id = world.persons[command[1]]
        if name == "erase":
            archive.people.erase(PARTNER, person_id)
        else:
            version = int(archive.repository.get(person_id).version)
            archive.people.revise(PARTNER, person_id, {"credit": command[2]}, version)
    elif name == "narrow" and command[1] < len(world.artifacts):
        artifact: Any = archive.repository.get(world.artifacts[command[1]])
        artifact.narrow(command[2], command[3], "generated", "system", datetime.now(UTC))
        archive.save(artifact)


def artifact_command(world: World, command: tuple[Any, ...]) -> None:
    archive = world.container.archive
    artifact_id = world.artifacts[command[1]]
    if command[0] == "revise":
        changes = {"place": command[2], "terms": [PRINCIPLE, *command[3]]}
        archive.artifacts.revise(PARTNER, artifact_id, world.version(artifact_id), changes)
    elif command[0] == "submit":
        archive.artifacts.submit(PARTNER, artifact_id, world.version(artifact_id))
    elif command[0] == "publish":
        version = world.version(artifact_id)
        archive.artifacts.publish(EDITOR, artifact_id, version, visibility=command[2])
    else:
        archive.artifacts.withdraw(EDITOR, artifact_id, "generated", world.version(artifact_id))


def edit_term(world: World, term: str, label: str, parent: str | None) -> None:
    archive = world.container.archive
    framework = archive.catalogue.get_framework("conditions")
    terms = [
        {**t, "label": label, "parent": parent if parent != term else None}
        if t["id"] == term
        else t
        for t in framework["terms"]
    ]
    archive.catalogue.define_framework(SYSTEM, {**framework, "id": "conditions", "terms": terms})


def search_answers(container: Container) -> list[Any]:
    queries = [SearchQuery(include_members=True, per_page=50), SearchQuery(per_page=50)]
    queries += [SearchQuery(places=(slug,), include_members=True) for slug in PLACES]
    queries += [SearchQuery(terms=(term,), include_members=True) for term in TERMS]
    queries += [SearchQuery(q=word, include_members=True) for word in ("Aster", "Cedar", "Tucson")]
    answers = []
    for query in queries:
        result = container.search.search(query)
        answers.append((result.total, sorted(hit.id for hit in result.hits), result.facets))
    return answers


def search_state(container: Container) -> tuple[dict[str, Any], list[Any]]:
    documents = {doc_id: container.search.document(doc_id) for doc_id in container.search.all_ids()}
    return documents, search_answers(container)


def publications_state(view: Any) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    rows = view.listing(limit=1000, records=True)
    versions = [view.versions(row.artifact_id) for row in rows]  # the language versions
    return rows, view.changes(0, 1000), view.setspecs(), versions


def projected_again(container: Container, elsewhere: dict[str, str]) -> Any:
    """The publications read model projected from the whole log into a fresh database
    (``elsewhere``: the settings that put it there)."""
    archive = container.archive
    env = {str(k): str(v) for k, v in archive.env.items()}
    view: Any = build_publications({**env, **elsewhere})
    batch = archive.recorder.select_notifications(1, 100_000)
    if batch:
        events = PublicationsProjection(archive).events(batch)
        view.apply(events, Tracking(archive.name, batch[-1].id))
    return view


@contextlib.contextmanager
def stores(directory: Path, postgres_url: str | None) -> Iterator[tuple[Settings, dict[str, str]]]:
    """A fresh event store (SQLite, or a PostgreSQL schema), and where to project again."""
    settings = Settings(data_dir=directory / "data", load_demo=False)
    if postgres_url is None:
        yield settings, {"SQLITE_DBNAME": str(directory / "again.sqlite3")}
        return
    schemas = [f"cp_equal_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"CREATE SCHEMA {schema}")
    try:
        update = {"database_url": postgres_url, "database_schema": schemas[0]}
        yield settings.model_copy(update=update), {"POSTGRES_SCHEMA": schemas[1]}
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")


def check(sequence: list[tuple[Any, ...]], postgres_url: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as scratch, stores(Path(scratch), postgres_url) as found:
        settings, elsewhere = found
        with build(settings) as container:
            seed_frameworks(container.archive)
            seed_places(container.archive)
            world = World(container)
            for command in sequence:
                # A refused command (a cycle, nothing to publish, …) changes nothing.
                with contextlib.suppress(DomainError):
                    run(world, command)
            indexer = world.indexer or world.fresh_indexer()
            indexer.catch_up()
            indexer.close()
            live_search = search_state(container)
            live_publications = publications_state(container.publications)

            rebuild(container.archive, container.search, container.coordination, workers=0)
            again = projected_again(container, elsewhere)
            try:
                assert search_state(container) == live_search
                assert publications_state(again) == live_publications
            finally:
                again.datastore.close()
            assert_labelled_as_the_catalogue_ends(container, live_publications[0])


def assert_labelled_as_the_catalogue_ends(container: Container, rows: list[Any]) -> None:
    """Every public record shows the catalogue as the last catalogue event left it."""
    final = CatalogueProjection()
    fold_catalogue(container.archive, final, container.archive.head)
    labeller = Labeller(final.state)
    for row in rows:
        if row.status == "public":
            record, sets, _ = labeller.derive(row.kind, row.record)
            assert (row.record, row.sets) == (record, sets)


# A person listed, credited anew and erased, and the artifact narrowed, with the live
# indexer between each: always tried, whatever else is generated.
PERSONS_EXAMPLE: list[tuple[Any, ...]] = [
    ("create", "tucson", [], None),
    ("person", "full-name"),
    ("list", 0, 0, "named"),
    ("publish", 0, "public"),
    ("index",),
    ("credit", 0, "initials"),
    ("index",),
    ("narrow", 0, "public", "shared"),
    ("erase", 0),
    ("index",),
    ("narrow", 0, "members", "none"),
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=14))
@example(PERSONS_EXAMPLE)
def test_the_live_views_equal_a_rebuild(sequence: list[tuple[Any, ...]]) -> None:
    check(sequence)


@pytest.mark.postgres
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=14))
@example(PERSONS_EXAMPLE)
def test_the_live_views_equal_a_rebuild_on_postgresql(
    postgres_url: str, sequence: list[tuple[Any, ...]]
) -> None:
    check(sequence, postgres_url)


def test_a_sequence_with_every_catalogue_change_is_equal_too() -> None:
    """One fixed sequence that touches everything, so the comparison is seen to bite."""
    check(
        [
            ("create", "desert-view", ["conditions:culture"], "tucson-2023"),
            ("publish", 0, "public"),
            ("create", "england", ["conditions:voice"], None),
            ("publish", 1, "members"),
            ("index",),
            ("rename", "tucson", "Aster"),
            ("retitle", "Gathering"),
            ("move", "sunnyside", "england"),
            ("locate", "desert-view", (10.0, 20.0)),
            ("term", "culture", "Alpha", "voice"),
            ("index",),
            ("register", "new-0", "england"),
            ("revise", 1, "new-0", ["conditions:culture"]),
            ("publish", 1, "public"),
            ("rename", "new-0", "Cedar"),
            ("withdraw", 0),
        ]
    )


TRANSLATIONS_EXAMPLE: list[tuple[Any, ...]] = [
    ("create", "desert-view", [], None),
    ("publish", 0, "public"),
    ("translate", 0, "es"),
    ("index",),
    ("publish", 1, "public"),
    ("translate", 1, "fr"),
    ("publish", 2, "members"),
    ("index",),
    ("create", "england", [], None),
    ("publish", 3, "public"),
    ("translate", 3, "es"),
    ("publish", 4, "public"),
    ("index",),
    ("withdraw", 4),
]


def test_a_sequence_with_language_versions_is_equal_too() -> None:
    """Translations linked, published for everyone or for members, and withdrawn."""
    check(TRANSLATIONS_EXAMPLE)


@pytest.mark.postgres
def test_a_sequence_with_language_versions_is_equal_on_postgresql(postgres_url: str) -> None:
    check(TRANSLATIONS_EXAMPLE, postgres_url)
