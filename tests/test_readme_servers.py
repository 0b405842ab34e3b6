"""The README's examples that start servers or run the ``commonplace`` command: the
operator commands, search on Meilisearch (here a Meilisearch stand-in, not Meilisearch),
PostgreSQL, the Docker compose file and the code map.

``make run`` and ``commonplace serve`` are run as a short-lived server that answers one
search and is stopped; ``make run`` runs ``commonplace serve`` (tests/test_readme_make.py
checks that).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.test_serve_process import free_port
from tests.standin_meilisearch import MeilisearchStandIn
from tests.test_readme_examples import COMMAND, README, ROOT, block, run, substitute

COMPOSE = ROOT / "infra" / "compose.yaml"

# `make run` and `commonplace serve`, until a search finds the demo archive (the indexer
# beside the server has caught up) or a minute has passed. The curl here is
# `command curl`: the examples' own curls are the ones counted and reported.
SERVE_BRIEFLY = """
serve_briefly() {
  "$SERVE_COMMAND" serve --host 127.0.0.1 --port "$SERVE_PORT" > "$SERVE_LOG" 2>&1 &
  local pid=$! status=0
  for _ in $(seq 1 600); do
    if command curl -sf "http://127.0.0.1:$SERVE_PORT/api/v1/search?q=$SERVE_QUERY" \\
        -o "$SERVE_ANSWER" && grep -q '"total":[1-9]' "$SERVE_ANSWER"; then break; fi
    sleep 0.1
  done
  kill -TERM "$pid"; wait "$pid" || status=$?
  echo "SERVED $status"
}
"""


def briefly(script: str, folder: Path, query: str = "belonging") -> tuple[str, dict[str, str]]:
    env = {
        "SERVE_PORT": str(free_port()),
        "SERVE_LOG": str(folder / "serve.log"),
        "SERVE_ANSWER": str(folder / "answer.json"),
        "SERVE_QUERY": query,
        "SERVE_COMMAND": str(COMMAND),
    }
    return SERVE_BRIEFLY + script, env


def served_answer(folder: Path) -> str:
    answer, log = folder / "answer.json", folder / "serve.log"
    said = log.read_text(encoding="utf-8") if log.exists() else "(nothing)"
    assert answer.exists(), f"the server never answered a search; it said:\n{said}"
    return answer.read_text(encoding="utf-8")


def stopped_cleanly(printed: str) -> bool:
    """The server stopped when told to (exit 0, or the SIGTERM status 143)."""
    return re.search(r"^SERVED (0|143)$", printed, re.M) is not None


def extras() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(project["project"]["optional-dependencies"])


def test_the_operator_commands(tmp_path: Path) -> None:
    script, env = briefly(block("commonplace tokens revoke"), tmp_path)
    script = substitute(
        script,
        {
            ".venv/bin/commonplace serve": "serve_briefly",
            ".venv/bin/commonplace indexer": "{ timeout 5 .venv/bin/commonplace indexer "
            "|| echo INDEXER $?; }",
            "[--delete]": "--delete",
            "TOKEN_ID": "$(.venv/bin/commonplace tokens list | grep -oE '[0-9a-f-]{36}' | head -1)",
        },
    )
    env.update(COMMONPLACE_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    _, printed = run("set -e\n" + script, tmp_path, **env)
    assert stopped_cleanly(printed)
    assert re.search(r'"total":[1-9]', served_answer(tmp_path))
    assert "INDEXER 124" in printed  # still running when stopped: it runs until told to stop
    assert "Rebuilt:" in printed and "Removed: 0 object(s)." in printed
    assert "Demo archive loaded" in printed
    assert re.search(r"^cp_\S+$", printed, re.M)
    assert "Rosa Díaz" in printed and "Revoked " in printed


@pytest.fixture
def meilisearch() -> Iterator[MeilisearchStandIn]:
    with MeilisearchStandIn(api_key="commonplace-development-key") as server:
        yield server


def test_search_on_meilisearch(meilisearch: MeilisearchStandIn, tmp_path: Path) -> None:
    """The block's settings, against the Meilisearch stand-in at the address they name."""
    assert any(r.startswith("meilisearch") for r in extras()["meilisearch"])
    script, env = briefly(block("pip install -e '.[meilisearch]'"), tmp_path)
    script = substitute(
        script,
        {
            ".venv/bin/pip install -e '.[meilisearch]'": f"{COMMAND.parent}/python -c "
            "'import meilisearch'",
            "http://127.0.0.1:7700": meilisearch.url,
            "\nmake run": "\nserve_briefly",
        },
    )
    env["COMMONPLACE_DATA_DIR"] = str(tmp_path / "data")
    _, printed = run("set -e\n" + script, tmp_path, **env)
    assert "Rebuilt:" in printed and stopped_cleanly(printed)
    totals = re.findall(r'"total":\s*(\d+)', served_answer(tmp_path))
    assert totals and int(totals[0]) > 0, "the demo archive is found through Meilisearch"
    paths = {request.path for request in meilisearch.requests}
    assert any(p.endswith("/search") for p in paths), paths
    assert any(p.endswith("/documents") for p in paths), paths


