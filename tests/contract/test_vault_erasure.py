"""Erasure by destroying a key: after it, the person's name is in none of the raw stores.

Persons are saved through an eventsourcing Application on a real event store
(a SQLite file, or a PostgreSQL schema), with each vault adapter beside it.
The raw bytes of the event store and of the vault are then searched for the
name. A canary written in clear proves the search would have found it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.credit import credited_name
from domain.people import REMOVED, Person, PersonDetails, record_person, unseal
from domain.vault_port import ERASED, PersonalDataVault
from infra.settings import Settings
from tests.contract.test_vault_harness import (  # noqa: F401 -- fixtures
    memory_harness,
    postgres_harness,
    postgres_raw,
    sqlite_harness,
    vault_database_fixture,
    vault_pg_fixture,
)

NAME = "Ana María López"
NEW_NAME = "Ana María López Ruiz"
CONTACT = "Rosa López, +1 520 555 0142"
CANARY = "canary written in clear 7f3a"


class Canary(Aggregate):
    @event("Noted")
    def __init__(self, text: str) -> None:
        self.text = text


@dataclass
class Stores:
    vault: PersonalDataVault
    app: Application[UUID]
    raw: Callable[[], bytes]  # the event store's bytes and the vault's


def _files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    settings = Settings(data_dir=tmp_path / "data", load_demo=False)
    if request.param == "postgres":
        url, schema = request.getfixturevalue("vault_pg")
        settings = settings.model_copy(update={"database_url": url, "database_schema": schema})
        harness = postgres_harness(url, schema)
        raw = lambda: postgres_raw(url, schema)  # noqa: E731 -- events and vault share the schema
    else:
        harness = (
            memory_harness()
            if request.param == "memory"
            else sqlite_harness(settings.data_dir / "vault.sqlite3")
        )
        raw = lambda: _files(settings.data_dir) + harness.raw()  # noqa: E731
    app: Application[UUID] = Application(env=settings.eventsourcing_env())
    yield Stores(harness.vault, app, raw)
    app.close()


def forms_of(text: str) -> list[bytes]:
    """The ways a text can sit in raw bytes: UTF-8, JSON-escaped ASCII, hexadecimal."""
    utf8 = text.encode()
    return [utf8, json.dumps(text).strip('"').encode(), utf8.hex().encode()]


def found(raw: bytes, text: str) -> bool:
    return any(form in raw for form in forms_of(text))


def _recorded(stores: Stores) -> Person:
    details = PersonDetails(NAME, given_name="Ana María", guardian_contact=CONTACT)
    person = record_person(
        stores.vault,
        uuid4(),
        details,
        credit="full-name",
        by="partner-1",
        minor_until=date(2031, 5, 1),
    )
    person.revise(stores.vault, PersonDetails(NEW_NAME, guardian_contact=CONTACT), by="partner-1")
    stores.app.save(person)
    stores.app.save(Canary(CANARY))
    return person


def test_the_name_never_enters_the_event_store_in_clear(stores: Stores) -> None:
    person = _recorded(stores)
    raw = stores.raw()
    assert found(raw, CANARY)
    assert not found(raw, NAME) and not found(raw, CONTACT)
    loaded: Person = stores.app.repository.get(person.id)
    assert credited_name(stores.vault, loaded) == NEW_NAME


def test_after_erasure_the_name_is_in_no_raw_store(stores: Stores) -> None:
    person = _recorded(stores)
    person.erase(stores.vault, by="editor-1", at=datetime.now(UTC))
    stores.app.save(person)

    raw = stores.raw()
    assert found(raw, CANARY)
    for text in (NAME, NEW_NAME, "Ana María", CONTACT):
        assert not found(raw, text), text
    first: Person = stores.app.repository.get(person.id, version=1)
    assert first.sealed is not None  # the history keeps its ciphertext ...
    assert unseal(stores.vault, first) is None  # ... which no key opens any more
    loaded: Person = stores.app.repository.get(person.id)
    assert loaded.erased and credited_name(stores.vault, loaded) == REMOVED
    assert stores.vault.decrypt(person.id, b"\x01" + bytes(40)) is ERASED


def test_the_search_finds_a_name_stored_in_clear(stores: Stores) -> None:
    stores.app.save(Canary(NAME))
    assert found(stores.raw(), NAME)
