"""An index from the first principal component of standardised indicators (CONAPO-like)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from barrio.core.fingerprint import fingerprint
from barrio.core.indices.columns import Direction, FloatArray, impute, raw_matrix, rescale

__all__ = ["PCAResult", "pca_index"]


@dataclass(frozen=True)
class PCAResult:
    """First-principal-component index: raw component, 0-100 score and its loadings."""

    unit_codes: tuple[str, ...]
    component: FloatArray
    scores: FloatArray
    loadings: Mapping[str, float]
    explained_variance_ratio: float
    fingerprint: str


def pca_index(
    unit_codes: Sequence[str],
    values: Mapping[str, npt.ArrayLike],
    directions: Mapping[str, Direction],
    *,
    orientation: Direction = "higher_is_worse",
    missing: Literal["exclude", "impute_mean", "impute_median"] = "exclude",
) -> PCAResult:
    """Index from the first principal component of the standardised indicators.

    The method of CONAPO's marginalisation index (2000-2015): indicators are standardised
    (z-scores), the first eigenvector of their correlation matrix gives the loadings, and
    each unit's score is its projection. An eigenvector's sign is arbitrary, so it is fixed
    by the directions: the loadings must agree, on balance, with the indicators that point
    the way of ``orientation`` (for marginalisation, higher deprivation rates load
    positively). Scores are then rescaled 0-100 over the units.

    Parameters
    ----------
    unit_codes : sequence of str
        Distinct unit codes.
    values : mapping of str to array_like of float
        Raw values per indicator (NaN = missing).
    directions : mapping of str to {"higher_is_better", "higher_is_worse"}
        The indicators to use and the meaning of a higher raw value.
    orientation : {"higher_is_worse", "higher_is_better"}, default "higher_is_worse"
        What a high index score means.
    missing : {"exclude", "impute_mean", "impute_median"}, default "exclude"
        ``exclude`` leaves units with any missing value out of the PCA (score NaN).

    Returns
    -------
    PCAResult
        Raw component, 0-100 scores, loadings per indicator, the share of variance the
        component explains and the fingerprint.

    Raises
    ------
    ValueError
        With fewer than two indicators or three complete units, a constant indicator,
        misaligned values or an unknown option.

    Examples
    --------
    >>> r = pca_index(["a", "b", "c", "d"],
    ...               {"illiteracy": [2, 10, 6, 20], "piped_water": [99, 70, 90, 50]},
    ...               {"illiteracy": "higher_is_worse", "piped_water": "higher_is_better"})
    >>> [round(s) for s in r.scores.tolist()]
    [0, 52, 20, 100]
    >>> r.loadings["illiteracy"] > 0 > r.loadings["piped_water"]
    True
    """
    codes = sorted(directions)
    if len(codes) < 2:
        raise ValueError("a PCA index needs at least two indicators")
    for code in codes:
        if directions[code] not in ("higher_is_better", "higher_is_worse"):
            raise ValueError(f"unknown direction {directions[code]!r} of {code!r}")
    if missing not in ("exclude", "impute_mean", "impute_median"):
        raise ValueError(f"unknown missing-value policy {missing!r} for a PCA index")
    raw = raw_matrix(unit_codes, values, codes)
    impute(raw, missing)
    mat = np.column_stack([raw[c] for c in codes])
    complete = ~np.isnan(mat).any(axis=1)
    if complete.sum() < 3:
        raise ValueError("a PCA index needs at least three units with every indicator")
    sub = mat[complete]
    sd = sub.std(axis=0)
    if (sd == 0).any():
        const = [c for c, s in zip(codes, sd.tolist(), strict=True) if s == 0]
        raise ValueError(f"constant indicators cannot enter a PCA: {const}")
    z = (sub - sub.mean(axis=0)) / sd
    corr = (z.T @ z) / z.shape[0]
    eigval, eigvec = np.linalg.eigh(corr)
    vec = eigvec[:, -1]
    sign = np.array([1.0 if directions[c] == orientation else -1.0 for c in codes])
    # Tie-break the sign deterministically when the directions balance out exactly.
    agree = float(vec @ sign)
    if agree < 0 or (agree == 0 and vec[np.argmax(np.abs(vec))] < 0):
        vec = -vec
    component = np.full(len(unit_codes), np.nan)
    component[complete] = z @ vec
    config = {
        "method": "pca",
        "directions": dict(sorted(directions.items())),
        "orientation": orientation,
        "missing": missing,
    }
    return PCAResult(
        tuple(unit_codes),
        component,
        rescale(component),
        dict(zip(codes, vec.tolist(), strict=True)),
        float(eigval[-1] / eigval.sum()),
        fingerprint(config, unit_codes, {c: values[c] for c in codes}),
    )
