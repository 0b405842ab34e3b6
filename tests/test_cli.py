"""The operator command, against a real data directory."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.bootstrap import build
from infra.settings import Settings
from services.banner import banner, demo_state
from services.cli import app
from tests.integration.test_serve_process import COMMAND, ROOT, free_port


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
        principal = container.archive.tokens.authenticate(token)
        assert principal is not None and principal.name == "Rosa"
        token_id = container.archive.tokens.issued()[0]["id"]
    listed = runner.invoke(app, ["tokens", "list"])
    assert "Rosa" in listed.output and token not in listed.output
    assert runner.invoke(app, ["tokens", "revoke", token_id]).exit_code == 0
    with build(Settings(data_dir=tmp_path)) as container:
        assert container.archive.tokens.authenticate(token) is None
    assert runner.invoke(app, ["tokens", "revoke", "not-an-id"]).exit_code == 1


def test_unknown_role_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["tokens", "create", "--role", "king", "--name", "X"])
    assert result.exit_code != 0 and "king" in result.output


def test_demo_load(runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "artifacts" in result.output


def _serve_until_ready(tmp_path: Path, **env: str) -> str:
    """Start ``commonplace serve`` as an operator does and return what it printed by the
    time it answers; the process is then stopped."""
    port = free_port()
    log = tmp_path / "serve.log"
    environment = {**os.environ, "COMMONPLACE_DATA_DIR": str(tmp_path / "data"), **env}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(COMMAND), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-indexer"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while "tokens create" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        return log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_says_where_it_answers_where_the_data_is_and_how_to_sign_in(
    tmp_path: Path,
) -> None:
    printed = _serve_until_ready(tmp_path, COMMONPLACE_LOAD_DEMO="false")
    data = (tmp_path / "data").resolve()
    assert "serving on http://127.0.0.1:" in printed
    assert "Demo archive: not loaded (COMMONPLACE_LOAD_DEMO=false)" in printed
    assert f"Events:  {data / 'events.sqlite3'}" in printed
    assert f"Search:  {data / 'search'}" in printed
    assert f"Media:   {data / 'media'}" in printed
    command = next(line for line in printed.splitlines() if "tokens create" in line)
    # The printed command, pasted into a shell, makes a token that signs in to this store.
    made = subprocess.run(
        ["sh", "-c", command.strip()], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("COMMONPLACE_")},
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    with build(Settings(data_dir=data)) as container:
        principal = container.archive.tokens.authenticate(token)
        assert principal is not None and principal.role == "editor"


def test_serve_says_when_it_loaded_the_demo(tmp_path: Path) -> None:
    printed = _serve_until_ready(tmp_path, COMMONPLACE_LOAD_DEMO="true")
    assert "Demo archive: loaded into the empty store" in printed


def test_the_start_up_text_names_external_stores_without_their_password() -> None:
    settings = Settings(
        database_url="postgresql://cp:s3cret@db.internal:5433/archive",
        database_schema="site_a",
        search_backend="meilisearch",
        meilisearch_url="http://127.0.0.1:7700",
        media_backend="s3",
        s3_bucket="media-a",
        s3_endpoint_url="http://127.0.0.1:9000",
        host="0.0.0.0",
        base_url="https://archive.example.org",
    )
    text = "\n".join(banner(settings, demo_state(settings, 42), program="commonplace"))
    assert "s3cret" not in text
    assert "PostgreSQL postgresql://cp@db.internal:5433/archive (schema site_a)" in text
    assert "Meilisearch http://127.0.0.1:7700 (index artifacts)" in text
    assert "S3 bucket media-a at http://127.0.0.1:9000" in text
    assert "serving on http://0.0.0.0:8000" in text
    assert "Public address (BASE_URL): https://archive.example.org" in text
    assert "Demo archive: not loaded: the store already holds an archive" in text
