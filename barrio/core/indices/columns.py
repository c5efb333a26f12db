"""Shared steps of the index builders: aligned raw columns, imputation and 0-100 rescaling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

Direction = Literal["higher_is_better", "higher_is_worse"]
MissingPolicy = Literal["exclude", "reweight", "impute_mean", "impute_median"]
FloatArray = npt.NDArray[np.float64]

__all__ = ["Direction", "FloatArray", "MissingPolicy", "impute", "raw_matrix", "rescale"]


def raw_matrix(
    unit_codes: Sequence[str], values: Mapping[str, npt.ArrayLike], codes: Sequence[str]
) -> dict[str, FloatArray]:
    """Return the float64 column of each indicator in ``codes``, checked against the units.

    Raises ``ValueError`` on duplicate unit codes, a missing indicator, a column whose length
    differs from the number of units, or infinite values.

    Examples
    --------
    >>> raw_matrix(["a", "b"], {"x": [1, float("nan")], "y": [0, 0]}, ["x"])
    {'x': array([ 1., nan])}
    """
    if len(set(unit_codes)) != len(unit_codes):
        raise ValueError("duplicate unit codes")
    raw: dict[str, FloatArray] = {}
    for code in codes:
        if code not in values:
            raise ValueError(f"no values for indicator {code!r}")
        x = np.asarray(values[code], dtype=np.float64).ravel()
        if x.size != len(unit_codes):
            raise ValueError(f"indicator {code!r} has {x.size} values for {len(unit_codes)} units")
        if np.isinf(x).any():
            raise ValueError(f"indicator {code!r} has infinite values")
        raw[code] = x
    return raw


def impute(raw: dict[str, FloatArray], policy: MissingPolicy) -> None:
    """Fill missing values in place by each column's mean or median (``impute_*`` policies).

    Other known policies leave the columns unchanged; an unknown policy or an all-missing
    column to impute raises ``ValueError``.

    Examples
    --------
    >>> raw = {"x": np.array([1.0, np.nan, 5.0])}
    >>> impute(raw, "impute_mean")
    >>> raw["x"].tolist()
    [1.0, 3.0, 5.0]
    """
    if policy not in ("exclude", "reweight", "impute_mean", "impute_median"):
        raise ValueError(f"unknown missing-value policy {policy!r}")
    if policy.startswith("impute"):
        for code, x in raw.items():
            gaps = np.isnan(x)
            if gaps.all():
                raise ValueError(f"indicator {code!r} has no value to impute from")
            fill = np.nanmean(x) if policy == "impute_mean" else np.nanmedian(x)
            raw[code] = np.where(gaps, fill, x)


def rescale(x: FloatArray) -> FloatArray:
    """Min-max rescale to 0-100 over the present values (all 50 when they are equal).

    Examples
    --------
    >>> rescale(np.array([2.0, np.nan, 4.0, 3.0])).tolist()
    [0.0, nan, 100.0, 50.0]
    """
    present = ~np.isnan(x)
    if not present.any():
        return x
    lo, hi = x[present].min(), x[present].max()
    if hi == lo:
        return np.where(present, 50.0, np.nan).astype(np.float64)
    return np.asarray((x - lo) / (hi - lo) * 100.0, dtype=np.float64)
