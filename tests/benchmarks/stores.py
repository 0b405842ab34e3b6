"""The stores benchmarked. Each measure gets a fresh, empty database on its store:
a new SQLite file in a temporary directory, or a new PostgreSQL schema (all dropped
at the end), so no measure pays for the events another one left behind.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.settings import Settings

POSTGRES_URL = os.environ.get(
    "COMMONPLACE_BENCH_POSTGRES_URL",
    os.environ.get("COMMONPLACE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
)


class StoreUnavailable(Exception):
    """The store cannot be used here; the message says why."""


@dataclass
class Store:
    name: str
    detail: str
    fresh: Callable[[str], Settings]  # settings for a new, empty database named by a label


@contextmanager
def sqlite_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:

        # The measures time the archive, not the per-client limiter, which would answer
        # 429 to a benchmark's hundreds of changes a minute.
        def fresh(label: str) -> Settings:
            return Settings(data_dir=Path(tmp) / label, load_demo=False, rate_limits_enabled=False)

        yield Store("SQLite", f"a new file per measure: {tmp}/<measure>/events.sqlite3", fresh)


@contextmanager
def postgres_store(url: str = POSTGRES_URL) -> Iterator[Store]:
    import psycopg

    try:
        admin = psycopg.connect(url, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())  # psycopg's message spans lines
        raise StoreUnavailable(f"PostgreSQL not reachable at {url}: {reason}") from None
    prefix = f"cp_bench_{uuid.uuid4().hex[:8]}"
    schemas: list[str] = []
    try:
        row = admin.execute("SHOW server_version").fetchone()
        server = row[0] if row else "?"
        with tempfile.TemporaryDirectory(prefix="cp-bench-") as tmp:

            def fresh(label: str) -> Settings:
                schema = f"{prefix}_{label}"
                admin.execute(f"CREATE SCHEMA {schema}")
                schemas.append(schema)
                return Settings(data_dir=Path(tmp) / label, load_demo=False,
                                rate_limits_enabled=False,
                                database_url=url, database_schema=schema)  # fmt: skip

            detail = f"{url} (server {server}), a new schema per measure: {prefix}_<measure>"
            yield Store("PostgreSQL", detail, fresh)
    finally:
        for schema in schemas:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()
