"""Runs the indexer as a child process of ``commonplace serve`` and restarts it if it dies.

The child learns its parent's pid so that it stops if the server goes without
stopping it (see ``main.py``). A child that fails (a non-zero exit, or killed by a
signal it could not handle) is started again after a backoff that grows while it
keeps dying young; each such exit is recorded in the indexer status, so
``/indexer/status`` shows it. One stopped on request (exit 0) stays stopped.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from infra.coordination import Coordination
from services.indexer.main import PARENT_ENV
from services.indexer.views import TRANSIENT

log = logging.getLogger("commonplace.indexer")


class Supervisor:
    def __init__(
        self,
        coordination: Coordination,
        *,
        command: list[str] | None = None,
        healthy_after: float = 30.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.coordination = coordination
        self.command = command or [sys.executable, "-m", "services.indexer"]
        self.healthy_after = healthy_after
        self.max_backoff = max_backoff
        self.restarts = 0
        self.child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, daemon=True, name="indexer-supervisor")

    def start(self) -> None:
        self.child = self._spawn()
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        # Its own process group: a Ctrl-C in the terminal reaches the server, which stops it.
        return subprocess.Popen(self.command, env=env, process_group=0)

    def _watch(self) -> None:
        backoff = 0.0
        while self.child is not None:
            started = time.monotonic()
            code = self.child.wait()
            if self._stopping.is_set():
                return
            if code == 0:
                log.warning("The indexer process stopped on request (exit 0); not restarting it")
                return
            backoff = 0.0 if time.monotonic() - started > self.healthy_after else backoff
            backoff = min(self.max_backoff, max(1.0, backoff * 2))
            self._record_exit(code, backoff)
            if self._stopping.wait(backoff):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.child = self._spawn()
                self.restarts += 1

    def _record_exit(self, code: int, backoff: float) -> None:
        message = f"The indexer process exited with code {code}; restarting in {backoff:.0f}s"
        log.error(message)
        try:
            status = self.coordination.load_status()
            supervisor = status.get("supervisor") or {}
            status["supervisor"] = {
                "restarts": int(supervisor.get("restarts") or 0) + 1,
                "last_exit_code": code,
                "last_exit_at": time.time(),
            }
            status.update(last_error=message, last_error_at=time.time(), state="restarting")
            self.coordination.save_status(status)
        except TRANSIENT:
            log.warning("Could not record the indexer's exit in its status", exc_info=True)

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stopping.set()
            child = self.child
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("The indexer did not stop within %.0fs; killing it", timeout)
            child.kill()
            child.wait()
