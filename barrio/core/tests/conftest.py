"""Fixtures of the core tests: where the territorial data slices and the shared data live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
SLICES = Path(__file__).resolve().parent / "data" / "territories"


@pytest.fixture(scope="session")
def shared_territories() -> Path:
    """``../shared/data/territories`` beside the repo; skipped (CI fails on skips) if absent."""
    path = REPO_ROOT.parent / "shared" / "data" / "territories"
    if not path.is_dir():
        pytest.skip(f"shared territorial data not found at {path}")
    return path


@pytest.fixture(scope="session")
def lima_callao() -> list[dict[str, Any]]:
    """The 49 Lima and Callao districts (properties + geometry) of the bundled slice."""
    data = json.loads((SLICES / "lima_callao_distritos_indicadores.geojson").read_text("utf-8"))
    return list(data["features"])
