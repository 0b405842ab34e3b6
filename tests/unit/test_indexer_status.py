"""What the indexer status says about an indexer that stopped writing heartbeats."""

from __future__ import annotations

import time

from infra.coordination import describe


def test_a_fresh_heartbeat_shows_the_state_the_indexer_wrote() -> None:
    shown = describe({"state": "running", "pid": 7, "heartbeat_at": time.time() - 1})
    assert shown["state"] == "running" and shown["pid"] == 7
    assert 0 <= shown["heartbeat_age_seconds"] < 5


def test_an_indexer_without_a_recent_heartbeat_shows_as_not_running() -> None:
    stale = {"state": "running", "heartbeat_at": time.time() - 60, "last_error": None}
    assert describe(stale)["state"] == "not running"
    assert describe({})["state"] == "not running", "never started"


def test_a_stopped_indexer_says_so() -> None:
    stopped = {"state": "stopped", "heartbeat_at": time.time() - 3600}
    assert describe(stopped)["state"] == "stopped"
