"""Seconds from a fresh clone to the first page: `git clone`, `make run`, poll `/`.

    python -m tests.benchmarks.first_page [--source /work/main] [--port 8765] [--ref COMMIT]

Clones the committed tree into a temporary folder, runs `make run` there (which
creates the virtual environment, installs and starts the server), polls the
home page every 0.1 s and prints the time until it answers 200, with the
moments the virtual environment and the install were done. The server is then
stopped and the clone removed. It also prints the CPU time every process it
started used, which depends far less than the wall time on what else the
machine is doing. pip may use its local wheel cache and index; the figure says
what this machine does, with whatever cache it has.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def measure(source: str, port: int, limit: float, ref: str | None = None) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="commonplace-fresh-"))
    clone = folder / "fresh"
    started = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", source, str(clone)], check=True)
    if ref:  # an older commit, to compare under the same load
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    cloned = time.monotonic() - started
    env = {**os.environ, "COMMONPLACE_PORT": str(port)}
    env.pop("VIRTUAL_ENV", None)
    server = subprocess.Popen(
        ["make", "run"], cwd=clone, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    installed = venv = 0.0
    try:
        while not answers(url):
            if server.poll() is not None:
                raise SystemExit(f"make run stopped with {server.returncode}")
            if not venv and (clone / ".venv" / "bin" / "pip").exists():
                venv = time.monotonic() - started
            if not installed and (clone / ".venv" / ".installed").exists():
                installed = time.monotonic() - started
            if time.monotonic() - started > limit:
                raise SystemExit(f"no page within {limit:.0f} s")
            time.sleep(0.1)
        total = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = used.ru_utime + used.ru_stime  # every process `make run` started, once reaped
    return {
        "clone": cloned, "venv": venv, "installed": installed, "first_page": total, "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default=str(Path(__file__).resolve().parents[2]))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--limit", type=float, default=300.0)
    parser.add_argument("--ref", help="measure this commit instead of the clone's HEAD")
    args = parser.parse_args()
    figures = measure(args.source, args.port, args.limit, args.ref)
    print(
        f"clone {figures['clone']:.1f} s · venv {figures['venv']:.1f} s · "
        f"installed {figures['installed']:.1f} s · "
        f"first page {figures['first_page']:.1f} s after the clone began · "
        f"CPU time of git, make and everything they ran {figures['cpu']:.1f} s"
    )


if __name__ == "__main__":
    main()
