"""One contract for every personal-data vault: the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from domain.vault_port import ERASED, KeyMissing, PersonErased, SealBroken
from infra.settings import Settings
from infra.vault import KeyedVault, SqliteVault, build_vault
from tests.contract.test_vault_harness import (  # noqa: F401 -- fixtures
    FIELDS,
    NAME,
    Harness,
    harness_fixture,
    holds,
    vault_database_fixture,
    vault_pg_fixture,
)


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


def test_the_vault_file_is_its_own_beside_the_event_store(tmp_path: Path) -> None:
    vault = build_vault(Settings(data_dir=tmp_path / "data", load_demo=False))
    assert isinstance(vault, SqliteVault)
    assert vault.path == tmp_path / "data" / "vault.sqlite3"


def test_a_quiet_store_purges_cleanly(harness: Harness) -> None:
    harness.vault.encrypt(uuid4(), FIELDS)
    assert harness.vault.purge() is True


def test_a_busy_vault_file_is_purged_later(tmp_path: Path) -> None:
    vault = SqliteVault(tmp_path / "vault.sqlite3", busy_timeout=0.1)
    person = uuid4()
    vault.encrypt(person, FIELDS)
    with closing(sqlite3.connect(vault.path)) as other:
        other.execute("BEGIN EXCLUSIVE")
        assert vault.purge() is False
        other.rollback()
    assert vault.purge() is True


def test_an_erasure_during_sealing_wins(harness: Harness) -> None:
    """The erasure commits while the key is fetched: nothing is sealed, no key is left."""
    if not isinstance(harness.vault, KeyedVault):
        pytest.skip("The in-memory fake seals in one step.")
    vault, person = harness.vault, uuid4()
    fetch = vault._key_or_new

    def erased_meanwhile(person_id: UUID, candidate: bytes) -> bytes:
        harness.reopen().destroy(person_id)
        return fetch(person_id, candidate)

    vault._key_or_new = erased_meanwhile  # type: ignore[method-assign]
    with pytest.raises(PersonErased):
        vault.encrypt(person, FIELDS)
    assert harness.stored_key(person) is None
