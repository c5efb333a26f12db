"""The instance (projects, costs, budget) and the compact profile the rules work on.

A compact profile stores each *distinct* ballot once, with its multiplicity, as a row of an
integer matrix (one column per project). Every rule's cost then follows the number of distinct
ballots and projects, never the number of voters: 90,000 voters of Łódź cast about 24,000
distinct ballots, a Mechanical-Turk-style experiment of 200 voters maybe 150.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import numpy.typing as npt

from barrio.core.pb.model import Money, PbElection, tallies

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Instance:
    """The projects on the ballot and the money to share.

    Attributes
    ----------
    project_ids : tuple of str
        Project ids as in the file, in file order; rules refer to projects by index into it.
    costs : tuple of int or Fraction
        Cost of each project, strictly positive.
    budget : int or Fraction
        The money to allocate, strictly positive.
    """

    project_ids: tuple[str, ...]
    costs: tuple[Money, ...]
    budget: Money

    def __post_init__(self) -> None:
        if len(self.project_ids) != len(self.costs):
            raise ValueError("project_ids and costs differ in length")
        if len(set(self.project_ids)) != len(self.project_ids):
            raise ValueError("project ids repeat")
        if any(cost <= 0 for cost in self.costs):
            raise ValueError("every cost must be greater than 0")
        if self.budget <= 0:
            raise ValueError("the budget must be greater than 0")

    @property
    def num_projects(self) -> int:
        """The number of projects."""
        return len(self.project_ids)

    def total_cost(self, projects: Sequence[int]) -> Money:
        """Return the exact total cost of the projects with the given indices.

        Examples
        --------
        >>> from fractions import Fraction
        >>> Instance(("a", "b"), (3, Fraction(1, 2)), 10).total_cost([0, 1])
        Fraction(7, 2)
        """
        total: Money = 0
        for index in projects:
            total += self.costs[index]
        return total


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """Ballots merged into distinct rows with a multiplicity.

    Attributes
    ----------
    points : numpy.ndarray of int64, shape (distinct ballots, projects)
        Row ``i`` is one distinct ballot: 1 for an approved project (approval ballots), the
        points given (cumulative and scoring ballots), 0 for a project not supported. An
        all-zero row stands for the voters who supported nothing: they still count as voters
        (they get a share of the budget under the Method of Equal Shares, as in pabutools).
    multiplicity : numpy.ndarray of int64, shape (distinct ballots,)
        How many voters cast each distinct ballot; every entry is at least 1.
    approval : bool
        ``True`` when every entry of :attr:`points` is 0 or 1 and the ballots are approval
        ballots (or were converted to them).
    """

    points: IntArray
    multiplicity: IntArray
    approval: bool
    # Per project, the supporting ballots; keys -1 and -2 hold votes() and scores().
    _supporters: dict[int, IntArray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.points.ndim != 2 or self.multiplicity.shape != (self.points.shape[0],):
            raise ValueError("points must be (ballots, projects) and multiplicity (ballots,)")
        if (self.multiplicity < 1).any():
            raise ValueError("every multiplicity must be at least 1")
        if (self.points < 0).any():
            raise ValueError("points must not be negative")

    @property
    def num_voters(self) -> int:
        """The number of voters (the sum of the multiplicities)."""
        return int(self.multiplicity.sum())

    @property
    def num_ballots(self) -> int:
        """The number of distinct ballots."""
        return int(self.points.shape[0])

    def supporters(self, project: int) -> IntArray:
        """Return the indices of the distinct ballots that give ``project`` more than 0 points.

        Computed once per project and kept: every rule asks for it many times.
        """
        found = self._supporters.get(project)
        if found is None:
            found = np.flatnonzero(self.points[:, project] > 0).astype(np.int64)
            self._supporters[project] = found
        return found

    def votes(self) -> IntArray:
        """Return, per project, the number of voters supporting it (more than 0 points)."""
        found = self._supporters.get(-1)
        if found is None:
            rows, columns = np.nonzero(self.points)
            # bincount over the nonzero entries: an integer matrix product is slow in numpy.
            found = np.bincount(
                columns, weights=self.multiplicity[rows], minlength=self.points.shape[1]
            ).astype(np.int64)
            found.flags.writeable = False
            self._supporters[-1] = found  # cached: computed once per profile
        return found

    def scores(self) -> IntArray:
        """Return, per project, the total points it received (= votes for approval ballots)."""
        found = self._supporters.get(-2)
        if found is None and self.approval:
            found = self._supporters[-2] = self.votes()  # every point is 1
        if found is None:
            rows, columns = np.nonzero(self.points)
            weights = self.multiplicity[rows] * self.points[rows, columns]
            found = np.bincount(columns, weights=weights, minlength=self.points.shape[1])
            found = found.astype(np.int64)
            found.flags.writeable = False
            self._supporters[-2] = found
        return found


def make_profile(
    ballots: Sequence[dict[int, int]], num_projects: int, *, approval: bool
) -> Profile:
    """Build a compact profile from one ``{project index: points}`` mapping per voter.

    Identical ballots are merged; the distinct ballots are kept in order of first appearance.

    Parameters
    ----------
    ballots : sequence of dict
        One mapping per voter; projects with 0 points may be left out.
    num_projects : int
        The number of projects of the instance.
    approval : bool
        Whether the ballots are approval ballots (all points 1).

    Returns
    -------
    Profile

    Raises
    ------
    ValueError
        If a ballot names a project index out of range or gives negative points, or if
        ``approval`` is set and a ballot gives a project other than 0 or 1 point.

    Examples
    --------
    >>> profile = make_profile([{0: 1}, {1: 1, 0: 1}, {0: 1}], 2, approval=True)
    >>> profile.points.tolist(), profile.multiplicity.tolist()
    ([[1, 0], [1, 1]], [2, 1])
    """
    counts: dict[tuple[tuple[int, int], ...], int] = {}
    for ballot in ballots:
        key = tuple(sorted((p, v) for p, v in ballot.items() if v != 0))
        counts[key] = counts.get(key, 0) + 1
    points = np.zeros((len(counts), num_projects), dtype=np.int64)
    for row, key in enumerate(counts):
        for project, value in key:
            if not 0 <= project < num_projects:
                raise ValueError(f"project index {project} out of range")
            if value < 0 or (approval and value != 1):
                raise ValueError(f"invalid points {value} for project {project}")
            points[row, project] = value
    multiplicity = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    return Profile(points, multiplicity, approval)


def instance_of(election: PbElection) -> Instance:
    """Return the instance (ids, costs, budget) of a file that was read.

    Examples
    --------
    >>> from barrio.core.pb.model import PbProject
    >>> election = PbElection((), 10, "approval", (PbProject("7", 4, ()),), (), (), ())
    >>> instance_of(election)
    Instance(project_ids=('7',), costs=(4,), budget=10)
    """
    return Instance(
        tuple(p.project_id for p in election.projects),
        tuple(p.cost for p in election.projects),
        election.budget,
    )


def profile_of(election: PbElection, *, as_approval: bool = False) -> Profile:
    """Return the compact profile of a file that was read.

    Parameters
    ----------
    election : PbElection
        The file.
    as_approval : bool, optional
        Convert cumulative, scoring and ordinal ballots to approval ballots as pabutools users
        do: a project given points (more than 0) or a rank counts as approved. Without it,
        ordinal ballots are scored by position as Kraków counts them: with ``max_length`` L
        (META; else the number of projects), the first choice gets L points, the second L-1...

    Returns
    -------
    Profile

    Raises
    ------
    ValueError
        If an ordinal ballot ranks more projects than ``max_length``.

    Examples
    --------
    >>> from barrio.core.pb.model import PbProject, PbVote
    >>> projects = (PbProject("1", 4, ()), PbProject("2", 6, ()))
    >>> votes = (PbVote("a", (0, 1), (2, 1), ()), PbVote("b", (1,), (3,), ()))
    >>> election = PbElection((), 10, "cumulative", projects, (), votes, ())
    >>> profile_of(election).points.tolist()
    [[2, 1], [0, 3]]
    >>> profile_of(election, as_approval=True).points.tolist()
    [[1, 1], [0, 1]]
    """
    approval = as_approval or election.vote_type in ("approval", "choose-1")
    top = 0
    if election.vote_type == "ordinal" and not as_approval:
        declared = election.meta_value("max_length")
        top = int(declared) if declared and declared.isdigit() else len(election.projects)
    # Count identical ballots first (C-speed over 100,000 voters), then normalise each distinct
    # one: the same approvals in another order are the same ballot.
    counts: Iterable[tuple[tuple[int, ...], tuple[int, ...] | None, int]]
    counts = tallies(election.votes)
    if top:
        counts = list(counts)  # looked at twice
        longest = max((len(projects) for projects, _, _ in counts), default=0)
        if longest > top:
            raise ValueError(f"a ranking has {longest} projects, more than max_length {top}")
    if approval:
        return _approval_profile(counts, len(election.projects))
    # A distinct ballot is its supported projects (sorted) and their points.
    merged: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
    for projects, given, count in counts:
        if given is None and top:
            ranked = sorted(zip(projects, range(top, top - len(projects), -1), strict=True))
            key = (tuple(p for p, _ in ranked), tuple(v for _, v in ranked))
        elif given is None:  # a ballot without points in a cardinal profile: 1 each
            ordered = tuple(sorted(set(projects)))
            key = (ordered, (1,) * len(ordered))
        else:
            kept = sorted((p, v) for p, v in zip(projects, given, strict=True) if v > 0)
            key = (tuple(p for p, _ in kept), tuple(v for _, v in kept))
        merged[key] = merged.get(key, 0) + count
    matrix = np.zeros((len(merged), len(election.projects)), dtype=np.int64)
    lengths = np.fromiter((len(key[0]) for key in merged), dtype=np.int64, count=len(merged))
    total = int(lengths.sum())
    if total:
        rows = np.repeat(np.arange(len(merged)), lengths)
        columns = np.fromiter(chain.from_iterable(k[0] for k in merged), np.int64, total)
        values = np.fromiter(chain.from_iterable(k[1] for k in merged), np.int64, total)
        matrix[rows, columns] = values
    multiplicity = np.fromiter(merged.values(), dtype=np.int64, count=len(merged))
    return Profile(matrix, multiplicity, approval)


def _approval_profile(
    counts: Iterable[tuple[tuple[int, ...], tuple[int, ...] | None, int]], projects: int
) -> Profile:
    """The approval profile of ``counts`` (see :func:`profile_of`): a ballot approves the
    projects it names (with points, those given more than 0), each once, in any order.

    In a few numpy calls over all the ballot texts, not a Python loop over them (on a file of
    a few hundred distinct texts the loop was most of the time spent on the profile): one
    row per text, marked where it approves; identical rows merged, in order of first
    appearance, their counts added.
    """
    counts = list(counts)
    texts = len(counts)
    named = [text[0] for text in counts]
    lengths = np.fromiter(map(len, named), dtype=np.int64, count=texts)
    total = int(np.add.reduce(lengths)) if texts else 0
    rows = np.repeat(np.arange(texts), lengths)
    columns = np.fromiter(chain.from_iterable(named), dtype=np.int64, count=total)
    given = [text[1] for text in counts]
    if any(points is not None for points in given):
        points = chain.from_iterable(
            (1,) * len(ballot) if found is None else found
            for ballot, found in zip(named, given, strict=True)
        )
        approves = np.fromiter(points, dtype=np.int64, count=total) > 0
        rows, columns = rows[approves], columns[approves]
    marked = np.zeros((texts, projects), dtype=bool)
    marked[rows, columns] = True
    multiplicity = np.fromiter((text[2] for text in counts), dtype=np.int64, count=texts)
    if texts > 1:
        # Identical rows merged through their bytes (a dict keeps the first appearance's order).
        width = (projects + 7) // 8
        flat = np.packbits(marked, axis=1).tobytes()
        keys = [flat[i * width : (i + 1) * width] for i in range(texts)]
        ids = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        if len(ids) < texts:
            inverse = np.fromiter(map(ids.__getitem__, keys), dtype=np.int64, count=texts)
            multiplicity = np.bincount(inverse, multiplicity, len(ids)).astype(np.int64)
            distinct = np.frombuffer(b"".join(ids), dtype=np.uint8).reshape(len(ids), width)
            marked = np.unpackbits(distinct, axis=1, count=projects)
    return Profile(marked.astype(np.int64), multiplicity, True)
