"""The operator command, against a real data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.bootstrap import build
from infra.settings import Settings
from services.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The CLI reads settings from the environment, as an operator's shell would.
    monkeypatch.setenv("COMMONPLACE_DATA_DIR", str(tmp_path))
    return CliRunner()


def test_tokens_create_list_revoke(runner: CliRunner, tmp_path: Path) -> None:
    created = runner.invoke(app, ["tokens", "create", "--role", "editor", "--name", "Rosa"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("cp_")
    with build(Settings(data_dir=tmp_path)) as container:
        principal = container.archive.authenticate(token)
        assert principal is not None and principal.name == "Rosa"
        token_id = container.archive.list_tokens()[0]["id"]
    listed = runner.invoke(app, ["tokens", "list"])
    assert "Rosa" in listed.output and token not in listed.output
    assert runner.invoke(app, ["tokens", "revoke", token_id]).exit_code == 0
    with build(Settings(data_dir=tmp_path)) as container:
        assert container.archive.authenticate(token) is None
    assert runner.invoke(app, ["tokens", "revoke", "not-an-id"]).exit_code == 1


def test_unknown_role_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "create", "--role", "king", "--name", "X"])
    assert result.exit_code != 0 and "king" in result.output


def test_demo_load(runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "artifacts" in result.output
