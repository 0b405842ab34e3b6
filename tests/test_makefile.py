"""`make run` installs only what the server needs; `make test` adds the test extras."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str, venv: Path) -> list[str]:
    """The commands `make TARGET` would run for a clone without a virtual environment."""
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.replace("\\\n", " ").splitlines()


def installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "pip install" in line]


def test_run_installs_the_package_without_the_test_extras(tmp_path: Path) -> None:
    commands = installs(dry_run("run", tmp_path / "venv"))
    assert commands, "make run installs the package"
    assert all("[test]" not in line for line in commands), commands
    assert any(line.rstrip().endswith("-e .") for line in commands), commands


def test_test_adds_the_test_extras(tmp_path: Path) -> None:
    commands = installs(dry_run("test", tmp_path / "venv"))
    assert any("'.[test]'" in line for line in commands), commands


def test_the_two_installs_keep_separate_stamps(tmp_path: Path) -> None:
    """A venv made by `make run` still gets the test extras from `make test`."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / ".installed").touch()
    assert not installs(dry_run("run", venv))
    assert any("[test]" in line for line in installs(dry_run("test", venv)))


def test_test_reports_the_coverage_of_the_three_packages(tmp_path: Path) -> None:
    lines = dry_run("test", tmp_path / "venv")
    runs = [line for line in lines if "-m pytest" in line]
    assert len(runs) == 1, lines
    for package in ("domain", "infra", "services"):
        assert f"--cov={package}" in runs[0], runs[0]
    assert "--cov-report=term" in runs[0], runs[0]
