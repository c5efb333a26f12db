"""Tests of barrio.core.hotspots: contiguity, local Moran's I, seeded inference, labels."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

import esda
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libpysal.weights import Rook
from shapely.geometry import box, shape

from barrio.core.hotspots import contiguity, local_moran


def _grid(n: int) -> tuple[list[str], list[Any]]:
    ids = [f"r{r}c{c}" for r in range(n) for c in range(n)]
    cells = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    return ids, cells


def test_rook_and_queen_on_a_grid() -> None:
    """A 3x3 grid: the centre has 4 rook and 8 queen neighbours, a corner 2 and 3."""
    ids, cells = _grid(3)
    rook = dict(zip(ids, contiguity(ids, cells, "rook"), strict=True))
    queen = dict(zip(ids, contiguity(ids, cells, "queen"), strict=True))
    assert rook["r1c1"] == ["r0c1", "r1c0", "r1c2", "r2c1"]
    assert len(queen["r1c1"]) == 8
    assert rook["r0c0"] == ["r0c1", "r1c0"]
    assert len(queen["r0c0"]) == 3


def test_hot_and_cold_corners_are_labelled() -> None:
    """High values clustered in one corner and low in the other give high_high / low_low."""
    ids, cells = _grid(8)
    nbrs = contiguity(ids, cells, "queen")
    values = np.array([float(r + c) for r in range(8) for c in range(8)])
    h = local_moran(ids, values, nbrs, seed=11, permutations=999, alpha=0.05)
    labels = dict(zip(ids, h.labels, strict=True))
    assert labels["r7c7"] == "high_high"
    assert labels["r0c0"] == "low_low"
    assert h.counts()["high_low"] == 0


def test_outlier_is_high_low() -> None:
    """A high cell inside the low half of a map is a high_low outlier."""
    ids, cells = _grid(7)
    nbrs = contiguity(ids, cells, "queen")
    rng = np.random.default_rng(4)
    values = np.array([10.0 if c < 3 else 0.0 for r in range(7) for c in range(7)])
    values += rng.normal(scale=0.5, size=49)
    values[3 * 7 + 5] = 10.0
    h = local_moran(ids, values, nbrs, seed=3, permutations=999, alpha=0.05)
    assert h.labels[3 * 7 + 5] == "high_low"


def test_local_i_matches_the_formula_and_plain_esda() -> None:
    """I_i = z_i / m2 * sum_j w_ij z_j, m2 = sum z^2 / (n - 1), and p-values equal esda's."""
    rng = np.random.default_rng(0)
    ids, cells = _grid(6)
    nbrs = contiguity(ids, cells, "rook")
    y = rng.normal(size=36)
    h = local_moran(ids, y, nbrs, seed=42, permutations=199)
    z = y - y.mean()
    m2 = (z**2).sum() / (z.size - 1)  # esda divides by n - 1
    pos = {u: i for i, u in enumerate(ids)}
    lag = np.array([np.mean([z[pos[v]] for v in nb]) for nb in nbrs])
    np.testing.assert_allclose(h.local_i, z / m2 * lag, rtol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain_w = Rook.from_iterable(cells)
        plain_w.transform = "r"
        ref = esda.Moran_Local(y, plain_w, permutations=199, seed=42, n_jobs=1)
    np.testing.assert_allclose(h.p_values, ref.p_sim)


def test_seed_makes_runs_reproducible() -> None:
    """The same seed gives the same p-values; another seed usually different ones."""
    rng = np.random.default_rng(1)
    ids, cells = _grid(5)
    nbrs = contiguity(ids, cells, "queen")
    y = rng.normal(size=25)
    a = local_moran(ids, y, nbrs, seed=5, permutations=99)
    b = local_moran(ids, y, nbrs, seed=5, permutations=99)
    c = local_moran(ids, y, nbrs, seed=6, permutations=99)
    np.testing.assert_array_equal(a.p_values, b.p_values)
    assert not np.array_equal(a.p_values, c.p_values)
    assert a.fingerprint == b.fingerprint != c.fingerprint
    # The same map listed in another order is the same input.
    order = list(range(25))[::-1]
    d = local_moran(
        [ids[i] for i in order], y[order], [nbrs[i] for i in order], seed=5, permutations=99
    )
    assert d.fingerprint == a.fingerprint


def test_island_is_not_significant_and_listed() -> None:
    """A unit without neighbours has no local statistic: not significant, listed as island."""
    ids = ["a", "b", "c", "d", "lonely"]
    nbrs = [["b"], ["a", "c"], ["b", "d"], ["c"], []]
    h = local_moran(ids, [5, 4, 1, 0, 100], nbrs, seed=1, permutations=99, alpha=0.99)
    assert h.islands == ("lonely",)
    assert h.labels[4] == "not_significant"
    assert h.p_values[4] == 1.0
    assert h.local_i[4] == 0.0


@pytest.mark.parametrize(
    ("ids", "values", "nbrs", "kwargs", "message"),
    [
        (["a", "b", "c"], [1, 2, 3], [["b"], ["zz"], []], {}, "unknown neighbours"),
        (["a", "b", "c"], [1, 2, 3], [["a"], ["a"], []], {}, "own neighbour"),
        (["a", "a", "c"], [1, 2, 3], [["a"], ["a"], []], {}, "duplicate"),
        (["a", "b", "c"], [1, 2], [["b"], ["a"], []], {}, "3 ids, 2 values"),
        (["a", "b", "c"], [1, np.nan, 3], [["b"], ["a"], []], {}, "finite"),
        (["a", "b", "c"], [1, 1, 1], [["b"], ["a"], []], {}, "constant"),
        (["a", "b", "c"], [1, 2, 3], [["b"], ["a"], []], {"permutations": 10}, "99 perm"),
        (["a", "b", "c"], [1, 2, 3], [["b"], ["a"], []], {"alpha": 1.5}, "alpha"),
        (["a", "b"], [1, 2], [["b"], ["a"]], {}, "at least 3 units"),
    ],
)
def test_bad_input_raises(
    ids: list[str],
    values: list[float],
    nbrs: list[list[str]],
    kwargs: dict[str, Any],
    message: str,
) -> None:
    """Malformed neighbours, values or parameters raise ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        local_moran(ids, values, nbrs, seed=0, **kwargs)


def test_contiguity_rejects_empty_geometry_and_unknown_rule() -> None:
    """Missing geometries and unknown rules are refused."""
    with pytest.raises(ValueError, match="empty geometry"):
        contiguity(["a"], [None])
    with pytest.raises(ValueError, match="unknown contiguity rule"):
        contiguity(["a"], [box(0, 0, 1, 1)], "bishop")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=16, max_size=16),
    alpha=st.floats(0.01, 0.5),
)
def test_labels_agree_with_quadrants_and_p(values: list[float], alpha: float) -> None:
    """A label is significant only when p <= alpha, and its quadrant matches z and its lag."""
    y = np.array(values)
    if np.ptp(y) < 1e-6:
        return
    ids, cells = _grid(4)
    nbrs = contiguity(ids, cells, "queen")
    h = local_moran(ids, y, nbrs, seed=9, permutations=99, alpha=alpha)
    z = y - y.mean()
    pos = {u: i for i, u in enumerate(ids)}
    lag = np.array([np.mean([z[pos[v]] for v in nb]) for nb in nbrs])
    for label, p, zi, li in zip(h.labels, h.p_values, z, lag, strict=True):
        if label == "not_significant":
            continue
        assert p <= alpha
        assert label == ("high" if zi > 0 else "low") + "_" + ("high" if li > 0 else "low")


def test_lima_callao_slice_poverty_hot_spot(lima_callao: list[dict[str, Any]]) -> None:
    """Lima's poverty clusters on the periphery, its wealth in the centre (San Isidro...)."""
    feats = [f for f in lima_callao if f["geometry"] is not None]
    ids = [f["properties"]["ubigeo"] for f in feats]
    names = {f["properties"]["ubigeo"]: f["properties"]["distrito"] for f in feats}
    nbrs = contiguity(ids, [shape(f["geometry"]) for f in feats], "queen")
    y = [f["properties"]["pct_pobreza_total"] for f in feats]
    h = local_moran(ids, y, nbrs, seed=2024, permutations=999, alpha=0.05)
    low_low = {names[i] for i, lab in zip(ids, h.labels, strict=True) if lab == "low_low"}
    assert {"SAN ISIDRO", "MIRAFLORES"} <= low_low


def test_cdmx_colonias_crime_lisa(shared_territories: Path) -> None:
    """1,651 colonias, 2023 crime counts, 999 permutations: the historic centre is hot."""
    base = shared_territories / "cdmx_colonias"
    geo = json.loads((base / "colonias_cdmx_simplified.geojson").read_text("utf-8"))
    feats = geo["features"]
    assert len(feats) == 1651
    counts: dict[tuple[str, str], float] = {}
    with (base / "delitos_fgj_por_colonia_anio.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["anio"] == "2023":
                counts[(r["alcaldia"], r["colonia"])] = float(r["total"])
    ids = [str(i) for i in range(len(feats))]
    y = [counts.get((f["properties"]["alcaldia"], f["properties"]["colonia"]), 0.0) for f in feats]
    nbrs = contiguity(ids, [shape(f["geometry"]) for f in feats], "queen")
    h = local_moran(ids, y, nbrs, seed=1, permutations=999)
    assert len(h.islands) == 14
    hot = {
        feats[int(i)]["properties"]["alcaldia"]
        for i, lab in zip(ids, h.labels, strict=True)
        if lab == "high_high"
    }
    assert "CUAUHTEMOC" in hot
    assert h.counts()["high_high"] > 20
