"""Creating a read model's tables on SQLite while others write to the same database.

The eventsourcing library creates tables in a deferred transaction (``BEGIN``): its
first statements only read (``CREATE TABLE IF NOT EXISTS`` of a table that exists, a
look at the columns), and a later one writes (a new table, a migration, a scrub). If
another connection commits in between, as the outbox sender does all the time, SQLite
refuses that upgrade from reading to writing at once with "database is locked": the
busy timeout does not apply to it. Startup then failed instead of waiting.

:class:`ImmediateSchema` creates the tables in a transaction that starts with
``BEGIN IMMEDIATE``: it takes the write lock first, waiting for it up to the
connection's busy timeout (``SQLITE_LOCK_TIMEOUT``), and only then reads.
"""

from __future__ import annotations

import sqlite3

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteRecorder


class ImmediateSchema(SQLiteRecorder):
    """Put it after ``SQLiteTrackingRecorder`` among a recorder's bases, so that the
    tracking recorder's own ``create_table`` (its migration check) still runs first
    and calls this one for the transaction."""

    def create_table(self) -> None:
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")  # waits for the lock, up to the timeout
                try:
                    self._create_table(cursor)
                except BaseException:
                    connection.rollback()
                    raise
                connection.commit()
            except sqlite3.OperationalError as error:
                raise OperationalError(error) from error
