"""A rebuild shows persons by their credited names, also when worker processes build the
documents (each opens the site's vault), and never the name of an erased person."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from domain.application import Archive
from domain.vault_port import InMemoryVault
from infra.bootstrap import Container
from infra.coordination import FileCoordination
from infra.search.sqlite_fts import SqliteFtsIndex
from services.indexer.rebuild import rebuild
from services.indexer.rebuild_workers import shareable_env, vault_spec
from tests.conftest import EDITOR, PARTNER
from tests.integration.test_indexer import assert_same_documents

REMOVED = "a person who asked to be removed"


def listed(archive: Archive, story: dict[str, Any], name: str, credit: str) -> UUID:
    """A person who consents to anything, and a published story that names them."""
    person = UUID(archive.people.record(PARTNER, {"name": name, "credit": credit}).id)
    consent = {"given_by": "person", "method": "verbal", "evidence": {"witness": "Staff"}}
    archive.people.give(PARTNER, {"person_id": person, "scope": "adaptable", **consent})
    persons = [{"person_id": str(person), "role": "named"}]
    created = archive.artifacts.create(PARTNER, "story", {**story, "persons": persons})
    archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
    return person


def names(index: SqliteFtsIndex) -> set[str]:
    return {
        person["name"]
        for doc_id in index.all_ids()
        for person in (index.document(doc_id) or {}).get("persons") or []
    }


def test_worker_processes_credit_persons_as_the_process_itself_does(
    container: Container, ready_story: dict[str, Any], tmp_path: Path
) -> None:
    archive = container.archive
    for n, credit in enumerate(["full-name", "initials", "anonymous", "full-name"]):
        listed(archive, ready_story, f"Wenceslas Number{n} Oyelaran", credit)
    erased = listed(archive, ready_story, "Philippa Drummond-Achebe", "full-name")
    archive.people.erase(PARTNER, erased)
    assert shareable_env(archive) is not None  # the vault is a file the workers can open

    alone = SqliteFtsIndex(tmp_path / "alone")
    rebuild(archive, alone, FileCoordination(tmp_path / "alone"), workers=0, page=2)
    piped = SqliteFtsIndex(tmp_path / "piped")
    report = rebuild(archive, piped, FileCoordination(tmp_path / "piped"), workers=2, page=2)
    assert report.workers == 2
    assert_same_documents(alone, piped)
    assert names(piped) == {
        "Wenceslas Number0 Oyelaran",
        "W. N. O.",
        "a contributor who asked not to be named",
        "Wenceslas Number3 Oyelaran",
        REMOVED,
    }
    alone.close()
    piped.close()


def test_a_vault_in_memory_keeps_the_rebuild_in_one_process(container: Container) -> None:
    assert vault_spec(container.vault) is not None
    in_memory = Archive(env=dict(container.archive.env), vault=InMemoryVault())
    assert vault_spec(in_memory.people.vault) is None
    assert shareable_env(in_memory) is None
