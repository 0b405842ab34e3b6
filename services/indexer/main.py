"""Runs the indexer as a long-lived process until SIGINT or SIGTERM, or its parent goes.

Started by ``commonplace serve``, it is told its parent's pid
(``COMMONPLACE_INDEXER_PARENT_PID``) and stops when that parent is gone, however
it went (SIGKILL included): on Linux the kernel sends it SIGTERM
(``PR_SET_PDEATHSIG``), and everywhere it checks its parent pid every second.
An orphan that has not finished its orderly stop within ``ORPHAN_GRACE`` seconds
exits at once: everything it wrote is already committed, and nobody is left to
stop it otherwise.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time
from types import FrameType

from infra.bootstrap import build, build_indexer
from infra.settings import Settings
from services.indexer.outbox import sender_for, start_sender

PARENT_ENV = "COMMONPLACE_INDEXER_PARENT_PID"
PR_SET_PDEATHSIG = 1
ORPHAN_GRACE = 5.0
log = logging.getLogger("commonplace.indexer")


def run_indexer(settings: Settings | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s indexer %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    parent = os.environ.get(PARENT_ENV)
    if parent:
        follow_parent(int(parent), stop)
    with build(settings or Settings()) as container:
        indexer = build_indexer(container)
        # The outbox sender (notices to other sites) runs beside the indexer, in a thread.
        sender = start_sender(sender_for(container), stop)
        try:
            indexer.run(stop)
        finally:
            stop.set()
            sender.join(timeout=30)


def follow_parent(parent: int, stop: threading.Event, interval: float = 1.0) -> None:
    """Stop when the parent process is gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        log.warning("The process that started the indexer (%d) is gone; stopping", parent)
        stop.set()
        time.sleep(ORPHAN_GRACE)
        log.error("The orphaned indexer did not stop within %.0fs; exiting now", ORPHAN_GRACE)
        os._exit(1)

    if os.getppid() != parent:  # it went before the death signal was asked for
        stop.set()
    threading.Thread(target=watch, daemon=True, name="indexer-parent").start()
