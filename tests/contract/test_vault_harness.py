"""The harness for the personal-data vault suites: each vault, and a way to read its storage.

Each harness reads the vault's storage directly (not through the vault), so
the tests can check that a destroyed key is gone from the bytes. PostgreSQL
vaults run in a database made for these tests: whether a deleted row can be
removed depends on every open transaction in the database, and the shared
test database has other suites' transactions in it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import pytest

from domain.vault_port import InMemoryVault, PersonalDataVault
from infra.vault import PostgresVault, SqliteVault

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


@pytest.fixture(
    name="harness",
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def harness_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    if request.param == "memory":
        yield memory_harness()
    elif request.param == "sqlite":
        yield sqlite_harness(tmp_path / "vault.sqlite3")
    else:
        yield postgres_harness(*request.getfixturevalue("vault_pg"))


def holds(raw: bytes, key: bytes) -> bool:
    """The key's bytes, or their hexadecimal text (as PostgreSQL prints bytea), appear in raw."""
    return key in raw or key.hex().encode() in raw


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


@pytest.fixture(name="vault_database", scope="module")
def vault_database_fixture(postgres_url: str) -> Iterator[str]:
    """The URL of a database of this module's own, dropped afterwards."""
    import psycopg

    name = f"cp_vault_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield urlunsplit(urlsplit(postgres_url)._replace(path=f"/{name}"))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(name="vault_pg")
def vault_pg_fixture(vault_database: str) -> Iterator[tuple[str, str]]:
    """(URL, schema): a schema of this test's own in the vault tests' database."""
    import psycopg

    schema = f"cp_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(vault_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    yield vault_database, schema
    with psycopg.connect(vault_database, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
