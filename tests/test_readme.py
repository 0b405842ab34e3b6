"""The README's settings table is the Settings object's, and says what a newcomer needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from infra import settings_doc
from infra.settings import Settings, default_admin_email

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_table_is_the_one_made_from_the_settings() -> None:
    assert settings_doc.documented(README) == settings_doc.table(), (
        "The README's settings table is out of date: python -m infra.settings_doc --write README.md"
    )


def test_every_setting_is_described_and_listed() -> None:
    documented = settings_doc.documented(README)
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"`COMMONPLACE_{name.upper()}`" in documented
    for wanted in ("BASE_URL", "SITE_NAME", "OAI_ADMIN_EMAIL", "FETCH_ALLOW_NETWORKS"):
        assert f"`COMMONPLACE_{wanted}`" in documented


def test_a_changed_setting_makes_the_table_differ() -> None:
    """The comparison can fail: a README with an older table does not match."""
    stale = README.replace("| `COMMONPLACE_SITE_NAME` |", "| `COMMONPLACE_SITE_TITLE` |")
    assert settings_doc.documented(stale) != settings_doc.table()
    assert settings_doc.documented(settings_doc.rewrite(stale)) == settings_doc.table()


def test_the_module_prints_the_table() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "infra.settings_doc"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    assert printed == settings_doc.table()


def test_the_oai_contact_is_never_an_address_at_an_ip() -> None:
    assert Settings(base_url="http://127.0.0.1:8000").oai_admin_email == "archive@localhost"
    assert default_admin_email("http://127.0.0.1:8000") == "archive@localhost"
    assert default_admin_email("http://[::1]:8000") == "archive@localhost"
    assert default_admin_email("https://archive.example.org/") == "archive@archive.example.org"
    assert Settings(base_url="https://cp.example.net").oai_admin_email == "archive@cp.example.net"
    chosen = Settings(oai_admin_email="curator@example.org")
    assert chosen.oai_admin_email == "curator@example.org"
