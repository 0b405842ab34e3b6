"""Delivering a withdrawal notice to a site that was down and came back.

    python -m tests.benchmarks.notice_bench                  # down 5, 30 and 45 s, 3 runs each
    python -m tests.benchmarks.notice_bench --down 10 --runs 1
    python -m tests.benchmarks.notice_bench --stores sqlite postgres

Two whole sites on loopback (``tests/sites.py``: the API over real HTTP and the
outbox sender in its thread), with the sender's production retry schedule
(first wait 2 s, doubling, at most 900 s; polling every 0.5 s). Site A publishes
a story, site B adapts it and B's adaptation notice reaches A. Then B stops, A
withdraws the story, B stays down for ``--down`` seconds and starts again on the
same address and data. Measured: from B's return until B's adaptation answers 410
(the notice delivered, verified and applied), and from A's withdrawal until then.
With the doubling schedule the wait after a return is at most about as long as the
outage was (the next try is due at most one backoff step later): an outage that
ends just after a try (45 s: tries at 0, 2, 6, 14, 30 and 62 s) waits longest.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from tests.integration.test_sites import adapt_remote, eventually, origin_story
from tests.sites import running_site

PRODUCTION = (2.0, 900.0, 0.5)


def database(store: str) -> tuple[str, str] | None:
    if store == "sqlite":
        return None
    import psycopg

    from tests.conftest import POSTGRES_URL

    name = f"cp_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return POSTGRES_URL, name


def drop(found: tuple[str, str] | None) -> None:
    if found is None:
        return
    import psycopg

    with psycopg.connect(found[0], autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {found[1]} CASCADE")


def one_run(root: Path, store: str, down: float) -> tuple[float, float, int]:
    """Seconds from B's return to delivery, from the withdrawal to delivery, and tries."""
    stores = {"a": database(store), "b": database(store)}
    try:
        with (
            running_site(root / "a", database=stores["a"], backoff=PRODUCTION) as a,
            a.client() as ca,
        ):
            origin = origin_story(a, ca)
            origin_url = f"{a.url}/api/v1/artifacts/{origin}"
            with (
                running_site(root / "b", database=stores["b"], backoff=PRODUCTION) as b,
                b.client() as cb,
            ):
                port = urlsplit(b.url).port or 0
                on_b = str(adapt_remote(b, cb, origin_url, "england")["id"])
                eventually(
                    lambda: ca.get(f"/api/v1/artifacts/{origin}").json()["adaptations"]["count"],
                    timeout=60,
                )
            answer = ca.post(
                f"/api/v1/artifacts/{origin}/withdraw",
                json={"reason": "Withdrawn for the benchmark."},
                headers=a.headers("editor"),
            )
            assert answer.status_code == 200, answer.text
            withdrawn = time.monotonic()
            time.sleep(down)
            with (
                running_site(root / "b", port=port, database=stores["b"], backoff=PRODUCTION) as b,
                b.client() as cb,
            ):
                back = time.monotonic()
                eventually(
                    lambda: cb.get(f"/api/v1/artifacts/{on_b}").status_code == 410,
                    timeout=down * 4 + 60,
                )
                delivered = time.monotonic()
                entries = a.container.outbox.about(origin)
                tries = max(e.attempts for e in entries if e.notice.kind == "withdrawal")
        return delivered - back, delivered - withdrawn, tries
    finally:
        drop(stores["a"])
        drop(stores["b"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--down", type=float, nargs="+", default=[5.0, 30.0, 45.0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stores", nargs="+", default=["sqlite"])
    args = parser.parse_args()
    print("Withdrawal notice to a site that was down (production retry schedule)", flush=True)
    for store in args.stores:
        for down in args.down:
            after_return, after_withdrawal, tries = [], [], []
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as root:
                    found = one_run(Path(root), store, down)
                after_return.append(found[0])
                after_withdrawal.append(found[1])
                tries.append(found[2])
            print(
                f"{store:8} down {down:5.1f} s: delivered {statistics.median(after_return):5.2f} s "
                f"after the return (max {max(after_return):.2f}), "
                f"{statistics.median(after_withdrawal):5.2f} s after the withdrawal; "
                f"tries {min(tries)}-{max(tries)} ({args.runs} runs)",
                flush=True,
            )


if __name__ == "__main__":
    main()
