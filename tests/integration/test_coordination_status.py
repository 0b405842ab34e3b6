"""The indexer's status on PostgreSQL: one kept connection, made again when it is lost."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from eventsourcing.persistence import InterfaceError, OperationalError

from infra.coordination import PostgresCoordination
from infra.settings import Settings
from tests.integration.test_faults import pg_tag, terminate_backends  # noqa: F401  (fixture)


def backends(url: str, tag: str) -> int:
    with psycopg.connect(url, autocommit=True, application_name="cp-status-counter") as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (tag,)
        ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
def test_status_saves_share_one_connection_and_survive_its_loss(
    postgres_url: str,
    postgres_schema: str,
    pg_tag: str,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        load_demo=False,
        database_url=postgres_url,
        database_schema=postgres_schema,
    )
    coordination = PostgresCoordination(settings)
    try:
        for beat in range(25):
            coordination.save_status({"beat": beat})
            assert coordination.load_status() == {"beat": beat}
        assert backends(postgres_url, pg_tag) == 1  # not one connection per save

        assert terminate_backends(postgres_url, pg_tag) == 1
        with pytest.raises((OperationalError, InterfaceError)):
            coordination.save_status({"beat": "lost"})  # reported, as the indexer expects
        coordination.save_status({"beat": "again"})  # the next save connects again
        assert coordination.load_status() == {"beat": "again"}
        assert backends(postgres_url, pg_tag) == 1
    finally:
        coordination.close()
    assert backends(postgres_url, pg_tag) == 0
