"""How create and publish latency change as the event log grows (not part of ``make bench``).

    python -m tests.benchmarks.log_growth [sqlite|postgres] [blocks] [pairs-per-block]

Creates and publishes artifacts in process, block after block, and prints each
block's p50 with the log head, and the median time of a catalogue refresh (of 5)
at that head. The content check refreshes the catalogue with a topic-filtered
read of the notification log from the last catalogue event onwards, so that read
grows with every artifact event.
"""

from __future__ import annotations

import statistics
import sys
import time
from uuid import UUID

from tests.benchmarks.run import seeded
from tests.benchmarks.stats import Sample
from tests.benchmarks.stores import postgres_store, sqlite_store
from tests.conftest import EDITOR, PARTNER, READY_STORY

clock = time.perf_counter_ns


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "sqlite"
    blocks = int(argv[1]) if len(argv) > 1 else 8
    per_block = int(argv[2]) if len(argv) > 2 else 500
    opened = sqlite_store() if which == "sqlite" else postgres_store()
    with opened as store, seeded(store.fresh("growth")) as container:
        archive = container.archive
        print(f"{store.name}: {blocks} blocks of {per_block} create+publish pairs")
        print(f"{'log head':>9} {'create p50':>11} {'publish p50':>12} {'refresh':>10}")
        for _ in range(blocks):
            create, publish = Sample("create"), Sample("publish")
            for _ in range(per_block):
                t0 = clock()
                created = archive.artifacts.create(PARTNER, "story", dict(READY_STORY))
                t1 = clock()
                archive.artifacts.publish(EDITOR, UUID(created.id), created.version)
                create.add(t1 - t0)
                publish.add(clock() - t1)
            refreshes = Sample("refresh")
            for _ in range(5):
                t0 = clock()
                archive.catalogue.records.refresh()
                refreshes.add(clock() - t0)
            refresh = statistics.median(refreshes.latencies_ns) / 1e6
            print(f"{archive.head:>9} {create.p50:>8.3f} ms {publish.p50:>9.3f} ms "
                  f"{refresh:>7.3f} ms", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