def postgres_admin() -> str | None:
    """The trust-auth PostgreSQL the README's example assumes, if one answers."""
    if shutil.which("createdb") is None or shutil.which("psql") is None:
        return None
    answer = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "select 1", "postgres"],
        capture_output=True,
        timeout=10,
    )
    return "postgres" if answer.returncode == 0 else None


def test_running_on_postgresql(tmp_path: Path) -> None:
    if postgres_admin() is None:
        pytest.skip("no PostgreSQL with trust authentication on 127.0.0.1:5432")
    database = f"readme_{uuid.uuid4().hex[:10]}"
    script, env = briefly(block("createdb commonplace"), tmp_path)
    script = substitute(
        script,
        {
            "createdb commonplace": f"createdb {database}",
            "5432/commonplace": f"5432/{database}",
            "\nmake run": "\nserve_briefly",
        },
    )
    env.update(PGHOST="127.0.0.1", PGUSER="postgres", COMMONPLACE_DATA_DIR=str(tmp_path / "d"))
    try:
        _, printed = run("set -e\n" + script, tmp_path, **env)
    finally:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database],
            capture_output=True,
            timeout=30,
        )
    assert stopped_cleanly(printed)
    assert re.search(r'"total":[1-9]', served_answer(tmp_path))
    assert "postgresql" in (tmp_path / "serve.log").read_text(encoding="utf-8").lower()


# -- the compose file ------------------------------------------------------------------


def exported(script: str) -> dict[str, str]:
    """``export A=x B=y`` lines as a mapping."""
    found: dict[str, str] = {}
    for line in script.splitlines():
        if line.startswith("export "):
            for pair in line.removeprefix("export ").split():
                name, _, value = pair.partition("=")
                found[name] = value
    return found


def test_the_compose_example_matches_the_compose_file() -> None:
    """What the README exports reaches the servers the compose file starts, as configured."""
    example = block("docker compose -f infra/compose.yaml up -d\n")
    services: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    env = exported(example)
    pg = services["postgres"]["environment"]
    user, password, database = pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"]
    expected_db = f"postgresql://{user}:{password}@127.0.0.1:5432/{database}"
    assert env["COMMONPLACE_DATABASE_URL"] == expected_db
    meili = services["meilisearch"]
    assert env["COMMONPLACE_MEILISEARCH_KEY"] == meili["environment"]["MEILI_MASTER_KEY"]
    assert "127.0.0.1:7700:7700" in meili["ports"]
    minio = services["minio"]
    assert env["COMMONPLACE_S3_ACCESS_KEY"] == minio["environment"]["MINIO_ROOT_USER"]
    assert env["COMMONPLACE_S3_SECRET_KEY"] == minio["environment"]["MINIO_ROOT_PASSWORD"]
    assert "127.0.0.1:9000:9000" in minio["ports"]
    assert {"meilisearch", "s3"} <= set(extras())
    for service in re.findall(r"compose -f infra/compose.yaml up -d (\w+)", README):
        assert service in services, service


def compose_command() -> list[str] | None:
    if shutil.which("docker") is None:
        return None
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    if plugin.returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_docker_compose_accepts_the_compose_file() -> None:
    """``docker compose config`` validates the file without pulling an image. CI installs
    Debian's docker-compose (1.29) where the Compose plugin is missing, so the file keeps
    to what both read (no top-level ``name``). Skipped on a machine with neither; the
    test above checks the file's contents."""
    command = compose_command()
    if command is None:
        pytest.skip("Docker Compose is not installed here (the file is checked above)")
    checked = subprocess.run(
        [*command, "-f", str(COMPOSE), "config", "--services"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert set(checked.stdout.split()) == {"postgres", "meilisearch", "minio"}


def test_the_code_map_names_folders_that_exist() -> None:
    code_map = re.search(r"```\n(domain/ .*?)```", README, re.S)
    assert code_map is not None, "the README's code map is gone"
    named = re.findall(r"^(\S+/\S*)\s", code_map.group(1), re.M)
    assert len(named) >= 5, named
    for path in named:
        assert (ROOT / path).exists(), path
