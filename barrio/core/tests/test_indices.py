"""Tests of barrio.core.indices: normalisation, orientation, nesting, missing values, PCA."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from barrio.core.indices import (
    Group,
    IndexSpec,
    Indicator,
    compute_index,
    fingerprint,
    pca_index,
)

CODES = ["a", "b", "c", "d"]


def test_minmax_goalposts_clip_and_orient() -> None:
    """Goal-posts fix the scale (values outside are clipped); 'worse' indicators invert."""
    spec = IndexSpec(
        "cpi",
        Group(
            "cpi",
            (
                Indicator("water", "higher_is_better", goalposts=(50.0, 100.0)),
                Indicator("crime", "higher_is_worse", goalposts=(0.0, 40.0)),
            ),
        ),
    )
    r = compute_index(spec, CODES, {"water": [100, 75, 20, 50], "crime": [0, 10, 80, 40]})
    np.testing.assert_allclose(r.nodes["water"], [100, 50, 0, 0])
    np.testing.assert_allclose(r.nodes["crime"], [100, 75, 0, 0])
    np.testing.assert_allclose(r.scores, [100, 62.5, 0, 0])


def test_observed_minmax_zscore_and_percentile() -> None:
    """Without goal-posts min-max uses the data; percentiles share ranks on ties."""
    ind = {
        "m": Indicator("m", "higher_is_better"),
        "p": Indicator("p", "higher_is_better", normalisation="percentile"),
    }
    values = {"m": [0, 5, 10, 10], "p": [3, 1, 2, 2]}
    r = compute_index(IndexSpec("i", Group("i", tuple(ind.values()))), CODES, values)
    np.testing.assert_allclose(r.nodes["m"], [0, 50, 100, 100])
    # Ranks 4, 1, 2.5, 2.5 of 4 -> (r - 1) / 3 * 100.
    np.testing.assert_allclose(r.nodes["p"], [100, 0, 50, 50])
    z = IndexSpec(
        "z",
        Group("z", (Indicator("m", "higher_is_worse", normalisation="zscore"),)),
        rescale_output=True,
    )
    rz = compute_index(z, CODES, values)
    np.testing.assert_allclose(rz.scores, [100, 50, 0, 0])


def test_nested_geometric_index_like_cpi() -> None:
    """Dimensions of sub-dimensions, geometric at the top: a zero dimension zeroes the index."""
    spec = IndexSpec(
        "cpi",
        Group(
            "cpi",
            (
                Group(
                    "infrastructure",
                    (
                        Indicator("water", "higher_is_better", goalposts=(0, 100)),
                        Indicator("sewer", "higher_is_better", goalposts=(0, 100), weight=3),
                    ),
                ),
                Group("safety", (Indicator("homicides", "higher_is_worse", goalposts=(0, 50)),)),
            ),
            aggregation="geometric",
        ),
    )
    values = {"water": [100, 50, 80, 90], "sewer": [100, 50, 40, 90], "homicides": [0, 25, 50, 5]}
    r = compute_index(spec, CODES, values)
    np.testing.assert_allclose(r.nodes["infrastructure"], [100, 50, 50, 90])
    np.testing.assert_allclose(r.nodes["safety"], [100, 50, 0, 90])
    np.testing.assert_allclose(r.scores, [100, 50, 0, 90])
    assert r.effective_weights == {"water": 0.125, "sewer": 0.375, "homicides": 0.5}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("exclude", [100.0, math.nan, 0.0]),
        ("reweight", [100.0, 50.0, 0.0]),
        ("impute_mean", [100.0, 50.0, 0.0]),
        ("impute_median", [100.0, 50.0, 0.0]),
    ],
)
def test_missing_value_policies(policy: str, expected: list[float]) -> None:
    """A missing value excludes the unit, is re-weighted away, or imputed by mean/median."""
    spec = IndexSpec(
        "i",
        Group("i", (Indicator("x", "higher_is_better"), Indicator("y", "higher_is_better"))),
        missing=policy,  # type: ignore[arg-type]
    )
    r = compute_index(spec, ["a", "b", "c"], {"x": [10, 5, 0], "y": [4, math.nan, 0]})
    np.testing.assert_allclose(r.scores, expected)


def test_exclude_is_complete_case_analysis() -> None:
    """With exclude, a unit missing one value leaves every indicator's observed range."""
    spec = IndexSpec(
        "i",
        Group("i", (Indicator("x", "higher_is_better"), Indicator("y", "higher_is_better"))),
        missing="exclude",
    )
    r = compute_index(spec, ["a", "b", "c"], {"x": [10, 99, 0], "y": [4, math.nan, 0]})
    # b's x of 99 would stretch x's range if it counted: a keeps 100 only because it does not.
    np.testing.assert_allclose(r.scores, [100.0, math.nan, 0.0])


