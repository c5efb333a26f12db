"""Composite indices configured as data: normalise, orient, weight and aggregate a tree."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from barrio.core.fingerprint import fingerprint
from barrio.core.indices.columns import (
    Direction,
    FloatArray,
    MissingPolicy,
    impute,
    raw_matrix,
    rescale,
)

__all__ = ["Group", "IndexResult", "IndexSpec", "Indicator", "compute_index"]

Normalisation = Literal["minmax", "zscore", "percentile"]
Aggregation = Literal["arithmetic", "geometric"]


@dataclass(frozen=True)
class Indicator:
    """A leaf of the index.

    Attributes
    ----------
    code : str
        Key of the indicator's values.
    direction : {"higher_is_better", "higher_is_worse"}
        Meaning of a higher raw value.
    weight : float, default 1
        Relative weight among its siblings (positive).
    normalisation : {"minmax", "zscore", "percentile"}, default "minmax"
    goalposts : (float, float), optional
        Fixed ``(lo, hi)`` of ``minmax`` in raw units; raw values are clipped to them.
    """

    code: str
    direction: Direction
    weight: float = 1.0
    normalisation: Normalisation = "minmax"
    goalposts: tuple[float, float] | None = None


@dataclass(frozen=True)
class Group:
    """A sub-dimension, a dimension or the root: weighted mean of its children."""

    code: str
    children: tuple[Indicator | Group, ...]
    weight: float = 1.0
    aggregation: Aggregation = "arithmetic"


@dataclass(frozen=True)
class IndexSpec:
    """A composite index as data.

    Attributes
    ----------
    code : str
        Index code.
    root : Group
        Tree of dimensions, sub-dimensions and indicators.
    orientation : {"higher_is_better", "higher_is_worse"}
        What a high index score means: ``higher_is_better`` (prosperity: indicators that are
        worse when higher are inverted) or ``higher_is_worse`` (deprivation, marginalisation:
        indicators that are better when higher are inverted).
    missing : {"exclude", "reweight", "impute_mean", "impute_median"}, default "reweight"
        ``exclude``: complete cases only -- a unit missing any indicator gets no score (NaN)
        and its other values do not enter the observed min-max, z-score or percentile
        statistics; ``reweight``: each mean uses the children present, weights rescaled to
        sum 1; ``impute_*``: a missing raw value is replaced by the indicator's mean or
        median over the units.
    rescale_output : bool, default False
        Min-max rescale the final scores to 0-100 over the units (needed with z-scores;
        leave off with goal-posts so scores stay comparable over time).
    """

    code: str
    root: Group
    orientation: Direction = "higher_is_better"
    missing: MissingPolicy = "reweight"
    rescale_output: bool = False


@dataclass(frozen=True)
class IndexResult:
    """Scores of an index, every intermediate node and the proof of its inputs."""

    code: str
    unit_codes: tuple[str, ...]
    scores: FloatArray
    nodes: Mapping[str, FloatArray] = field(repr=False)
    effective_weights: Mapping[str, float]
    fingerprint: str

    def by_code(self) -> dict[str, float]:
        """Return ``{unit code: score}`` (NaN for excluded units)."""
        return dict(zip(self.unit_codes, self.scores.tolist(), strict=True))


def _leaves(node: Group) -> list[Indicator]:
    """The indicators under ``node``, depth first, in configuration order."""
    out: list[Indicator] = []
    for child in node.children:
        out.extend(_leaves(child) if isinstance(child, Group) else [child])
    return out


def _check_tree(node: Group, seen: set[str]) -> None:
    """Raise ``ValueError`` on an empty group, a repeated code, a bad weight or goal-posts."""
    if not node.children:
        raise ValueError(f"group {node.code!r} has no children")
    for item in (node, *node.children):
        if not (math.isfinite(item.weight) and item.weight > 0):
            raise ValueError(f"weight of {item.code!r} must be positive, got {item.weight}")
    for child in node.children:
        if child.code in seen:
            raise ValueError(f"code {child.code!r} appears twice in the index tree")
        seen.add(child.code)
        if isinstance(child, Group):
            _check_tree(child, seen)
        elif child.goalposts is not None:
            lo, hi = child.goalposts
            if child.normalisation != "minmax":
                raise ValueError(f"goal-posts of {child.code!r} need minmax normalisation")
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise ValueError(f"goal-posts of {child.code!r} must satisfy lo < hi: {lo}, {hi}")


def _normalise(ind: Indicator, x: FloatArray) -> FloatArray:
    """Scale one indicator's raw values (NaN stays NaN); raise if it cannot be scaled."""
    present = ~np.isnan(x)
    xp = x[present]
    out = np.full(x.shape, np.nan)
    if xp.size == 0:
        raise ValueError(f"indicator {ind.code!r} has no value for any unit")
    if ind.normalisation == "minmax":
        lo, hi = ind.goalposts if ind.goalposts is not None else (xp.min(), xp.max())
        if hi == lo:
            raise ValueError(f"indicator {ind.code!r} is constant; give it goal-posts")
        out[present] = (np.clip(xp, lo, hi) - lo) / (hi - lo) * 100.0
    elif ind.normalisation == "zscore":
        sd = xp.std()
        if sd == 0:
            raise ValueError(f"indicator {ind.code!r} is constant; its z-score is undefined")
        out[present] = (xp - xp.mean()) / sd
    elif ind.normalisation == "percentile":
        if xp.size == 1:
            raise ValueError(f"indicator {ind.code!r} has one value; percentiles need two")
        order = np.argsort(xp, kind="stable")
        ranks = np.empty(xp.size)
        ranks[order] = np.arange(1, xp.size + 1)
        # Ties share their average rank so equal values get equal scores.
        _, inv = np.unique(xp, return_inverse=True)
        ranks = (np.bincount(inv, ranks) / np.bincount(inv))[inv]
        out[present] = (ranks - 1.0) / (xp.size - 1) * 100.0
    else:
        raise ValueError(f"unknown normalisation {ind.normalisation!r} of {ind.code!r}")
    return out


