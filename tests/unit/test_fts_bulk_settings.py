"""A rebuild's new generation is loaded without a journal, and has its journal back before use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from infra.search.fts_store import FtsStore


def settings(store: FtsStore) -> tuple[str, int]:
    with store.datastore.get_connection(commit=False) as connection:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        return mode, cursor.fetchone()[0]


def test_the_bulk_load_goes_without_a_journal_and_the_finished_file_has_its_own(
    tmp_path: Path,
) -> None:
    store = FtsStore(tmp_path / "gen-2.sqlite3", bulk=True)
    assert settings(store) == ("off", 0)
    store.finish_bulk()
    assert settings(store) == ("wal", 2)
    store.close()
    reopened = sqlite3.connect(tmp_path / "gen-2.sqlite3")
    assert reopened.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reopened.close()


def test_a_live_generation_keeps_its_journal(tmp_path: Path) -> None:
    store = FtsStore(tmp_path / "gen-1.sqlite3")
    assert settings(store) == ("wal", 2)
    store.close()
