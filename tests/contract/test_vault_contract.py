"""One contract for every personal-data vault: the in-memory fake, SQLite and PostgreSQL.

Each vault comes with a harness that reads its storage directly (not through
the vault), so the tests can check that a destroyed key is gone from the bytes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.vault_port import (
    ERASED,
    InMemoryVault,
    KeyMissing,
    PersonalDataVault,
    PersonErased,
    SealBroken,
)
from infra.settings import Settings
from infra.vault import PostgresVault, SqliteVault, build_vault

NAME = "Ana María López"
FIELDS = {"name": NAME, "given_name": None, "guardian_contact": "guardian@example.org"}


@dataclass
class Harness:
    vault: PersonalDataVault
    reopen: Callable[[], PersonalDataVault]  # a second vault over the same storage
    stored_key: Callable[[UUID], bytes | None]  # read from storage, not through the vault
    raw: Callable[[], bytes]  # every byte the vault's storage holds


def memory_harness() -> Harness:
    vault = InMemoryVault()
    return Harness(
        vault,
        lambda: vault,
        vault.keys.get,
        lambda: b"".join(vault.keys.values()) + repr(vault.erased).encode(),
    )


def sqlite_harness(path: Path) -> Harness:
    def stored_key(person_id: UUID) -> bytes | None:
        with sqlite3.connect(path) as conn:
            row = conn.execute(
                "SELECT key FROM person_keys WHERE person_id = ?", (str(person_id),)
            ).fetchone()
        return bytes(row[0]) if row else None

    def raw() -> bytes:
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))

    return Harness(SqliteVault(path), lambda: SqliteVault(path), stored_key, raw)


def postgres_harness(url: str, schema: str) -> Harness:
    import psycopg

    vault = PostgresVault(url, schema)

    def stored_key(person_id: UUID) -> bytes | None:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                f"SELECT key FROM {vault.keys_table} WHERE person_id = %s", (person_id,)
            ).fetchone()
        return bytes(row[0]) if row else None

    return Harness(
        vault, lambda: PostgresVault(url, schema), stored_key, lambda: postgres_raw(url, schema)
    )


def postgres_raw(url: str, schema: str) -> bytes:
    """Every row of every table in the schema, and the tables' files when this user can read them.

    A CHECKPOINT first writes the shared buffers out, so the files hold what the rows hold.
    """
    import psycopg

    chunks: list[bytes] = []
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        for table in tables:
            for (text,) in conn.execute(f"SELECT t::text FROM {schema}.{table} t"):
                chunks.append(text.encode())
        try:
            conn.execute("CHECKPOINT")
            data_dir = Path(one(conn, "SHOW data_directory"))
            for table in tables:
                chunks.append(_relation_bytes(conn, data_dir, f"{schema}.{table}"))
        except (psycopg.errors.InsufficientPrivilege, PermissionError):
            pass  # rows only: the server's files are not ours to read
    return b"".join(chunks)


def one(conn: Any, query: str, *params: object) -> Any:
    row = conn.execute(query, params or None).fetchone()
    assert row is not None
    return row[0]


def _relation_bytes(conn: Any, data_dir: Path, table: str) -> bytes:
    query = (
        "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = %s::regclass "
        "OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass)"
    )
    paths = [row[0] for row in conn.execute(query, (table, table)) if row[0]]
    return b"".join(
        part.read_bytes()
        for relative in paths
        for part in sorted(data_dir.glob(relative + "*"))
        if part.is_file()
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "memory":
        yield memory_harness()
    elif request.param == "sqlite":
        yield sqlite_harness(tmp_path / "vault.sqlite3")
    else:
        url = request.getfixturevalue("postgres_url")
        yield postgres_harness(url, request.getfixturevalue("postgres_schema"))


def test_sealed_fields_open_again(harness: Harness) -> None:
    person = uuid4()
    sealed = harness.vault.encrypt(person, FIELDS)
    assert harness.vault.decrypt(person, sealed) == FIELDS
    assert harness.reopen().decrypt(person, sealed) == FIELDS


def test_a_blob_hides_the_fields_and_is_fresh_each_time(harness: Harness) -> None:
    person = uuid4()
    first, second = harness.vault.encrypt(person, FIELDS), harness.vault.encrypt(person, FIELDS)
    assert first != second
    for blob in (first, second):
        assert NAME.encode() not in blob and b"guardian@" not in blob


def test_one_key_per_person(harness: Harness) -> None:
    ana, ben = uuid4(), uuid4()
    harness.vault.encrypt(ana, FIELDS)
    harness.vault.encrypt(ana, {"name": "again"})
    harness.vault.encrypt(ben, {"name": "Ben"})
    ana_key, ben_key = harness.stored_key(ana), harness.stored_key(ben)
    assert ana_key is not None and ben_key is not None and ana_key != ben_key
    assert len(ana_key) == 32


def test_a_blob_opens_only_as_its_own_person(harness: Harness) -> None:
    ana, ben = uuid4(), uuid4()
    sealed = harness.vault.encrypt(ana, FIELDS)
    harness.vault.encrypt(ben, {"name": "Ben"})
    with pytest.raises(SealBroken):
        harness.vault.decrypt(ben, sealed)


def test_an_altered_blob_is_refused(harness: Harness) -> None:
    person = uuid4()
    sealed = bytearray(harness.vault.encrypt(person, FIELDS))
    sealed[len(sealed) // 2] ^= 0x01
    with pytest.raises(SealBroken):
        harness.vault.decrypt(person, bytes(sealed))


def test_a_person_without_key_and_not_erased_is_reported(harness: Harness) -> None:
    with pytest.raises(KeyMissing):
        harness.vault.decrypt(uuid4(), b"\x01" + bytes(40))


def test_destroy_makes_every_blob_unreadable(harness: Harness) -> None:
    person = uuid4()
    blobs = [harness.vault.encrypt(person, FIELDS), harness.vault.encrypt(person, {"name": "x"})]
    harness.vault.destroy(person)
    for vault in (harness.vault, harness.reopen()):
        assert vault.is_erased(person)
        assert [vault.decrypt(person, blob) for blob in blobs] == [ERASED, ERASED]
    with pytest.raises(PersonErased):
        harness.vault.encrypt(person, FIELDS)


def test_destroy_is_idempotent_and_works_before_any_key(harness: Harness) -> None:
    never_sealed = uuid4()
    harness.vault.destroy(never_sealed)
    harness.vault.destroy(never_sealed)
    assert harness.vault.is_erased(never_sealed)
    with pytest.raises(PersonErased):
        harness.vault.encrypt(never_sealed, FIELDS)


def test_destroying_one_person_leaves_the_others_readable(harness: Harness) -> None:
    ana, ben = uuid4(), uuid4()
    ana_blob = harness.vault.encrypt(ana, FIELDS)
    ben_blob = harness.vault.encrypt(ben, {"name": "Ben"})
    harness.vault.destroy(ana)
    assert harness.vault.decrypt(ana, ana_blob) is ERASED
    assert harness.vault.decrypt(ben, ben_blob) == {"name": "Ben"}
    assert not harness.vault.is_erased(ben)


def test_the_destroyed_key_is_gone_from_the_stored_bytes(harness: Harness) -> None:
    ana, ben = uuid4(), uuid4()
    harness.vault.encrypt(ana, FIELDS)
    harness.vault.encrypt(ben, {"name": "Ben"})
    ana_key, ben_key = harness.stored_key(ana), harness.stored_key(ben)
    assert ana_key is not None and ben_key is not None
    assert holds(harness.raw(), ana_key)  # the search sees keys where they are kept
    harness.vault.destroy(ana)
    raw = harness.raw()
    assert harness.stored_key(ana) is None
    assert not holds(raw, ana_key)
    assert holds(raw, ben_key)


def holds(raw: bytes, key: bytes) -> bool:
    """The key's bytes, or their hexadecimal text (as PostgreSQL prints bytea), appear in raw."""
    return key in raw or key.hex().encode() in raw


