"""`commonplace tokens create --email`: where a principal's notifications are emailed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.bootstrap import build
from infra.settings import Settings
from services.cli import app
from services.indexer.inbox import ArchiveDirectory


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COMMONPLACE_DATA_DIR", str(tmp_path))
    return CliRunner()


def test_a_token_with_an_email_address(runner: CliRunner, tmp_path: Path) -> None:
    created = runner.invoke(
        app,
        ["tokens", "create", "--role", "partner", "--name", "Pat", "--email", "pat@example.org"],
    )
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    with build(Settings(data_dir=tmp_path, load_demo=False)) as container:
        principal = container.archive.tokens.authenticate(token)
        assert principal is not None and principal.id is not None
        assert ArchiveDirectory(container.archive).email(principal.id) == "pat@example.org"
        assert container.archive.tokens.issued()[0]["email"] == "pat@example.org"


def test_a_wrong_address_is_refused(runner: CliRunner) -> None:
    refused = runner.invoke(
        app, ["tokens", "create", "--role", "partner", "--name", "Pat", "--email", "pat at home"]
    )
    assert refused.exit_code != 0
    assert "not an email address" in refused.output
