"""Settings produce the eventsourcing environment for SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.settings import Settings


def test_sqlite_is_the_default_and_lives_in_the_data_dir(tmp_path: Path) -> None:
    env = Settings(data_dir=tmp_path).eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "events.sqlite3")


def test_database_url_selects_postgres() -> None:
    settings = Settings(
        database_url="postgresql://ann:s%40cret@db.example:6543/archive", database_schema="cp"
    )
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.example", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("ann", "s@cret")
    assert env["POSTGRES_DBNAME"] == "archive"
    assert env["POSTGRES_SCHEMA"] == "cp"


def test_other_database_schemes_are_refused() -> None:
    with pytest.raises(ValueError, match="postgresql://"):
        Settings(database_url="mysql://x@y/z").eventsourcing_env()


def test_settings_read_the_commonplace_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMONPLACE_PORT", "9001")
    assert Settings().port == 9001
