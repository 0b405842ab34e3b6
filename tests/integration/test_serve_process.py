"""`commonplace serve` as an operator runs it: a real process with its indexer child.

SIGTERM stops both; an indexer whose server was killed notices and stops; an
indexer that dies is started again, and the status says so.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMAND = Path(sys.executable).parent / "commonplace"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def children(pid: int) -> set[int]:
    """Every live descendant of ``pid``."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            child = int(stat.parent.name)
            found |= {child} | children(child)
    return found


def wait_for(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.1)


class Served:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.log = log

    def status(self) -> dict[str, Any]:
        try:
            response = httpx.get(f"{self.url}/api/v1/indexer/status", timeout=5)
        except httpx.TransportError:
            return {}
        return dict(response.json()) if response.status_code == 200 else {}

    def running_indexer(self, other_than: int | None = None) -> int:
        """The pid of the indexer once it runs (and is not ``other_than``)."""

        def found() -> int | None:
            status = self.status()
            pid = status.get("pid")
            if status.get("state") == "running" and pid and pid != other_than and alive(pid):
                return int(pid)
            return None

        pid: int = wait_for(found, 60, f"a running indexer; log: {self.log.read_text()[-2000:]}")
        return pid


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    env = {
        **os.environ,
        "COMMONPLACE_DATA_DIR": str(tmp_path / "data"),
        "COMMONPLACE_LOAD_DEMO": "false",
        "COMMONPLACE_INDEXER_POLL_SECONDS": "0.05",
    }
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(COMMAND), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    leftovers: set[int] = set()
    try:
        yield Served(process, port, log)
    finally:
        leftovers = children(process.pid) if process.poll() is None else set()
        for pid in leftovers | {process.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_sigterm_stops_the_server_and_its_indexer(served: Served) -> None:
    indexer = served.running_indexer()
    family = children(served.process.pid)
    assert indexer in family
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=20)
    wait_for(lambda: not any(alive(pid) for pid in family), 10, "the indexer to stop")


def test_an_indexer_whose_server_was_killed_stops(served: Served) -> None:
    indexer = served.running_indexer()
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(timeout=10)
    wait_for(lambda: not alive(indexer), 20, "the orphaned indexer to stop")


def test_a_dead_indexer_is_restarted_and_the_status_says_so(served: Served) -> None:
    first = served.running_indexer()
    os.kill(first, signal.SIGKILL)
    second = served.running_indexer(other_than=first)
    assert second in children(served.process.pid)
    supervisor = served.status()["supervisor"]
    assert supervisor["restarts"] == 1
    assert supervisor["last_exit_code"] == -signal.SIGKILL


def test_an_orphan_that_cannot_stop_in_time_exits_anyway() -> None:
    """A stuck orderly stop does not keep an orphaned indexer alive."""
    script = (
        "import threading, time\n"
        "from services.indexer import main\n"
        "main.ORPHAN_GRACE = 0.5\n"
        "main.follow_parent(1, threading.Event(), interval=0.05)\n"  # pid 1 is not its parent
        "time.sleep(30)\n"  # a main loop that never looks at the stop event
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, timeout=20, capture_output=True)
    assert done.returncode == 1, done.stderr.decode()
    assert time.monotonic() - started < 15
