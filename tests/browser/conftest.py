"""Playwright driving Debian's Chromium, headless, with no background networking."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("BARRIO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the live server's database calls
# happen in its own thread, but fixtures that write test data run here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# What Chromium says when a script runs while the page is being replaced by the next one.
_NAVIGATING = ("Execution context was destroyed", "reading 'documentElement'")


def serious_violations(page: Any) -> list[str]:
    """Run axe-core on the page once it has loaded; return the serious and critical
    violations, described.

    A click on a link returns before the next page has replaced the current one; axe-core run
    in between finds no document. The run then waits for the next page and starts again, a few
    times at most: any other failure, or a page that never settles, fails the test."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            violations = Axe().run(page).response["violations"]
        except Error as error:
            if attempt == 2 or not any(sign in str(error) for sign in _NAVIGATING):
                raise
            page.wait_for_timeout(200)
            continue
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in violations
            if v["impact"] in {"serious", "critical"}
        ]
    raise AssertionError("unreachable: the last attempt returns or raises")