def test_reweight_with_different_values() -> None:
    """Re-weighting uses only the indicators present: b scores its x alone."""
    spec = IndexSpec(
        "i", Group("i", (Indicator("x", "higher_is_better"), Indicator("y", "higher_is_better")))
    )
    r = compute_index(spec, ["a", "b", "c"], {"x": [10, 8, 0], "y": [4, math.nan, 0]})
    np.testing.assert_allclose(r.scores, [100, 80, 0])


@pytest.mark.parametrize(
    ("spec", "values", "message"),
    [
        (
            IndexSpec("i", Group("i", (Indicator("x", "higher_is_better"),))),
            {"x": [1, 1, 1, 1]},
            "constant",
        ),
        (
            IndexSpec("i", Group("i", (Indicator("x", "higher_is_better"),))),
            {"y": [1, 2, 3, 4]},
            "no values for indicator 'x'",
        ),
        (
            IndexSpec("i", Group("i", (Indicator("x", "higher_is_better"),))),
            {"x": [1, 2]},
            "2 values for 4 units",
        ),
        (
            IndexSpec("i", Group("i", (Indicator("x", "higher_is_better", weight=0),))),
            {"x": [1, 2, 3, 4]},
            "weight of 'x'",
        ),
        (
            IndexSpec("i", Group("i", (Indicator("x", "higher_is_better", goalposts=(5, 1)),))),
            {"x": [1, 2, 3, 4]},
            "goal-posts",
        ),
        (
            IndexSpec(
                "i", Group("i", (Indicator("x", "higher_is_better", normalisation="zscore"),))
            ),
            {"x": [1, 2, 3, 4]},
            "rescale_output",
        ),
        (
            IndexSpec(
                "i",
                Group("i", (Indicator("x", "higher_is_better"), Indicator("x", "higher_is_worse"))),
            ),
            {"x": [1, 2, 3, 4]},
            "appears twice",
        ),
        (
            IndexSpec("i", Group("i", (Indicator("x", "sideways"),))),  # type: ignore[arg-type]
            {"x": [1, 2, 3, 4]},
            "unknown direction",
        ),
        (
            IndexSpec(
                "i",
                Group(
                    "i",
                    (Indicator("x", "higher_is_better", normalisation="zscore"),),
                    aggregation="geometric",
                ),
                rescale_output=True,
            ),
            {"x": [1, 2, 3, 4]},
            "geometric",
        ),
    ],
)
def test_bad_configuration_raises(spec: IndexSpec, values: dict[str, Any], message: str) -> None:
    """Malformed trees and data raise ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        compute_index(spec, CODES, values)


columns = st.integers(5, 40).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.floats(-1e6, 1e6, allow_nan=False)),
        hnp.arrays(np.float64, n, elements=st.floats(0, 1e3, allow_nan=False)),
        hnp.arrays(np.float64, n, elements=st.floats(0, 100, allow_nan=False)),
    )
)
weights = st.tuples(st.floats(0.01, 100), st.floats(0.01, 100), st.floats(0.01, 100))


def _spec(norm: Any, agg: Any, w: tuple[float, float, float], missing: Any) -> IndexSpec:
    return IndexSpec(
        "p",
        Group(
            "root",
            (
                Group(
                    "d1",
                    (
                        Indicator("x", "higher_is_better", w[0], norm),
                        Indicator("y", "higher_is_worse", w[1], norm),
                    ),
                ),
                Indicator("z", "higher_is_better", w[2], "minmax", (0.0, 100.0)),
            ),
            aggregation=agg,
        ),
        missing=missing,
        rescale_output=norm == "zscore",
    )


@settings(max_examples=120, deadline=None)
@given(
    cols=columns,
    w=weights,
    norm=st.sampled_from(["minmax", "percentile", "zscore"]),
    agg=st.sampled_from(["arithmetic", "geometric"]),
    missing=st.sampled_from(["exclude", "reweight", "impute_mean", "impute_median"]),
    holes=st.integers(0, 2**40),
    seed=st.integers(0, 2**32 - 1),
)
def test_properties_bounds_weights_and_order(
    cols: tuple[Any, Any, Any],
    w: tuple[float, float, float],
    norm: str,
    agg: str,
    missing: str,
    holes: int,
    seed: int,
) -> None:
    """Scores stay in 0..100, effective weights sum to 1, and unit order does not matter."""
    x, y, z = (c.copy() for c in cols)
    assume(np.ptp(x) > 1e-3 and np.ptp(y) > 1e-3)
    assume(not (norm == "zscore" and agg == "geometric"))
    n = x.size
    # Punch a few holes (never all of a column) to exercise the missing-value policy.
    for j, col in enumerate((x, y, z)):
        k = (holes >> (j * 8)) % n
        if k % 3 == 0 and n > 3:
            col[k] = np.nan
    assume(np.nanmax(x) > np.nanmin(x) + 1e-3 and np.nanmax(y) > np.nanmin(y) + 1e-3)
    if missing == "exclude":
        # Complete cases only: x and y must still vary among the units that have every value.
        full = ~(np.isnan(x) | np.isnan(y) | np.isnan(z))
        assume(full.sum() >= 2 and np.ptp(x[full]) > 1e-3 and np.ptp(y[full]) > 1e-3)
    codes = [f"u{i:03d}" for i in range(n)]
    spec = _spec(norm, agg, w, missing)
    r = compute_index(spec, codes, {"x": x, "y": y, "z": z})
    present = r.scores[~np.isnan(r.scores)]
    assert ((present >= 0) & (present <= 100)).all()
    assert math.isclose(sum(r.effective_weights.values()), 1.0, rel_tol=1e-9)
    perm = np.random.default_rng(seed).permutation(n)
    r2 = compute_index(spec, [codes[i] for i in perm], {"x": x[perm], "y": y[perm], "z": z[perm]})
    np.testing.assert_allclose(r2.scores, r.scores[perm], rtol=1e-9, atol=1e-9)
    assert r2.fingerprint == r.fingerprint


def test_fingerprint_changes_with_config_and_values() -> None:
    """The fingerprint proves inputs: a weight or a value changed gives another one."""
    base = IndexSpec(
        "i", Group("i", (Indicator("x", "higher_is_better"), Indicator("y", "higher_is_better")))
    )
    heavier = IndexSpec(
        "i",
        Group(
            "i", (Indicator("x", "higher_is_better", weight=2), Indicator("y", "higher_is_better"))
        ),
    )
    vals = {"x": [1.0, 2.0, 3.0, 4.0], "y": [4.0, 3.0, 2.0, 1.0]}
    fp = fingerprint(base, CODES, vals)
    assert fp.startswith("sha256:")
    assert len(fp) == 71
    assert fp == compute_index(base, CODES, vals).fingerprint
    assert fp != fingerprint(heavier, CODES, vals)
    # Columns the index does not use are not among its inputs.
    assert compute_index(base, CODES, {**vals, "unused": [9.0] * 4}).fingerprint == fp
    assert fp != fingerprint(base, CODES, {"x": [1.0, 2.0, 3.0, 4.0000001], "y": vals["y"]})
    assert fp != fingerprint(base, CODES, {"x": [1.0, 2.0, 3.0, math.nan], "y": vals["y"]})


def test_pca_index_orientation_and_constant_indicator() -> None:
    """The PCA sign follows the directions; a constant indicator is refused."""
    values = {"illit": [1, 5, 9, 3], "water": [99, 60, 40, 90], "rooms": [2, 3, 4, 2]}
    dirs = {"illit": "higher_is_worse", "water": "higher_is_better", "rooms": "higher_is_worse"}
    r = pca_index(CODES, values, dirs)  # type: ignore[arg-type]
    assert r.loadings["illit"] > 0
    assert r.loadings["water"] < 0
    assert r.scores.tolist().index(100.0) == 2
    assert r.scores.tolist().index(0.0) == 0
    better = pca_index(CODES, values, dirs, orientation="higher_is_better")  # type: ignore[arg-type]
    np.testing.assert_allclose(better.scores, 100 - r.scores)
    assert 0 < r.explained_variance_ratio <= 1
    with pytest.raises(ValueError, match="constant"):
        pca_index(CODES, {**values, "rooms": [2, 2, 2, 2]}, dirs)  # type: ignore[arg-type]


def test_pca_matches_plain_numpy_svd() -> None:
    """The component equals the first left singular vector of the standardised matrix."""
    rng = np.random.default_rng(5)
    base = rng.normal(size=200)
    mat = np.column_stack([base + rng.normal(scale=s, size=200) for s in (0.3, 0.5, 1.0)])
    codes = [str(i) for i in range(200)]
    r = pca_index(
        codes,
        {"a": mat[:, 0], "b": mat[:, 1], "c": mat[:, 2]},
        dict.fromkeys("abc", "higher_is_worse"),
    )  # type: ignore[arg-type]
    z = (mat - mat.mean(axis=0)) / mat.std(axis=0)
    _u, _s, vt = np.linalg.svd(z, full_matrices=False)
    ref = z @ (vt[0] * np.sign(vt[0].sum()))
    np.testing.assert_allclose(r.component, ref, atol=1e-9)


def _peru(path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    def col(name: str) -> np.ndarray:
        return np.array([float(r[name]) if r[name] not in ("", "NA") else np.nan for r in rows])

    names = [
        "idh_2019",
        "pct_pobreza_total",
        "pct_pobreza_extrema",
        "indice_vulnerabilidad_alimentaria",
    ]
    return [r["inei"] for r in rows], {n: col(n) for n in names}


DEPRIVATION = IndexSpec(
    "deprivation",
    Group(
        "deprivation",
        (
            Group(
                "income",
                (
                    Indicator("pct_pobreza_total", "higher_is_worse"),
                    Indicator("pct_pobreza_extrema", "higher_is_worse"),
                ),
            ),
            Indicator("idh_2019", "higher_is_better"),
            Indicator("indice_vulnerabilidad_alimentaria", "higher_is_worse"),
        ),
    ),
    orientation="higher_is_worse",
    missing="reweight",
)


def test_lima_callao_slice_deprivation_index(lima_callao: list[dict[str, Any]]) -> None:
    """Lima's richest districts score lowest, and the index agrees with its PCA version."""
    codes = [f["properties"]["ubigeo"] for f in lima_callao]
    keys = [
        "idh_2019",
        "pct_pobreza_total",
        "pct_pobreza_extrema",
        "indice_vulnerabilidad_alimentaria",
    ]
    vals = {k: np.array([f["properties"][k] for f in lima_callao], dtype=float) for k in keys}
    r = compute_index(DEPRIVATION, codes, vals)
    scores = r.by_code()
    names = {f["properties"]["ubigeo"]: f["properties"]["distrito"] for f in lima_callao}
    lowest = sorted(scores, key=scores.__getitem__)[:5]
    assert {"SAN ISIDRO", "MIRAFLORES"} & {names[c] for c in lowest}
    pca = pca_index(
        codes,
        vals,
        {
            "idh_2019": "higher_is_better",
            "pct_pobreza_total": "higher_is_worse",
            "pct_pobreza_extrema": "higher_is_worse",
            "indice_vulnerabilidad_alimentaria": "higher_is_worse",
        },
    )
    assert np.corrcoef(r.scores, pca.scores)[0, 1] > 0.9


def test_peru_all_districts_index(shared_territories: Path) -> None:
    """The 1,893 ubigeo rows: every present district gets a 0-100 score, reproducibly."""
    codes, vals = _peru(shared_territories / "peru_distritos" / "ubigeo_distrito_indicadores.csv")
    assert len(codes) == 1893
    r = compute_index(DEPRIVATION, codes, vals)
    present = ~np.isnan(r.scores)
    assert present.sum() >= 1830
    assert r.scores[present].min() >= 0
    assert r.scores[present].max() <= 100
    again = compute_index(DEPRIVATION, list(codes), {k: v.copy() for k, v in vals.items()})
    assert again.fingerprint == r.fingerprint
    np.testing.assert_array_equal(again.scores, r.scores)
