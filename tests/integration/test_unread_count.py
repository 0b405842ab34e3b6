"""The header's unread count: one count answered from the inbox's partial index."""

from __future__ import annotations

import pytest

from domain.notifications import RETURNED, Notification
from infra.bootstrap import Container
from infra.readmodel.inbox import SqliteInbox


def note(number: int, recipient: str) -> Notification:
    return Notification(f"n-{number}", RETURNED, recipient, f"Story {number}", position=number)


def test_the_unread_count_is_the_recipients_own_and_drops_when_read(container: Container) -> None:
    inbox = container.inbox
    inbox.add([note(1, "ana"), note(2, "ana"), note(3, "ben")], None, 1.0)
    assert (inbox.unread_count("ana"), inbox.unread_count("ben"), inbox.unread_count("eve")) == (
        2,
        1,
        0,
    )
    inbox.mark_read("ana", ["n-1"], 2.0)
    assert inbox.unread_count("ana") == 1
    inbox.mark_read("ana", None, 3.0)
    assert (inbox.unread_count("ana"), inbox.unread_count("ben")) == (0, 1)


def test_sqlite_counts_from_the_covering_index(container: Container) -> None:
    inbox = container.inbox
    if not isinstance(inbox, SqliteInbox):
        pytest.skip("PostgreSQL's planner scans a table this small whatever the indexes")
    with inbox.datastore.transaction(commit=False) as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT count(*) AS n FROM cp_inbox "
            "WHERE recipient = ? AND read_at IS NULL",
            ("ana",),
        )
        plan = " ".join(row["detail"] for row in cursor.fetchall())
    assert "USING COVERING INDEX cp_inbox_unread" in plan
