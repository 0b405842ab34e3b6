"""A row the publications read model derives again for an erased person leaves no earlier
version of itself in the database's files (SQLite file and write-ahead log; PostgreSQL
table files, the server's own write-ahead log aside)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import Tracking

from infra.readmodel.publications import PublicationEvent, Relabel, build_publications
from infra.settings import Settings

NAME = "Teodolinda Marchetti-Okafor"
REMOVED = "a person who asked to be removed"
ARTIFACT = "5f0c2a4e-8d1b-4c4e-9a53-0b7d2f6c9e11"
REF = "person:0b7d2f6c-9e11-4c4e-9a53-5f0c2a4e8d1b"


def stored(settings: Settings) -> bytes | None:
    """The bytes the view keeps: the data directory's files, or the table's on the server."""
    if not settings.database_url:
        return b"".join(p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file())
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        found = conn.execute(
            "SELECT current_setting('data_directory'), pg_relation_filepath(%s::regclass)",
            (f'"{settings.database_schema}".cp_publications',),
        ).fetchone()
    assert found is not None
    relation = Path(found[0]) / found[1]
    if not os.access(relation.parent, os.R_OK):
        return None
    return b"".join(p.read_bytes() for p in relation.parent.glob(relation.name + "*"))


def removed(kind: str, record: dict[str, Any]) -> Any:
    return {**record, "persons": [{"name": REMOVED, "role": "named"}]}, (), (REF,)


@pytest.mark.parametrize("purge", [True, False])
def test_an_erasure_rewrites_the_rows_without_leaving_the_old_ones(
    settings: Settings, purge: bool
) -> None:
    view: Any = build_publications(settings.eventsourcing_env())
    record = {"kind": "story", "content": {}, "persons": [{"name": NAME, "role": "named"}]}
    published = PublicationEvent(
        1, ARTIFACT, 0.0, True, "story", 1, "A walk", (), record=record, refs=(REF,)
    )
    view.apply([published], Tracking("purge", 1))
    before = stored(settings)
    if before is None:
        pytest.skip("The database server's files are not readable by this user.")
    assert NAME.encode() in before  # what is looked for can be found

    view.apply([Relabel(2, (REF,), removed, purge=purge)], Tracking("purge", 2))
    assert view.get(ARTIFACT).record["persons"][0]["name"] == REMOVED
    after = stored(settings)
    assert after is not None and ARTIFACT.encode() in after
    # Only the purge that comes with an erasure promises no earlier copy in the files.
    assert (NAME.encode() in after) is not purge
    view.datastore.close()
