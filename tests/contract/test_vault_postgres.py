"""What only the PostgreSQL vault must show: its table, and the key gone from the server's files."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from infra.settings import Settings
from infra.vault import PostgresVault, build_vault
from tests.contract.test_vault_harness import (  # noqa: F401 -- fixtures
    FIELDS,
    Harness,
    database_files,
    harness_table,
    holds,
    one,
    postgres_harness,
    vault_database_fixture,
    vault_pg_fixture,
)

pytestmark = pytest.mark.postgres


def test_the_vault_table_sits_in_the_event_store_schema(
    tmp_path: Path, postgres_url: str, postgres_schema: str
) -> None:
    settings = Settings(data_dir=tmp_path, load_demo=False, database_url=postgres_url)
    vault = build_vault(settings.model_copy(update={"database_schema": postgres_schema}))
    assert isinstance(vault, PostgresVault)
    assert vault.keys_table == f"{postgres_schema}.commonplace_person_keys"


def test_a_destroyed_key_is_in_no_file_of_the_database(vault_pg: tuple[str, str]) -> None:
    """Old row versions and rewritten tables included (the server's write-ahead log aside)."""
    url, schema = vault_pg
    harness = postgres_harness(url, schema)
    person = uuid4()
    harness.vault.encrypt(person, FIELDS)
    key = harness.stored_key(person)
    assert key is not None
    with psycopg.connect(url, autocommit=True) as conn:
        relation = one(conn, "SELECT pg_relation_filepath(%s::regclass)", harness_table(harness))
        folder = Path(one(conn, "SHOW data_directory")) / Path(relation).parent
    if not os.access(folder, os.R_OK):
        pytest.skip(f"The database files in {folder} are not readable by this user.")
    assert any(key in data for data in database_files(url, folder))
    harness.vault.destroy(person)
    assert not any(key in data for data in database_files(url, folder))


def test_an_older_open_transaction_does_not_keep_the_key(vault_pg: tuple[str, str]) -> None:
    """A snapshot taken before the erasure would keep the deleted row; the purge waits it out."""
    url, schema = vault_pg
    harness = postgres_harness(url, schema)
    person = uuid4()
    harness.vault.encrypt(person, FIELDS)
    key = harness.stored_key(person)
    assert key is not None
    reader = psycopg.connect(url)
    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    reader.execute("SELECT 1").fetchone()  # a snapshot, and no lock on the key table
    threading.Timer(0.5, reader.close).start()  # the old snapshot ends while the purge waits
    harness.vault.destroy(person)
    assert not holds(harness.raw(), key)


def test_a_purge_reports_a_transaction_that_outlives_its_wait(vault_pg: tuple[str, str]) -> None:
    url, schema = vault_pg
    vault = PostgresVault(url, schema, purge_wait=0.2)
    vault.encrypt(uuid4(), FIELDS)
    with psycopg.connect(url) as reader:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT 1").fetchone()
        assert vault.purge() is False
    # Other transactions on a shared server may run now: wait as long as the default does.
    assert PostgresVault(url, schema).purge() is True


def test_a_purge_does_not_queue_behind_a_lock_on_the_key_table(vault_pg: tuple[str, str]) -> None:
    url, schema = vault_pg
    vault = PostgresVault(url, schema, purge_wait=0.2)
    with psycopg.connect(url) as reader:
        reader.execute(f"SELECT count(*) FROM {vault.keys_table}").fetchone()
        assert vault.purge() is False
