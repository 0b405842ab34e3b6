"""A description of the machine and software the benchmarks ran on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PACKAGES = ("eventsourcing", "fastapi", "starlette", "uvicorn", "uvloop", "httptools",
            "pydantic", "httpx", "psycopg")  # fmt: skip


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def memory_gib() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 1024 / 1024:.1f} GiB"
    return "unknown"


def os_name() -> str:
    pretty = ""
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.partition("=")[2].strip('"')
    return f"{pretty or platform.system()} (kernel {platform.release()}, {platform.machine()})"


def version_of(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def commit() -> str:
    """The checked-out commit, marked -dirty when tracked files have changed."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parents[2],
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def load() -> str:
    """The load averages (1, 5, 15 min): other work on the machine shows up here."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min)"


def describe() -> list[tuple[str, str]]:
    """(label, value) pairs for the header."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()} logical" + (f" ({usable} usable by this process)" if usable else "")
    rows = [
        ("Date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ("Commit", commit()),
        ("CPU", cpu_model()),
        ("Cores", cores),
        ("Memory", memory_gib()),
        ("OS", os_name()),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("SQLite library", sqlite3.sqlite_version),
        ("Load average", load()),
    ]
    rows += [(name, version_of(name)) for name in PACKAGES]
    return rows
