"""What one MES computation shares between runs: the data, its constants, an evaluation.

Split from :mod:`barrio.core.pb.mes` (see there for the method).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate

import numpy as np
import numpy.typing as npt

from barrio.core.pb.profile import FloatArray, Instance, IntArray, Profile

TOLERANCE = 1e-9
"""Relative gap under which floats are not trusted and the exact values are compared."""

HORIZON_STEPS = 64
"""How many budget steps ahead a tracked run tries to prove its outcome stable, at first."""

SHORTEST_HORIZON_STEPS = 4
"""The shortest horizon Add1 gives a run, in budget steps (see ``add1``)."""


CLUSTERED_FROM = 2048
"""From how many distinct ballots :func:`prepare` orders them so that supporters cluster."""


@dataclass(frozen=True, slots=True, eq=False)
class MesData:
    """What does not change between runs at different budgets (computed once for Add1).

    Attributes
    ----------
    profile : Profile
        The profile, its distinct ballots perhaps in another order (see :func:`prepare`):
        every array indexed by ballot, here and in a run, follows this one's rows.
    weights : tuple of int or Fraction
        Satisfaction per point of each project (its cost, or 1).
    candidates : tuple of int
        Projects with at least one supporter (the others are never funded by MES).
    """

    instance: Instance
    profile: Profile
    weights: tuple[int | Fraction, ...]
    candidates: tuple[int, ...]
    ranks: IntArray
    costs_f: FloatArray
    mult_f: FloatArray
    supporters: tuple[IntArray, ...]
    supporter_points: tuple[FloatArray, ...]  # per project, aligned with ``supporters``
    supporter_mult: tuple[FloatArray, ...]
    lowest_rho: tuple[float, ...]  # per project, its price if every supporter paid a full share
    lowest_rho_f: FloatArray  # the same as an array (inf for a project nobody supports)
    votes_l: tuple[float, ...]  # per project, its supporters counted with multiplicity
    votes_f: FloatArray  # the same as an array
    shares_f: FloatArray  # per project, its supporters' satisfaction per unit of price
    columns: IntArray  # the points by project (rows) and ballot: a project's points in a row
    costs_l: tuple[float, ...]  # ``costs_f`` as Python floats (no numpy scalar per use)
    weights_l: tuple[float, ...]  # ``weights`` as Python floats
    # Every project's supporters one after the other (``owner`` the project of each entry),
    # with their multiplicities and satisfaction (points x weight): the losers of a round are
    # looked at together by masking this, not by joining their arrays one by one.
    flat_ballots: IntArray
    flat_owner: IntArray
    flat_weight: FloatArray
    flat_mult: FloatArray
    flat_starts: IntArray  # per project, where its entries start and end
    flat_ends: IntArray


def prepare(
    instance: Instance,
    profile: Profile,
    sat: str,
    ranks: IntArray,
    *,
    clustered: bool | None = None,
) -> MesData:
    """Precompute supporters and weights for runs of MES on ``instance`` and ``profile``.

    With ``clustered`` (by default, on a profile of :data:`CLUSTERED_FROM` distinct ballots
    or more), the ballots are reordered so that the supporters of a project lie close
    together (see :func:`_clustered`); ``MesData.profile`` is then that reordered profile.
    The order of the ballots changes no decision of MES.

    Raises
    ------
    ValueError
        If ``sat`` is not ``"cost"`` or ``"cardinality"``, or the profile does not match the
        instance.
    """
    if sat not in ("cost", "cardinality"):
        raise ValueError(f"unknown satisfaction {sat!r}; use 'cost' or 'cardinality'")
    if profile.points.shape[1] != instance.num_projects:
        raise ValueError("the profile and the instance have different numbers of projects")
    weights = tuple(c if sat == "cost" else 1 for c in instance.costs)
    if clustered is None:
        clustered = profile.num_ballots >= CLUSTERED_FROM
    if clustered:
        order = _clustered(profile.points != 0)
        profile = Profile(profile.points[order], profile.multiplicity[order], profile.approval)
    columns = np.ascontiguousarray(profile.points.T)
    support = columns != 0
    # Every project's supporters in one pass over the transposed profile: its nonzero entries
    # come project by project, each project's ballots in increasing order.
    # (The nonzero entries of a boolean matrix are found faster than those of integers.)
    owner, ballots = support.nonzero()
    # (Views with a stride of two entries: contiguous copies are read twice as fast.)
    owner, ballots = np.ascontiguousarray(owner), np.ascontiguousarray(ballots)
    count = instance.num_projects
    sizes = np.bincount(owner, minlength=count).tolist()
    ends = list(accumulate(sizes))
    spans = list(zip([0, *ends[:-1]], ends, strict=True))
    weights_f = np.array([float(w) for w in weights], dtype=np.float64)
    mult_f = profile.multiplicity.astype(np.float64)
    flat_mult = mult_f[ballots]
    costs_f = np.array([float(c) for c in instance.costs], dtype=np.float64)
    costs_l, weights_l = costs_f.tolist(), weights_f.tolist()
    # Sums of integers (points, multiplicities): exact in floats, whatever the order.
    votes_f = np.bincount(owner, weights=flat_mult, minlength=count).astype(np.float64)
    if profile.approval:  # every point is 1: the points paying are the votes
        points_f = np.ones(len(owner))
        flat_weight = weights_f[owner]
        paying = votes_f.tolist()
    else:
        points_f = columns[owner, ballots].astype(np.float64)
        flat_weight = points_f * weights_f[owner]
        paying = np.bincount(owner, weights=flat_mult * points_f, minlength=count).tolist()
    full_lam = tuple(c / d if n else 0.0 for c, d, n in zip(costs_l, paying, sizes, strict=True))
    lowest = tuple(
        lam / w if n else 0.0 for lam, w, n in zip(full_lam, weights_l, sizes, strict=True)
    )
    return MesData(
        instance=instance,
        profile=profile,
        weights=weights,
        candidates=tuple(p for p in range(count) if sizes[p] > 0),
        ranks=ranks,
        costs_f=costs_f,
        mult_f=mult_f,
        supporters=tuple(ballots[a:b] for a, b in spans),
        supporter_points=tuple(points_f[a:b] for a, b in spans),
        supporter_mult=tuple(flat_mult[a:b] for a, b in spans),
        lowest_rho=lowest,
        lowest_rho_f=np.array([r if n else np.inf for r, n in zip(lowest, sizes, strict=True)]),
        votes_l=tuple(votes_f.tolist()),
        votes_f=votes_f,
        shares_f=np.bincount(owner, weights=flat_mult * flat_weight, minlength=count).astype(
            np.float64
        ),
        # Taking the points of many ballots for one project from a row of this copy reads
        # adjacent memory, not one row of the profile per ballot.
        columns=columns,
        costs_l=tuple(costs_l),
        weights_l=tuple(weights_l),
        flat_ballots=ballots,
        flat_owner=owner,
        flat_weight=flat_weight,
        flat_mult=flat_mult,
        flat_starts=np.array([start for start, _ in spans], dtype=np.int64),
        flat_ends=np.array([end for _, end in spans], dtype=np.int64),
    )


def _clustered(support: npt.NDArray[np.bool_]) -> IntArray:
    """An order of the ballots (the rows of ``support``, one column per project) in which
    each project's supporters lie close together.

    Every pass of MES over a project's supporters reads their budgets, spread over an array
    of every ballot: where they are scattered, most reads fetch a line of memory for one
    budget. Sorted as binary numbers whose leading digit is the support of the most
    supported project, then the next one's, and so on, the ballots that support the most
    supported projects form long runs (MES + Add1 on Budapest 2024: a third less time).
    """
    popular_first = np.argsort(-support.sum(axis=0), kind="stable")
    packed = np.ascontiguousarray(np.packbits(support[:, popular_first], axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    return np.argsort(keys, kind="stable")


@dataclass(slots=True)
class Evaluation:
    """A project's price in the current round (floats, with the exact value on demand)."""

    project: int
    live: IntArray  # supporters who still have money, sorted by budget per point
    poor_count: int  # the first ``poor_count`` of ``live`` pay all they have
    rho_f: float
    lam_f: float
    exact: Fraction | None = None  # the exact payment per point
    slope: float | None = None  # bound on how fast ``rho`` falls with ``b`` (for Add1's bounds)
    # Whether every supporter holds at least (1 + 3 x TOLERANCE) times their full share: then
    # none is within the tolerance of it, and the split needs no exact settling.
    clear: bool = False
