"""The FTS5 adapter's write rate when part of the archive is in Spanish.

    python -m tests.benchmarks.search_languages [--docs N] [--spanish FRACTION]

Documents come from tests/search_reference/generated.py, as in ``search_scale``; the
given fraction of them (every k-th) is marked ``language: es``. Spanish artifacts'
words get Spanish stems, which a rebuild reads from their text (English stems come from
FTS5's vocabulary at the end), so this is the rebuild's cost that grows with Spanish.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from eventsourcing.persistence import Tracking

from infra.search.sqlite_fts import SqliteFtsIndex
from tests.search_reference.generated import documents

BATCH = 2000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--spanish", type=float, default=0.5)
    args = parser.parse_args(argv)
    every = max(1, round(1 / args.spanish)) if args.spanish > 0 else 0
    with tempfile.TemporaryDirectory() as directory:
        index = SqliteFtsIndex(Path(directory) / "search")
        corpus = documents(args.docs)
        rebuild = index.start_rebuild()
        wall = cpu = 0.0
        written = 0
        while written < args.docs:  # the documents are made outside the timed part
            batch = [next(corpus) for _ in range(min(BATCH, args.docs - written))]
            for number, doc in enumerate(batch, start=written):
                if every and number % every == 0:
                    doc["language"] = "es"
            t0, c0 = time.perf_counter(), time.process_time()
            rebuild.write(batch, [])
            wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
            written += len(batch)
        t0, c0 = time.perf_counter(), time.process_time()
        rebuild.swap(Tracking("Archive", 1))
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
        conn = index._reader().connection()
        stems = dict(conn.execute("SELECT lang, count(*) FROM stems GROUP BY lang").fetchall())
        print(f"   {args.docs:,} documents, one in {every or 'no'} in Spanish: "
              f"{args.docs / wall:,.0f} docs/s wall, {args.docs / cpu:,.0f} docs/s CPU; "
              f"stems {stems}")  # fmt: skip
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
