"""An erasure on PostgreSQL answers without waiting out other transactions; the purge follows.

Before, ``destroy`` waited up to ``purge_wait`` for every older snapshot on the
whole server, then queued ``VACUUM FULL`` for its table lock as long again
(about 20 s, during which every reader of the key table queued behind it). Now
the deletion commits at once, ``destroy`` waits at most ``erase_wait``, and the
indexer's ``purge(wait=0)`` finishes the rewrite once the old snapshot is gone.
"""

from __future__ import annotations

from uuid import uuid4

import psycopg
import pytest

from domain.vault_port import ERASED
from infra.vault import PostgresVault
from tests.contract.test_vault_harness import (  # noqa: F401 -- fixtures
    FIELDS,
    holds,
    postgres_raw,
    vault_database_fixture,
    vault_pg_fixture,
)

pytestmark = pytest.mark.postgres


def test_an_erasure_behind_an_old_snapshot_destroys_the_key_and_leaves_the_rewrite(
    vault_pg: tuple[str, str],
) -> None:
    url, schema = vault_pg
    # A purge_wait long enough that waiting it out would make the test hang for minutes.
    vault = PostgresVault(url, schema, purge_wait=600.0, erase_wait=0.1)
    person = uuid4()
    sealed = vault.encrypt(person, FIELDS)
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT key FROM {vault.keys_table} WHERE person_id = %s", (person,)
        ).fetchone()
    assert row is not None
    key = bytes(row[0])
    with psycopg.connect(url) as reader:
        reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT 1").fetchone()  # a snapshot older than the erasure
        vault.destroy(person)  # returns after erase_wait, not purge_wait
        # The key is destroyed before the answer: no process can read it or use it.
        assert vault.decrypt(person, sealed) is ERASED
        assert PostgresVault(url, schema).decrypt(person, sealed) is ERASED
        assert not holds(_rows(url, vault), key)
        # The dead row version may still be on disk; the indexer's purge must not wait.
        assert vault.purge(wait=0.0) is False
    assert vault.purge(wait=10.0) is True  # the old snapshot is gone: the rewrite runs
    assert not holds(postgres_raw(url, schema), key)


def _rows(url: str, vault: PostgresVault) -> bytes:
    with psycopg.connect(url) as conn:
        rows = conn.execute(f"SELECT t::text FROM {vault.keys_table} t").fetchall()
    return b"".join(text.encode() for (text,) in rows)
