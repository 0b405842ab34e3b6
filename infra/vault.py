"""Personal-data vaults: one AES-256-GCM key per person, kept outside the event store.

- ``SqliteVault`` keeps keys in a SQLite file of its own (``vault.sqlite3`` in
  the data directory, beside but never inside ``events.sqlite3``). Deleted
  rows are overwritten (``secure_delete``) and the file is vacuumed after each
  erasure, so the key's bytes are gone from the file, not merely unlinked.
- ``PostgresVault`` keeps keys in a table of their own (in the event store's
  schema unless told otherwise); an erasure deletes the row and rewrites the
  table (``VACUUM FULL``, once no older transaction can still see the row) so
  no dead row version keeps the key. The erasure commits the deletion first
  (no process can read the key from then on) and waits at most ``erase_wait``
  for the rewrite; what it has to leave, the indexer purges (``purge``) within
  seconds, without holding anyone's request.

Either way the erased person's id is remembered (no key, no personal data), so
``decrypt`` can answer ``ERASED`` and ``encrypt`` refuses new data for them.
Keys are never cached in the process: a destroy is seen at once by every process.
Backups and PostgreSQL's write-ahead log keep old keys until they are rotated
out; docs/consent.md says how to bound that.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.vault_port import (
    ERASED,
    KeyMissing,
    Personal,
    PersonalDataVault,
    PersonErased,
    SealBroken,
    associated_data,
    from_plaintext,
    to_plaintext,
)
from infra.settings import Settings

FORMAT = b"\x01"  # version byte of the blob layout: FORMAT + nonce (12) + ciphertext and tag
NONCE_SIZE = 12
log = logging.getLogger(__name__)


class KeyedVault(PersonalDataVault):
    """AES-GCM sealing over a key store; subclasses only keep keys."""

    @abstractmethod
    def _key(self, person_id: UUID) -> bytes | None: ...

    @abstractmethod
    def _key_or_new(self, person_id: UUID, candidate: bytes) -> bytes:
        """The person's key; ``candidate`` becomes it if they have none (first writer wins)."""

    def encrypt(self, person_id: UUID, fields: dict[str, Any]) -> bytes:
        """Seal with the person's key, checking erasure before and after the key is fetched.

        An erasure that commits while the key is fetched (even one that deleted
        the key just before a new one was made) is seen by the second check: the
        stray key is destroyed and nothing is sealed.
        """
        if self.is_erased(person_id):
            raise PersonErased("This person asked to be removed.", person=str(person_id))
        key = self._key_or_new(person_id, AESGCM.generate_key(bit_length=256))
        if self.is_erased(person_id):
            self.destroy(person_id)
            raise PersonErased("This person asked to be removed.", person=str(person_id))
        nonce = os.urandom(NONCE_SIZE)
        sealed = AESGCM(key).encrypt(nonce, to_plaintext(fields), associated_data(person_id))
        return FORMAT + nonce + sealed

    def decrypt(self, person_id: UUID, sealed: bytes) -> Personal:
        if self.is_erased(person_id):
            return ERASED
        key = self._key(person_id)
        if key is None:
            raise KeyMissing(f"No key for person {person_id}.")
        if sealed[:1] != FORMAT:
            raise SealBroken("A sealed blob has an unknown layout.")
        nonce, body = sealed[1 : 1 + NONCE_SIZE], sealed[1 + NONCE_SIZE :]
        try:
            plaintext = AESGCM(key).decrypt(nonce, body, associated_data(person_id))
        except InvalidTag:
            raise SealBroken(f"A blob did not open with the key of person {person_id}.") from None
        return from_plaintext(plaintext)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SqliteVault(KeyedVault):
    def __init__(self, path: Path, busy_timeout: float = 10.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.busy_timeout = busy_timeout
        with self._connected() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS person_keys "
                "(person_id TEXT PRIMARY KEY, key BLOB NOT NULL, created_at TEXT NOT NULL)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS erased_persons "
                "(person_id TEXT PRIMARY KEY, erased_at TEXT NOT NULL)"
            )

    @contextmanager
    def _connected(self) -> Iterator[sqlite3.Connection]:
        """One short connection per call, committed on success; rollback journal, no WAL."""
        with closing(sqlite3.connect(self.path, timeout=self.busy_timeout)) as conn:
            conn.execute("PRAGMA secure_delete = ON")
            with conn:
                yield conn

    def _key(self, person_id: UUID) -> bytes | None:
        with self._connected() as conn:
            row = conn.execute(
                "SELECT key FROM person_keys WHERE person_id = ?", (str(person_id),)
            ).fetchone()
        return bytes(row[0]) if row else None

    def _key_or_new(self, person_id: UUID, candidate: bytes) -> bytes:
        with self._connected() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO person_keys (person_id, key, created_at) VALUES (?, ?, ?)",
                (str(person_id), candidate, _now()),
            )
            row = conn.execute(
                "SELECT key FROM person_keys WHERE person_id = ?", (str(person_id),)
            ).fetchone()
        return bytes(row[0])

    def destroy(self, person_id: UUID) -> None:
        with self._connected() as conn:
            conn.execute("DELETE FROM person_keys WHERE person_id = ?", (str(person_id),))
            conn.execute(
                "INSERT OR IGNORE INTO erased_persons (person_id, erased_at) VALUES (?, ?)",
                (str(person_id), _now()),
            )
        self.purge()

    def purge(self, wait: float | None = None) -> bool:
        """Rebuild the file, so no free page keeps a deleted key (``secure_delete`` zeroes them)."""
        try:
            with closing(sqlite3.connect(self.path, timeout=self.busy_timeout)) as conn:
                conn.execute("VACUUM")
        except sqlite3.OperationalError as error:
            log.warning("The vault file could not be vacuumed now (%s); purge again later.", error)
            return False
        return True

    def is_erased(self, person_id: UUID) -> bool:
        with self._connected() as conn:
            row = conn.execute(
                "SELECT 1 FROM erased_persons WHERE person_id = ?", (str(person_id),)
            ).fetchone()
        return row is not None


