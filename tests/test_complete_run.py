"""The suite fails when some collected tests never ran or two share an id (root
``conftest.py``).

Each case runs pytest in a subprocess on a small directory that has a copy of the real root
``conftest.py``, so what is checked is the file the suite uses.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

THREE_TESTS = """
def test_one():
    pass

def test_two():
    pass

def test_three():
    pass
"""

# A plugin that stops the run after the first test without a failure, as a test worker
# that quits early would.
STOPS_EARLY = """
import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    item = session.items[0]
    item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
    return True
"""


# A plugin that collects a second test under the first one's id.
TWICE = """
import copy

import pytest

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    items.append(copy.copy(items[0]))
"""


def _pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_three.py").write_text(THREE_TESTS)
    (tmp_path / "stops_early.py").write_text(STOPS_EARLY)
    (tmp_path / "twice.py").write_text(TWICE)
    command = [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "--rootdir", str(tmp_path), *args, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )


def test_a_complete_run_passes(tmp_path: Path) -> None:
    result = _pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_a_complete_run_on_two_workers_passes(tmp_path: Path) -> None:
    result = _pytest(tmp_path, "-n", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_a_run_that_stops_early_fails(tmp_path: Path) -> None:
    result = _pytest(tmp_path, "-p", "stops_early")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "2 of 3 collected tests never ran" in result.stdout


def test_collecting_only_is_not_an_incomplete_run(tmp_path: Path) -> None:
    result = _pytest(tmp_path, "--collect-only", "-q")
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_tests_under_one_id_are_refused(tmp_path: Path) -> None:
    result = _pytest(tmp_path, "-p", "twice")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "1 test ids are shared, e.g. test_three.py::test_one by 2 tests" in result.stderr
