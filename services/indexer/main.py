"""Runs the indexer as a long-lived process until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from infra.bootstrap import build
from infra.settings import Settings
from services.indexer.runner import Indexer


def run_indexer(settings: Settings | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s indexer %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    with build(settings or Settings()) as container:
        indexer = Indexer(
            container.archive,
            container.search,
            container.coordination,
            publications=container.publications,
            poll_interval=container.settings.indexer_poll_seconds,
        )
        indexer.run(stop)
