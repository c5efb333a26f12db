"""Playwright driving Debian's Chromium, headless, with no background networking."""

from __future__ import annotations

import os
import sys
import threading
import traceback
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


def phone(browser: Any, locale: str = "es-MX") -> tuple[Any, Any]:
    """A new context with a phone-sized page, in ``locale``; returns ``(context, page)``."""
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context, page = phone(browser)
    # The requests not answered yet, shown if the test fails (see pytest_runtest_makereport).
    pending: dict[Any, str] = {}
    page.on("request", lambda request: pending.__setitem__(request, request.url))
    page.on("requestfinished", lambda request: pending.pop(request, None))
    page.on("requestfailed", lambda request: pending.pop(request, None))
    page.barrio_pending = pending
    yield page
    context.close()


def sign_in_on(page: Any, live_server: Any, email: str, password: str, device: Any = None) -> None:
    """Sign in on ``page`` with ``email`` and ``password`` and, given the user's authenticator
    ``device``, its current code; return once the home page, where signing in ends, has loaded.

    A click on the form's button returns before the browser has followed the answer, and
    waiting for the page's load state can find the sign-in page still there; waiting for
    the home page's address leaves no navigation of the sign-in under way when the test
    goes on. (The duplicates queue's test, which timed out twice in about twenty CI runs
    with the page left at ``/``, went on without waiting; slowing the sign-in's answer or
    the home page did not make it fail, so that timeout's cause is still open.)
    """
    from django_otp.oath import totp

    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar sesión").click()
    if device is not None:
        page.get_by_label("Código de su aplicación de autenticación").fill(
            f"{totp(device.bin_key):06d}"
        )
        page.get_by_role("button", name="Continuar").click()
    page.wait_for_url(live_server.url + "/")


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a browser test fails, say what was still under way: the requests the page had not
    had answered, every other thread's stack (the live server answers in threads of this
    process), and on PostgreSQL the test database's sessions and the locks they wait for.

    A test of the duplicates queue timed out twice in about twenty CI runs, on PostgreSQL
    only, without a trace of what the server was doing; this is to catch it the next time."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when != "call" or not report.failed:
        return
    lines = []
    page = getattr(item, "funcargs", {}).get("page")
    if page is not None:
        lines.append(f"requests not answered: {sorted(page.barrio_pending.values())}")
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        if ident != threading.get_ident():
            lines.append(f"--- thread {names.get(ident, ident)}")
            lines.extend(line.rstrip() for line in traceback.format_stack(frame)[-12:])
    lines.extend(_database_sessions())
    report.sections.append(("what was under way", "\n".join(lines)))


def _database_sessions() -> list[str]:
    """The other sessions of the test database and what they wait for (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    query = """
        SELECT pid, state, wait_event_type, wait_event, now() - xact_start,
               pg_blocking_pids(pid), left(query, 200)
        FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return ["--- database sessions"] + [" | ".join(map(str, row)) for row in cursor]
    except Exception as error:  # a report must not hide the failure it reports
        return [f"--- database sessions unavailable: {error}"]
