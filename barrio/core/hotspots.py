"""Hot spots: local Moran's I (LISA) over polygon contiguity, with seeded permutations.

Neighbours are plain data -- one list of neighbour ids per unit -- either given by the
caller (e.g. stored adjacency) or built from shapely geometries with libpysal's queen
(shared vertex) or rook (shared edge) contiguity. The statistic and its conditional
permutation p-values come from ``esda.Moran_Local`` with row-standardised weights; the seed
is an explicit parameter and a single process is used, so a run is reproducible.

Labels (stable codes) at significance ``alpha``: ``high_high`` (hot spot), ``low_low``
(cold spot), ``high_low`` and ``low_high`` (spatial outliers), ``not_significant``. A unit
without neighbours (an island) has no local statistic: it is ``not_significant`` and listed
in :attr:`Hotspots.islands`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import esda
import numpy as np
import numpy.typing as npt
from libpysal.weights import Queen, Rook, W

from barrio.core.fingerprint import fingerprint

__all__ = ["LABELS", "Hotspots", "contiguity", "local_moran"]

#: Label code per esda quadrant (1 HH, 2 LH, 3 LL, 4 HL).
LABELS: dict[int, str] = {1: "high_high", 2: "low_high", 3: "low_low", 4: "high_low"}


@dataclass(frozen=True)
class Hotspots:
    """Local Moran's I per unit.

    Attributes
    ----------
    ids : tuple of str
        Unit ids, in input order.
    local_i : numpy.ndarray
        Local Moran's I (0 for islands).
    p_values : numpy.ndarray
        Pseudo p-values from the permutations (1 for islands).
    labels : tuple of str
        Label code per unit (see module docstring).
    islands : tuple of str
        Units without neighbours.
    alpha, permutations, seed
        Parameters of the run.
    fingerprint : str
        sha256 of the values, the neighbour lists and the parameters (see
        :func:`barrio.core.fingerprint.fingerprint`): the same fingerprint gives the same
        result.
    """

    ids: tuple[str, ...]
    local_i: npt.NDArray[np.float64]
    p_values: npt.NDArray[np.float64]
    labels: tuple[str, ...]
    islands: tuple[str, ...]
    alpha: float
    permutations: int
    seed: int
    fingerprint: str

    def counts(self) -> dict[str, int]:
        """Return the number of units per label code."""
        out = dict.fromkeys([*LABELS.values(), "not_significant"], 0)
        for label in self.labels:
            out[label] += 1
        return out


def contiguity(
    ids: Sequence[str], geometries: Sequence[object], rule: Literal["queen", "rook"] = "queen"
) -> list[list[str]]:
    """Neighbour lists from polygon adjacency.

    Parameters
    ----------
    ids : sequence of str
        Distinct unit ids aligned with ``geometries``.
    geometries : sequence of shapely Polygon or MultiPolygon
        One geometry per unit.
    rule : {"queen", "rook"}, default "queen"
        ``queen``: polygons sharing at least one vertex are neighbours; ``rook``: sharing an
        edge (libpysal's ``Queen``/``Rook.from_iterable``).

    Returns
    -------
    list of list of str
        Sorted neighbour ids per unit, aligned with ``ids``.

    Raises
    ------
    ValueError
        On misaligned or duplicate ids, a missing or empty geometry, or an unknown rule.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cells = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(1, 1, 2, 2)]
    >>> contiguity(["a", "b", "c"], cells, "queen")
    [['b', 'c'], ['a', 'c'], ['a', 'b']]
    >>> contiguity(["a", "b", "c"], cells, "rook")
    [['b'], ['a', 'c'], ['b']]
    """
    if len(ids) != len(geometries):
        raise ValueError(f"{len(ids)} ids for {len(geometries)} geometries")
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate unit ids")
    for i, geom in enumerate(geometries):
        if geom is None or getattr(geom, "is_empty", True):
            raise ValueError(f"unit {ids[i]!r} has a missing or empty geometry")
    if rule == "queen":
        builder: type[W] = Queen
    elif rule == "rook":
        builder = Rook
    else:
        raise ValueError(f"unknown contiguity rule {rule!r}; use 'queen' or 'rook'")
    with warnings.catch_warnings():
        # libpysal warns about islands and disconnected components; local_moran reports them.
        warnings.simplefilter("ignore")
        w = builder.from_iterable(list(geometries), silence_warnings=True)
    return [sorted(ids[j] for j in w.neighbors[i]) for i in range(len(ids))]


def local_moran(
    ids: Sequence[str],
    values: npt.ArrayLike,
    neighbours: Sequence[Sequence[str]],
    *,
    seed: int,
    permutations: int = 999,
    alpha: float = 0.05,
) -> Hotspots:
    """Local Moran's I with conditional permutation inference.

    Parameters
    ----------
    ids : sequence of str
        Distinct unit ids.
    values : array_like of float
        Value per unit (no missing values: impute or drop units first).
    neighbours : sequence of sequence of str
        Neighbour ids per unit, aligned with ``ids`` (e.g. from :func:`contiguity`);
        weights are row-standardised.
    seed : int
        Seed of the permutations (esda reseeds numpy's global generator with it).
    permutations : int, default 999
        Number of conditional permutations (at least 99).
    alpha : float, default 0.05
        Significance level for the labels (0 < alpha < 1).

    Returns
    -------
    Hotspots
        Local I, pseudo p-values and label per unit, islands and parameters.

    Raises
    ------
    ValueError
        On fewer than 3 units, misaligned inputs, duplicate ids, unknown or self
        neighbours, missing or constant values, fewer than 99 permutations or ``alpha``
        outside (0, 1).

    Examples
    --------
    >>> ids = [f"u{i}" for i in range(6)]
    >>> nbrs = [["u1"], ["u0", "u2"], ["u1", "u3"], ["u2", "u4"], ["u3", "u5"], ["u4"]]
    >>> h = local_moran(ids, [10, 9, 8, 1, 2, 1], nbrs, seed=7, permutations=99, alpha=0.5)
    >>> h.labels[0], h.labels[5]
    ('high_high', 'low_low')
    """
    n = len(ids)
    if len(set(ids)) != n:
        raise ValueError("duplicate unit ids")
    y = np.asarray(values, dtype=np.float64).ravel()
    if y.size != n or len(neighbours) != n:
        raise ValueError(f"{n} ids, {y.size} values and {len(neighbours)} neighbour lists")
    if n < 3:
        # Conditional permutation draws each unit's neighbours from the n - 1 others.
        raise ValueError(f"local Moran's I needs at least 3 units, got {n}")
    if not np.isfinite(y).all():
        raise ValueError("values must be finite; impute or drop units with missing values")
    if y.std() == 0:
        raise ValueError("values are constant; local Moran's I is undefined")
    if permutations < 99:
        raise ValueError(f"at least 99 permutations are needed, got {permutations}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    pos = {u: i for i, u in enumerate(ids)}
    nbr_pos: dict[int, list[int]] = {}
    for i, lst in enumerate(neighbours):
        unknown = [v for v in lst if v not in pos]
        if unknown:
            raise ValueError(f"unit {ids[i]!r} has unknown neighbours {unknown[:5]}")
        if ids[i] in lst:
            raise ValueError(f"unit {ids[i]!r} is listed as its own neighbour")
        nbr_pos[i] = sorted({pos[v] for v in lst})
    islands = tuple(ids[i] for i, lst in nbr_pos.items() if not lst)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W(nbr_pos, ids=list(range(n)), silence_warnings=True)
        w.transform = "r"
        # keep_simulations=False: the 999 x n simulated values are not needed afterwards.
        # esda draws its permutations after np.random.seed(seed): numpy's global generator
        # is reseeded as a side effect, which is why callers must not rely on it.
        lisa = esda.Moran_Local(
            y, w, permutations=permutations, seed=seed, n_jobs=1, keep_simulations=False
        )
    local_i = np.asarray(lisa.Is, dtype=np.float64)
    p = np.asarray(lisa.p_sim, dtype=np.float64)
    quad = np.asarray(lisa.q, dtype=np.int64)
    is_island = np.array([not nbr_pos[i] for i in range(n)], dtype=bool)
    local_i = np.where(is_island, 0.0, local_i)
    p = np.where(is_island, 1.0, p)
    labels = tuple(
        LABELS[int(q)] if (pv <= alpha and not isl) else "not_significant"
        for q, pv, isl in zip(quad.tolist(), p.tolist(), is_island.tolist(), strict=True)
    )
    config = {
        "method": "local_moran",
        "weights": "row_standardised",
        "permutations": permutations,
        "seed": seed,
        "alpha": alpha,
        "neighbours": sorted([ids[i], sorted(set(lst))] for i, lst in enumerate(neighbours)),
    }
    proof = fingerprint(config, ids, {"value": y})
    return Hotspots(tuple(ids), local_i, p, labels, islands, alpha, permutations, seed, proof)