def test_the_vault_file_is_its_own_beside_the_event_store(tmp_path: Path) -> None:
    vault = build_vault(Settings(data_dir=tmp_path / "data", load_demo=False))
    assert isinstance(vault, SqliteVault)
    assert vault.path == tmp_path / "data" / "vault.sqlite3"


@pytest.mark.postgres
def test_the_vault_table_sits_in_the_event_store_schema(
    tmp_path: Path, postgres_url: str, postgres_schema: str
) -> None:
    settings = Settings(data_dir=tmp_path, load_demo=False, database_url=postgres_url)
    vault = build_vault(settings.model_copy(update={"database_schema": postgres_schema}))
    assert isinstance(vault, PostgresVault)
    assert vault.keys_table == f"{postgres_schema}.commonplace_person_keys"


@pytest.mark.postgres
def test_a_destroyed_key_is_in_no_file_of_the_database(
    postgres_url: str, postgres_schema: str
) -> None:
    """Old row versions and rewritten tables included (the server's write-ahead log aside)."""
    import psycopg

    harness = postgres_harness(postgres_url, postgres_schema)
    person = uuid4()
    harness.vault.encrypt(person, FIELDS)
    key = harness.stored_key(person)
    assert key is not None
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        relation = one(conn, "SELECT pg_relation_filepath(%s::regclass)", harness_table(harness))
        folder = Path(one(conn, "SHOW data_directory")) / Path(relation).parent
    if not os.access(folder, os.R_OK):
        pytest.skip(f"The database files in {folder} are not readable by this user.")
    assert any(key in data for data in database_files(postgres_url, folder))
    harness.vault.destroy(person)
    assert not any(key in data for data in database_files(postgres_url, folder))


def harness_table(harness: Harness) -> str:
    assert isinstance(harness.vault, PostgresVault)
    return harness.vault.keys_table


def database_files(url: str, folder: Path) -> Iterator[bytes]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    for path in folder.iterdir():
        if path.is_file():
            yield path.read_bytes()