def _aggregate(
    node: Group,
    norm: Mapping[str, FloatArray],
    nodes: dict[str, FloatArray],
    weights: dict[str, float],
    scale: float,
) -> FloatArray:
    """Weighted mean of ``node``'s children per unit, recording every node and weight."""
    w = np.array([c.weight for c in node.children], dtype=np.float64)
    w = w / w.sum()
    cols = []
    for child, wc in zip(node.children, w.tolist(), strict=True):
        if isinstance(child, Group):
            cols.append(_aggregate(child, norm, nodes, weights, scale * wc))
        else:
            weights[child.code] = scale * wc
            cols.append(norm[child.code])
    mat = np.column_stack(cols)
    avail = ~np.isnan(mat)
    wmat = np.where(avail, w, 0.0)
    wsum = wmat.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if node.aggregation == "arithmetic":
            agg = (np.where(avail, mat, 0.0) * wmat).sum(axis=1) / wsum
        elif node.aggregation == "geometric":
            if (mat[avail] < 0).any():
                raise ValueError(f"geometric mean of {node.code!r} needs non-negative scores")
            logs = np.log(np.where(avail, mat, 1.0))
            # A zero child makes the geometric mean zero (log 0 = -inf, exp(-inf) = 0).
            agg = np.exp((np.where(wmat > 0, logs, 0.0) * wmat).sum(axis=1) / wsum)
        else:
            raise ValueError(f"unknown aggregation {node.aggregation!r} of {node.code!r}")
    agg = np.where(wsum > 0, agg, np.nan)
    nodes[node.code] = agg
    return np.asarray(agg, dtype=np.float64)


def compute_index(
    spec: IndexSpec, unit_codes: Sequence[str], values: Mapping[str, npt.ArrayLike]
) -> IndexResult:
    """Compute a composite index.

    Parameters
    ----------
    spec : IndexSpec
        Configuration of the index.
    unit_codes : sequence of str
        Distinct unit codes; the values are aligned with them.
    values : mapping of str to array_like of float
        Raw values per indicator code, NaN for missing.

    Returns
    -------
    IndexResult
        Scores (0-100, NaN for units without a score), the score of every node (indicators
        normalised and oriented, groups aggregated), each indicator's effective weight in the
        index (product of its normalised weights along the tree; they sum to 1) and the
        fingerprint of ``spec`` + inputs.

    Raises
    ------
    ValueError
        On a malformed tree (repeated code, non-positive weight, bad goal-posts), missing,
        misaligned or infinite values, a constant indicator without goal-posts, z-scores
        without ``rescale_output`` or under a geometric mean, or an unknown option.

    Examples
    --------
    >>> spec = IndexSpec("cpi", Group("cpi", (
    ...     Indicator("water", "higher_is_better", goalposts=(0.0, 100.0)),
    ...     Indicator("crime", "higher_is_worse", goalposts=(0.0, 50.0)),
    ... ), aggregation="geometric"))
    >>> r = compute_index(spec, ["a", "b"], {"water": [90, 40], "crime": [10, 40]})
    >>> [round(s, 2) for s in r.scores.tolist()]
    [84.85, 28.28]
    >>> r.effective_weights
    {'water': 0.5, 'crime': 0.5}
    """
    _check_tree(spec.root, {spec.root.code})
    if spec.orientation not in ("higher_is_better", "higher_is_worse"):
        raise ValueError(f"unknown orientation {spec.orientation!r}")
    leaves = _leaves(spec.root)
    raw = raw_matrix(unit_codes, values, [ind.code for ind in leaves])
    impute(raw, spec.missing)
    if spec.missing == "exclude":
        complete = np.logical_and.reduce([~np.isnan(x) for x in raw.values()])
        raw = {code: np.where(complete, x, np.nan) for code, x in raw.items()}
    uses_z = any(ind.normalisation == "zscore" for ind in leaves)
    if uses_z and not spec.rescale_output:
        raise ValueError("z-score normalisation is unbounded: set rescale_output=True")
    norm: dict[str, FloatArray] = {}
    for ind in leaves:
        if ind.direction not in ("higher_is_better", "higher_is_worse"):
            raise ValueError(f"unknown direction {ind.direction!r} of {ind.code!r}")
        x = _normalise(ind, raw[ind.code])
        if ind.direction != spec.orientation:
            # Invert so a higher score always means more of what the index measures.
            x = -x if ind.normalisation == "zscore" else 100.0 - x
        norm[ind.code] = x
    if uses_z and _has_geometric(spec.root):
        raise ValueError("a geometric mean cannot aggregate z-scores (they can be negative)")
    nodes: dict[str, FloatArray] = dict(norm)
    weights: dict[str, float] = {}
    scores = _aggregate(spec.root, norm, nodes, weights, 1.0)
    if spec.rescale_output:
        scores = rescale(scores)
    return IndexResult(
        spec.code,
        tuple(unit_codes),
        np.clip(scores, 0.0, 100.0),
        nodes,
        weights,
        fingerprint(spec, unit_codes, {ind.code: values[ind.code] for ind in leaves}),
    )


def _has_geometric(node: Group) -> bool:
    """Whether any group of the tree aggregates geometrically."""
    return node.aggregation == "geometric" or any(
        isinstance(c, Group) and _has_geometric(c) for c in node.children
    )