class PostgresVault(KeyedVault):
    def __init__(
        self,
        url: str,
        schema: str | None = None,
        purge_wait: float = 10.0,
        erase_wait: float = 1.0,
    ) -> None:
        import psycopg

        self.psycopg = psycopg
        self.purge_wait = purge_wait
        self.erase_wait = erase_wait
        self.url = url
        self.schema = schema or "public"
        self.keys_table = f"{self.schema}.commonplace_person_keys"
        self.erased_table = f"{self.schema}.commonplace_erased_persons"
        with self._connected() as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.keys_table} "
                "(person_id UUID PRIMARY KEY, key BYTEA NOT NULL, created_at TIMESTAMPTZ NOT NULL)"
            )
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {self.erased_table} "
                "(person_id UUID PRIMARY KEY, erased_at TIMESTAMPTZ NOT NULL)"
            )

    @contextmanager
    def _connected(self) -> Iterator[Any]:
        with self.psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            yield conn

    def _key(self, person_id: UUID) -> bytes | None:
        with self._connected() as conn:
            row = conn.execute(
                f"SELECT key FROM {self.keys_table} WHERE person_id = %s", (person_id,)
            ).fetchone()
        return bytes(row[0]) if row else None

    def _key_or_new(self, person_id: UUID, candidate: bytes) -> bytes:
        with self._connected() as conn:
            conn.execute(
                f"INSERT INTO {self.keys_table} (person_id, key, created_at) "
                "VALUES (%s, %s, now()) ON CONFLICT (person_id) DO NOTHING",
                (person_id, candidate),
            )
            row = conn.execute(
                f"SELECT key FROM {self.keys_table} WHERE person_id = %s", (person_id,)
            ).fetchone()
        return bytes(row[0])

    def destroy(self, person_id: UUID) -> None:
        with self._connected() as conn:
            with conn.transaction():
                xid = conn.execute("SELECT pg_current_xact_id()::text").fetchone()[0]
                conn.execute(f"DELETE FROM {self.keys_table} WHERE person_id = %s", (person_id,))
                conn.execute(
                    f"INSERT INTO {self.erased_table} (person_id, erased_at) "
                    "VALUES (%s, now()) ON CONFLICT (person_id) DO NOTHING",
                    (person_id,),
                )
            # The key is unreadable from here on; the rewrite may be left to ``purge``.
            self._purge(conn, int(xid), self.erase_wait)

    def purge(self, wait: float | None = None) -> bool:
        """Rewrite the key table without the rows deleted so far; see ``_purge``."""
        with self._connected() as conn:
            xid = conn.execute("SELECT pg_current_xact_id()::text").fetchone()[0]
            return self._purge(conn, int(xid), self.purge_wait if wait is None else wait)

    def _purge(self, conn: Any, xid: int, wait: float) -> bool:
        """``VACUUM FULL`` once no transaction that could still see the deleted row is open.

        A snapshot of this database older than the deletion keeps the old row
        version alive, and ``VACUUM FULL`` would copy it into the new table
        file. So it waits (up to ``wait`` seconds) for those transactions to
        end, and does not rewrite while one remains; then it asks for its table
        lock for as long again (at least a fifth of a second) and gives up
        rather than queue: a queued ``VACUUM FULL`` holds back every reader of
        the keys. ``False`` means a deleted row may remain until ``purge`` runs
        again (the indexer calls it after an erasure until it succeeds).
        """
        deadline = time.monotonic() + wait
        while (older := self._older_snapshots(conn, xid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not older:
            conn.execute(f"SET lock_timeout = {max(200, int(wait * 1000))}")
            try:
                conn.execute(f"VACUUM FULL {self.keys_table}")
            except self.psycopg.errors.LockNotAvailable:
                older = True  # a transaction holding the table outlived the wait
        if older:
            log.warning("A deleted key may survive until the next purge of the vault.")
        return not older

    def _older_snapshots(self, conn: Any, xid: int) -> bool:
        """Whether a transaction of this database could still see rows deleted by ``xid``.

        Only this database's backends count: ``VACUUM`` of an ordinary table
        ignores the snapshots of other databases on the server.
        """
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND datname = current_database() "
            "AND (age(backend_xmin) >= age(%(xid)s::xid) OR age(backend_xid) >= age(%(xid)s::xid))",
            {"xid": str(xid % 2**32)},
        ).fetchone()
        return bool(row[0])

    def is_erased(self, person_id: UUID) -> bool:
        with self._connected() as conn:
            row = conn.execute(
                f"SELECT 1 FROM {self.erased_table} WHERE person_id = %s", (person_id,)
            ).fetchone()
        return row is not None


def build_vault(settings: Settings) -> PersonalDataVault:
    """The vault beside the event store: a SQLite file of its own, or a PostgreSQL table."""
    if settings.database_url:
        return PostgresVault(settings.database_url, settings.database_schema)
    return SqliteVault(settings.data_dir / "vault.sqlite3")
