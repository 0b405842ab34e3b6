"""The tables of a read model beside the event store, on SQLite or PostgreSQL.

A read model is a queries class (its SQL written once, with ``{p}`` for the
schema prefix and ``?`` for parameters, turned into either dialect by its
``sql()``) combined with one of these: each creates the model's ``schema``
together with the eventsourcing tracking table of the same database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL

from infra.readmodel.sqlite_schema import ImmediateSchema


class SqliteTables(SQLiteTrackingRecorder, ImmediateSchema):
    schema: Sequence[str] = ()

    def sql(self, text: str) -> str:  # the queries class before this one in the bases
        raise NotImplementedError

    def construct_create_table_statements(self) -> list[str]:
        return super().construct_create_table_statements() + [self.sql(s) for s in self.schema]


class PostgresTables(PostgresTrackingRecorder):
    schema: Sequence[str] = ()

    def sql(self, text: str) -> str:  # the queries class before this one in the bases
        raise NotImplementedError

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.marker = "%s"
        self.prefix = f'"{self.datastore.schema}".'
        self.sql_create_statements.extend(SQL(self.sql(s)) for s in self.schema)  # type: ignore[misc]
