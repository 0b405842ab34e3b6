"""The README's shell examples, run as written (with curl and the ``commonplace`` command)
against live sites on 127.0.0.1: the quick session, search, media upload, OAI-PMH, feeds
and the change feed, and an adaptation on a fresh site of another site's artifact.

Only what names an address or a stand-in is substituted (``http://127.0.0.1:8000``, the
example other site, the path of the command); each substitution must find its text, so
an example that changes shape fails here instead of silently not running.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from domain.access import ANONYMOUS
from infra.bootstrap import Container, build, prepare
from infra.settings import Settings
from services.api.app import create_app
from tests import media_samples
from tests.benchmarks.server import BackgroundServer
from tests.web.live import LiveSite, _Deferred

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMAND = Path(sys.executable).parent / "commonplace"
DEFAULT_ADDRESS = "http://127.0.0.1:8000"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the examples use curl")

# Every curl reports its status, method and URL on stderr; the last body is kept so
# that the "ID=..." placeholder can be filled from the answer it refers to.
PRELUDE = r"""
curl() {
  command curl -w '%{stderr}CURL %{http_code} %{method} %{url_effective}\n' "$@" | tee "$LAST_BODY"
}
"""
LAST_ID = (
    f"ID=$({sys.executable} -c 'import json, sys; "
    'print(json.loads(open(sys.argv[1]).read().split("\\n\\n")[-1])["id"])\''
    ' "$LAST_BODY")'
)


def block(containing: str) -> str:
    """The one ``sh`` block of the README that contains ``containing``."""
    found = [b for b in re.findall(r"```sh\n(.*?)```", README, re.S) if containing in b]
    assert len(found) == 1, f"{len(found)} README examples contain {containing!r}"
    return str(found[0])


# Each ``sh`` block of the README, by a text only it contains, and the test that runs it.
EXERCISED = {
    "make test   # adds the test tools": "tests/test_readme_make.py",
    "Tuscon": "test_the_search_examples",
    "pip install -e '.[meilisearch]'": "tests/test_readme_servers.py::test_search_on_meilisearch",
    "UPLOAD_URL": "test_the_media_upload",
    "verb=Identify": "test_harvesting_feeds_and_the_change_feed",
    "/api/v1/adaptations": "test_adapting_another_sites_artifact_on_a_fresh_site",
    "commonplace tokens revoke": "tests/test_readme_servers.py::test_the_operator_commands",
    "createdb commonplace": "tests/test_readme_servers.py::test_running_on_postgresql",
    "compose.yaml up -d\n": "tests/test_readme_servers.py (the compose file)",
    "Listening first": "test_the_api_session",
    "up -d meilisearch": "tests/test_readme_make.py",
    "up -d minio": "tests/test_readme_make.py",
}


def test_every_example_has_a_test() -> None:
    """A new example fails here until a test runs it (and is named in EXERCISED)."""
    for example in re.findall(r"```sh\n(.*?)```", README, re.S):
        claimed = [marker for marker in EXERCISED if marker in example]
        assert len(claimed) == 1, f"{claimed} claim the README example:\n{example}"
    for marker in EXERCISED:
        block(marker)  # each marker still finds its one example


def curl_count(script: str) -> int:
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    return sum(len(re.findall(r"(?:^\s*|\$\()curl\s", line)) for line in lines)


def substitute(script: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in script, f"the README example no longer has {old!r}"
        script = script.replace(old, new)
    return script


def run(script: str, cwd: Path, **env: str) -> tuple[list[tuple[int, str, str]], str]:
    """Run an example in bash; every curl's (status, method, URL), and what it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COMMONPLACE_")}
    environment.update(env, LAST_BODY=str(cwd / "last-body"))
    done = subprocess.run(
        ["bash", "-c", PRELUDE + script.replace(".venv/bin/commonplace", str(COMMAND))],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    calls = []
    for line in done.stderr.splitlines():
        if line.startswith("CURL "):
            code, method, url = line.split(" ", 3)[1:]
            calls.append((int(code), method, url))
    assert len(calls) == curl_count(script), done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return calls, done.stdout


def assert_all_succeeded(calls: list[tuple[int, str, str]]) -> None:
    failed = [call for call in calls if not 200 <= call[0] < 400]
    assert not failed, failed


@pytest.fixture(scope="module")
def demo() -> Iterator[LiveSite]:
    with LiveSite() as site:
        yield site


class FreshSite:
    """A site as a new operator starts it: no demo archive, only the seeded frameworks.
    It may fetch from 127.0.0.1, where the other test site runs."""

    def __init__(self, folder: Path) -> None:
        deferred = _Deferred()  # the app is made once the port, and so BASE_URL, is known
        self.server = BackgroundServer(deferred)
        self.url = self.server.base_url
        settings = Settings(
            data_dir=folder / "fresh",
            load_demo=False,
            base_url=self.url,
            fetch_allow_networks=["127.0.0.0/8"],
        )
        self.container: Container = build(settings)
        prepare(self.container)
        deferred.app = create_app(container=self.container)

    def token(self, role: str) -> str:
        return str(self.container.archive.tokens.issue(role, f"Fresh {role}")[0])


def shareable_artifact(site: LiveSite) -> str:
    """A public demo artifact whose licence lets others adapt it."""
    for hit in site.search(per_page=100)["hits"]:
        view = site.container.archive.reading.get_artifact(ANONYMOUS, UUID(hit["id"]))
        if "-nd" not in str(view.get("licence")).lower():
            return str(hit["id"])
    raise LookupError("no adaptable demo artifact")


def test_the_api_session(demo: LiveSite, tmp_path: Path) -> None:
    script = substitute(
        block("Listening first"),
        {DEFAULT_ADDRESS: demo.url, "ID=...": LAST_ID},
    )
    data_dir = str(demo.container.settings.data_dir)
    calls, printed = run(script, tmp_path, COMMONPLACE_DATA_DIR=data_dir)
    assert_all_succeeded(calls)
    assert "Listening first" in printed
    assert calls[-1][1] == "POST" and calls[-1][2].endswith("/withdraw")


def test_the_search_examples(demo: LiveSite, tmp_path: Path) -> None:
    calls, printed = run(block("Tuscon"), tmp_path, BASE=f"{demo.url}/api/v1")
    assert_all_succeeded(calls)
    totals = [int(n) for n in re.findall(r'"total":(\d+)', printed)]
    assert len(totals) >= 5 and 0 not in totals, totals  # each search finds something
    # What a client is told to fetch is absolute (search results' artifacts and media).
    assert f'"url":"{demo.url}/api/v1/artifacts/' in printed
    assert not re.findall(r'"(?:url|thumbnail)":"/', printed)


def test_the_media_upload(demo: LiveSite, tmp_path: Path) -> None:
    (tmp_path / "circle.jpg").write_bytes(media_samples.jpeg_with_gps(320, 200))
    partner = demo.tokens["partner"]
    archive = demo.container.archive
    who = archive.tokens.authenticate(partner)
    assert who is not None
    draft = archive.artifacts.create(who, "story", {"title": "Circle"})
    calls, _ = run(
        block("UPLOAD_URL"), tmp_path, BASE=f"{demo.url}/api/v1", ID=draft.id, PARTNER=partner
    )
    assert_all_succeeded(calls)
    assert [method for _, method, _ in calls] == ["POST", "PUT", "POST"]
    view = archive.reading.get_artifact(who, UUID(draft.id), draft=True)
    assert [m["alt"] for m in view["media"]] == ["Students sitting in a circle"]


def test_harvesting_feeds_and_the_change_feed(demo: LiveSite, tmp_path: Path) -> None:
    script = substitute(
        block("verb=Identify"), {"SITE=https://archive.example.org": f"SITE={demo.url}"}
    )
    calls, _ = run(script, tmp_path, ID=shareable_artifact(demo))
    assert_all_succeeded(calls)
    assert (tmp_path / "story.zip").read_bytes()[:2] == b"PK"


def test_adapting_another_sites_artifact_on_a_fresh_site(demo: LiveSite, tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fresh = FreshSite(Path(folder))
        with fresh.server:
            script = substitute(block("/api/v1/adaptations"), {DEFAULT_ADDRESS: fresh.url})
            calls, printed = run(
                script,
                tmp_path,
                SITE=demo.url,
                ID=shareable_artifact(demo),
                EDITOR=fresh.token("editor"),
                PARTNER=fresh.token("partner"),
            )
        fresh.container.close()
    assert [code for code, _, _ in calls] == [201, 201], printed
    assert '"place":"harbour-school"' in printed.replace(" ", "")
