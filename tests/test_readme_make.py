"""The README's ``make`` commands: each names a Makefile target, runs what the README says
it runs, and the test runs it points at exist and read the variables it sets.

The commands are checked with ``make -n`` (what make would run, without running it): the
installs they start need the network, and the servers they name need Docker.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme_examples import README, ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)
# `make TARGET` with the VAR="…" assignments written after it.
MAKE = re.compile(r"(?:^|[\s;&|])make (\w+)((?: \w+=\"[^\"]*\")*)", re.M)


def make_commands() -> list[tuple[str, dict[str, str]]]:
    found = []
    for block in SH_BLOCKS:
        code = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
        for target, assignments in MAKE.findall(code.replace("\\\n", " ")):
            variables = dict(re.findall(r'(\w+)="([^"]*)"', assignments))
            found.append((target, variables))
    return found


def dry_run(target: str, variables: dict[str, str], venv: Path) -> list[str]:
    """What ``make TARGET`` runs once its environment is installed."""
    venv_bin = venv / "bin"
    venv_bin.mkdir(parents=True, exist_ok=True)
    (venv_bin / "python").touch()
    for stamp in (".installed", ".installed-test"):
        (venv / stamp).touch()
    assignments = [f"{k}={v}" for k, v in variables.items()]
    done = subprocess.run(
        [
            "make",
            "-n",
            "--no-print-directory",
            "-C",
            str(ROOT),
            target,
            f"VENV={venv}",
            *assignments,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.replace("\\\n", " ").splitlines() if line.strip()]


def test_the_readme_names_make_run_and_make_test() -> None:
    targets = {target for target, _ in make_commands()}
    assert {"run", "test"} <= targets, targets


@pytest.mark.parametrize(("target", "variables"), make_commands())
def test_each_make_command_is_a_target(
    target: str, variables: dict[str, str], tmp_path: Path
) -> None:
    assert dry_run(target, variables, tmp_path / "venv"), f"make {target} runs nothing"


def test_make_run_serves(tmp_path: Path) -> None:
    """The README's examples start ``commonplace serve`` where they say ``make run``."""
    assert dry_run("run", {}, tmp_path / "venv")[-1].endswith("/bin/commonplace serve")


def test_make_test_hands_its_arguments_to_pytest(tmp_path: Path) -> None:
    for target, variables in make_commands():
        if target != "test" or "PYTEST_ARGS" not in variables:
            continue
        last = dry_run(target, variables, tmp_path / "venv")[-1]
        assert " -m pytest " in last and last.endswith(f" {variables['PYTEST_ARGS']}"), last


def pytest_args() -> list[str]:
    return [v["PYTEST_ARGS"] for t, v in make_commands() if t == "test" and "PYTEST_ARGS" in v]


@pytest.mark.parametrize("args", pytest_args())
def test_the_pointed_test_runs_select_tests(args: str) -> None:
    words = shlex.split(args)
    for word in words:
        if word.startswith("tests/"):
            assert (ROOT / word).exists(), word
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *words],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stdout[-2000:]
    count = re.search(r"^(\d+)(?:/\d+)? tests? collected", collected.stdout, re.M)
    assert count and int(count.group(1)) > 0, collected.stdout[-500:]


def test_the_variables_set_for_those_runs_are_read_by_the_tests() -> None:
    """``MEILISEARCH_URL=… make test …``: each variable is one the test code reads."""
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").rglob("*.py")
        if not path.name.startswith("test_readme")
    )
    for block in SH_BLOCKS:
        if "make test" not in block:
            continue
        for variable in set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", block)) - {"PYTEST_ARGS"}:
            assert f'"{variable}"' in sources, f"no test reads {variable}"
