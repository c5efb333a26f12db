"""Tests of barrio.core.classification: strata agree with mapclassify and keep their promises."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import Any

import mapclassify
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from barrio.core.classification import _fisher_jenks_bins, classify, label_codes


def test_fixed_national_cut_points_with_open_ends() -> None:
    """Fixed thresholds: upper bounds inclusive, open ends, missing values in class -1."""
    c = classify([-5.0, 0.0, 0.1, 1.0, 99.0, np.nan], "fixed", cut_points=[0.0, 1.0])
    assert c.class_of.tolist() == [0, 0, 1, 1, 2, -1]
    assert c.bounds == ((-np.inf, 0.0), (0.0, 1.0), (1.0, np.inf))
    assert c.label_of() == ("low", "low", "medium", "medium", "high", None)
    assert c.counts == (2, 2, 1)


def test_five_classes_have_the_conapo_label_codes() -> None:
    """Five strata are very_low ... very_high (the web app says "muy bajo" ... "muy alto")."""
    c = classify(np.arange(100.0), "quantiles", 5)
    assert c.labels == ("very_low", "low", "medium", "high", "very_high")
    assert c.counts == (20, 20, 20, 20, 20)
    assert label_codes(3) == ("low", "medium", "high")


def test_equal_interval_worked_example() -> None:
    """Equal intervals of 0..10 in 5 classes have width 2."""
    c = classify([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "equal_interval", 5)
    np.testing.assert_allclose([hi for _, hi in c.bounds], [2, 4, 6, 8, 10])
    assert c.class_of.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_fisher_jenks_finds_obvious_groups() -> None:
    """Three well separated clusters are found exactly."""
    vals = [1, 2, 3, 50, 51, 52, 100, 101, 102]
    c = classify(vals, "fisher_jenks", 3)
    assert c.class_of.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


@settings(max_examples=60, deadline=None)
@given(
    y=hnp.arrays(
        np.float64,
        st.integers(2, 70),
        elements=st.one_of(
            st.integers(-20, 20).map(float),  # heavy ties: equal costs, the reference's pick
            st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
        ),
    ),
    k=st.integers(2, 7),
)
def test_vectorised_natural_breaks_equal_mapclassify(y: np.ndarray, k: int) -> None:
    """The numpy Fisher-Jenks gives mapclassify's breaks exactly, ties and float32 included."""
    assume(np.unique(y).size >= k)
    ys = np.sort(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = mapclassify.FisherJenks(ys, k=k).bins
    np.testing.assert_array_equal(_fisher_jenks_bins(ys, k), expected)


def test_sampled_breaks_are_polished_on_all_values() -> None:
    """A skewed mixture: sample breaks polished by k-means steps beat the raw sample's."""
    rng = np.random.default_rng(1)
    y = np.concatenate([rng.gamma(2, 10, 6000), rng.normal(80, 5, 1000)])

    def within(classes: np.ndarray) -> float:
        return float(sum(((y[classes == i] - y[classes == i].mean()) ** 2).sum() for i in range(5)))

    polished = classify(y, "fisher_jenks", 5, fisher_jenks_max_sample=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = np.sort(y)[np.linspace(0, y.size - 1, 100).round().astype(int)]
        raw = mapclassify.UserDefined(
            y, [*list(mapclassify.FisherJenks(sample, k=5).bins[:-1]), y.max()]
        )
    assert within(polished.class_of) < within(raw.yb)


def test_fisher_jenks_on_a_large_input_uses_deterministic_order_statistics() -> None:
    """Above the sample size the breaks come from evenly spaced order statistics."""
    rng = np.random.default_rng(3)
    vals = np.concatenate([rng.normal(0, 1, 3000), rng.normal(20, 1, 3000)])
    a = classify(vals, "fisher_jenks", 2, fisher_jenks_max_sample=300)
    b = classify(rng.permutation(vals), "fisher_jenks", 2, fisher_jenks_max_sample=300)
    assert a.bounds == b.bounds
    assert a.counts == (3000, 3000)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1.0, 2.0], "fixed"), {}, "cut_points"),
        (([1.0, 2.0], "fixed"), {"cut_points": [2, 1]}, "strictly increasing"),
        (([1.0, 2.0], "natural"), {}, "unknown classification method"),
        (([np.nan, np.nan], "quantiles"), {}, "every value is missing"),
        (([1.0, np.inf], "quantiles"), {}, "finite"),
        (([1.0, 2.0], "quantiles", 0), {}, "at least 1"),
        (([1.0, 2.0, 3.0], "quantiles", 3), {"labels": ["a", "b"]}, "2 labels given for 3"),
    ],
)
def test_bad_input_raises(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    """Bad methods, cut-points, labels or values raise ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        classify(*args, **kwargs)


values = hnp.arrays(
    np.float64,
    st.integers(10, 200),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
)


@settings(max_examples=80, deadline=None)
@given(
    y=values,
    k=st.integers(2, 7),
    method=st.sampled_from(["quantiles", "equal_interval", "fisher_jenks"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_classes_are_ordered_consistent_and_order_independent(
    y: np.ndarray, k: int, method: str, seed: int
) -> None:
    """Classes follow the values, counts add up, bounds contain their values, order is free."""
    distinct = np.unique(y).size
    if distinct < 2 or (method == "fisher_jenks" and distinct < k):
        with pytest.raises(ValueError, match=r"equal|distinct"):
            classify(y, method, k)  # type: ignore[arg-type]
        return
    c = classify(y, method, k, fisher_jenks_max_sample=60)  # type: ignore[arg-type]
    assert sum(c.counts) == y.size
    order = np.argsort(y, kind="stable")
    assert (np.diff(c.class_of[order]) >= 0).all()
    for i, (lo, hi) in enumerate(c.bounds):
        members = y[c.class_of == i]
        if members.size:
            assert members.max() <= hi
            assert members.min() >= lo
    perm = np.random.default_rng(seed).permutation(y.size)
    c2 = classify(y[perm], method, k, fisher_jenks_max_sample=60)  # type: ignore[arg-type]
    np.testing.assert_array_equal(c2.class_of, c.class_of[perm])


@settings(max_examples=40, deadline=None)
@given(y=values, k=st.integers(2, 6))
def test_same_classes_as_plain_mapclassify(y: np.ndarray, k: int) -> None:
    """Quantiles and equal interval are mapclassify's own classes."""
    assume(np.unique(y).size > 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = mapclassify.Quantiles(y, k=k)
        e = mapclassify.EqualInterval(y, k=k)
    np.testing.assert_array_equal(classify(y, "quantiles", k).class_of, q.yb)
    np.testing.assert_array_equal(classify(y, "equal_interval", k).class_of, e.yb)


def _idh(path: Path) -> np.ndarray:
    with path.open(encoding="utf-8", newline="") as f:
        return np.array(
            [
                float(r["idh_2019"]) if r["idh_2019"] not in ("", "NA") else np.nan
                for r in csv.DictReader(f)
            ]
        )


def test_lima_callao_slice_fisher_jenks_equals_mapclassify(
    lima_callao: list[dict[str, Any]],
) -> None:
    """On the 49 Lima/Callao districts natural breaks are mapclassify's exactly."""
    idh = np.array([f["properties"]["idh_2019"] for f in lima_callao], dtype=float)
    c = classify(idh, "fisher_jenks", 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mapclassify.FisherJenks(idh, k=5)
    np.testing.assert_allclose([hi for _, hi in c.bounds], ref.bins)
    np.testing.assert_array_equal(c.class_of, ref.yb)


def test_peru_districts_quantiles_and_sampled_natural_breaks(shared_territories: Path) -> None:
    """Peru's districts: quintiles hold a fifth each; sampled breaks fit as well as exact."""
    idh = _idh(shared_territories / "peru_distritos" / "ubigeo_distrito_indicadores.csv")
    q = classify(idh, "quantiles", 5)
    present = int((~np.isnan(idh)).sum())
    assert sum(q.counts) == present
    assert max(q.counts) - min(q.counts) <= 2
    # Exact Fisher-Jenks on all 1,893 takes seconds in pure Python: every third district.
    yp = idh[~np.isnan(idh)][::3]
    sampled = classify(yp, "fisher_jenks", 5, fisher_jenks_max_sample=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exact = mapclassify.FisherJenks(yp, k=5)

    def gvf(classes: np.ndarray) -> float:
        within = sum(
            ((yp[classes == i] - yp[classes == i].mean()) ** 2).sum() for i in np.unique(classes)
        )
        return float(1 - within / ((yp - yp.mean()) ** 2).sum())

    # 100 sampled values polished on all ~630 come within 0.001 of the exact optimum's fit.
    assert gvf(exact.yb) >= gvf(sampled.class_of) >= gvf(exact.yb) - 0.001
