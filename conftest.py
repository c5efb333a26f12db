"""Test set-up shared by the whole suite.

- With ``CI=true`` a skipped test fails: a missing browser or database cannot pass silently.
- No test may reach the network beyond this machine's loopback.
- Property tests have no time limit per example: speed is measured in ``bench/``, and a
  loaded machine would otherwise fail them at random (Hypothesis' default is 200 ms).
- Two tests may not share an id (pytest-xdist would run one of them), and a run that ends
  without having run every collected test fails, even if nothing failed.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("barrio", deadline=None)
settings.load_profile("barrio")

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every test must run: {report.longrepr}"


_real_connect = socket.socket.connect


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket (e.g. PostgreSQL's)
        return True
    host = address[0]
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise OSError(f"Tests may not reach the network (tried {address!r}).")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any connection that leaves this machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    """Argon2 is slow on purpose; tests hash with MD5 (``test_argon2_is_the_hasher`` checks
    that the real settings use Argon2). Core tests may run without Django (-p no:django)."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_finished = 0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    counts = Counter(item.nodeid for item in items)
    shared = sorted(nodeid for nodeid, count in counts.items() if count > 1)
    if shared:
        raise pytest.UsageError(
            f"{len(shared)} test ids are shared, e.g. {shared[0]} by {counts[shared[0]]} tests: "
            "pytest-xdist would run only one test of each."
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # With xdist this is called in the controller for every worker's reports; every test
    # that ran, passed or not, reports its teardown.
    global _finished
    if report.when == "teardown":
        _finished += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return  # an xdist worker (the controller counts) or nothing meant to run
    if exitstatus != pytest.ExitCode.OK or _finished >= session.testscollected:
        return
    missing = session.testscollected - _finished
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"{missing} of {session.testscollected} collected tests never ran: "
            "the run is incomplete.",
            red=True,
        )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
