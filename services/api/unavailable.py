"""Which failures of the storage underneath are temporary: answered 503, not 500.

A full disk, a locked SQLite file or a lost PostgreSQL connection are not the
caller's mistake nor a defect of ours; nothing was recorded, and the same request
may succeed in a moment. Other database errors (a missing table, bad SQL) remain
500s: they are defects.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator

import psycopg
from eventsourcing import persistence

# SQLite errors that pass: the disk, the lock, the file.
SQLITE_TEMPORARY = {
    "database or disk is full": "disk full",
    "database is locked": "database busy",
    "database table is locked": "database busy",
    "disk i/o error": "disk error",
    "unable to open database file": "disk error",
}
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}

# The exception classes whose handler asks ``reason``.
CLASSES: tuple[type[Exception], ...] = (
    persistence.OperationalError,
    persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
    OSError,
)


def reason(exc: BaseException) -> str | None:
    """Why the storage is unavailable (``"disk full"``, ...), or ``None`` if this is a defect."""
    for error in _chain(exc):
        if isinstance(error, sqlite3.OperationalError):
            return _sqlite(str(error))
        if isinstance(error, OSError):
            return "disk full" if error.errno in DISK_FULL else None
        if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
            return "database unreachable"
    if isinstance(exc, persistence.ConnectionUnavailableError):
        return "database busy"  # no connection came free in time
    # eventsourcing wraps the driver's error ("from" it); the message is what is left otherwise.
    return _sqlite(str(exc))


def _sqlite(message: str) -> str | None:
    lowered = message.lower()
    return next((why for text, why in SQLITE_TEMPORARY.items() if text in lowered), None)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
