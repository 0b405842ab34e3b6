"""Browser tests: Debian's Chromium, driven by Playwright, against the demo archive
served by uvicorn on a loopback port.

Without /usr/bin/chromium (or the playwright package) these tests are skipped with
the reason shown; under CI (CI=true) they fail instead, so a missing browser is
never mistaken for a pass.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.live import LiveSite

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    return None


# Chromium's stand-in camera and microphone, and no permission prompt for them.
FAKE_MEDIA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """One Playwright driver for the whole run: its sync API allows one per thread."""
    problem = _missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests cannot run under CI: {problem}")
        pytest.skip(f"Browser tests skipped: {problem}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Any) -> Iterator[Any]:
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def phone_browser(playwright_driver: Any) -> Iterator[Any]:
    """Chromium with the stand-in camera and microphone, for capture on a phone."""
    args = ARGS + FAKE_MEDIA
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=args)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def site(browser: Any) -> Iterator[LiveSite]:
    with LiveSite() as live:
        yield live


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def shoot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, site: LiveSite, role: str) -> None:
    page.goto(f"{site.url}/signin")
    page.get_by_label("Access token").fill(site.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
