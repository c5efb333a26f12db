"""A whole block of distinct ballot texts validated at once: the reader's fast path.

:meth:`~barrio.core.pb.ballot_check.BallotChecker.check` validates one ballot text with a
few Python steps per project named. A large file has tens of thousands of distinct ballots
(nearly every voter of Amsterdam or Kraków casts one nobody else does), so the reader hands
the new texts of a block of lines to :meth:`BlockChecker.check` instead, which treats them
together: the texts are joined and split once, the ids looked up in one pass (parsed by
numpy when every project id is a plain decimal number), repeats and limits checked on whole
arrays. It answers only when every ballot of the block is clean (as
:meth:`~barrio.core.pb.ballot_check.BallotChecker.check` would find it), and then exactly as
that method would; otherwise it returns ``None`` and the reader checks each text alone,
which names what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice, repeat

import numpy as np
import numpy.typing as npt

from barrio.core.pb.ballot_check import CLEAN, MAX_POINTS, POINTS_TYPES, Ballot, BallotChecker

__all__ = ["BlockChecker"]

LARGEST_NUMBER = 1 << 20
"""Ids read as numbers only below this (a table of this size maps numbers to projects)."""

Checked = tuple[tuple[int, ...], Ballot]
IdArray = npt.NDArray[np.int64]


def _decimal(project_id: str) -> bool:
    """Whether ``project_id`` is a decimal number written as numpy would read it back."""
    plain = project_id.isascii() and project_id.isdigit() and len(project_id) <= 18
    return plain and (project_id == "0" or not project_id.startswith("0"))


def _numbers_only(text: str) -> bool:
    """Whether ``text`` is decimal digits in comma-separated fields, none of them empty."""
    if not text.isascii() or text.encode("ascii").translate(None, b"0123456789,"):
        return False
    return bool(text) and ",," not in text and not text.startswith(",") and not text.endswith(",")


def _cut(items: list[int], lengths: list[int]) -> list[tuple[int, ...]]:
    """``items`` cut into consecutive tuples of the given lengths (in C: one shared iterator)."""
    return list(map(tuple, map(islice, repeat(iter(items)), lengths)))


class BlockChecker:
    """Validates blocks of distinct ballot texts for one file (see the module documentation).

    Examples
    --------
    >>> from barrio.core.pb.ballot_check import Limits
    >>> one = BallotChecker({"a": 0, "b": 1}, [5, 7], "approval", Limits(max_length=2))
    >>> block = BlockChecker(one)
    >>> [projects for projects, _ in block.check(["a,b", "b"], None)]
    [(0, 1), (1,)]
    >>> block.check(["a,a"], None) is None, block.check(["a, b"], None) is None
    (True, True)
    >>> scores = BlockChecker(BallotChecker({"7": 0, "12": 1}, [5, 7], "cumulative", Limits()))
    >>> scores.check(["12,7"], ["3,1"])
    [((1, 0), Ballot(reasons=(), warnings=(), points=(3, 1)))]
    """

    def __init__(self, checker: BallotChecker) -> None:
        self.checker = checker
        index = checker.project_index
        costs = checker.costs
        whole = all(isinstance(cost, int) for cost in costs)
        # The costs as int64 for summing many ballots, when no sum can overflow.
        self.int_costs = np.array(costs, dtype=np.int64) if whole and sum(costs) < 2**62 else None
        # With ids that are small decimal numbers: the project index of each number (-1 for
        # none) and the number of digits of each id, by number.
        self.by_number: IdArray | None = None
        if index and all(map(_decimal, index)):
            numbers = np.array([int(project_id) for project_id in index], dtype=np.int64)
            if int(numbers.max()) < LARGEST_NUMBER:
                self.by_number = np.full(int(numbers.max()) + 1, -1, dtype=np.int64)
                self.by_number[numbers] = list(index.values())
                self.digits = np.zeros(len(self.by_number), dtype=np.int64)
                self.digits[numbers] = list(map(len, index))

    def check(self, votes: Sequence[str], points: Sequence[str] | None) -> list[Checked] | None:
        """What :meth:`BallotChecker.check` gives for each ballot, or ``None``.

        Parameters
        ----------
        votes : sequence of str
            The ``vote`` texts, as written (not stripped).
        points : sequence of str, or None
            The ``points`` texts of the same ballots (cumulative and scoring ballots).

        Returns
        -------
        list of (tuple of int, Ballot), or None
            ``None`` unless every ballot is clean and written without padding.
        """
        checker = self.checker
        if not votes or (points is None) == (checker.vote_type in POINTS_TYPES):
            return None
        found = self._ids(votes)
        if found is None:
            return None
        flat, ids, lengths = found
        if int(lengths.min()) < checker.shortest or (
            checker.longest is not None and int(lengths.max()) > checker.longest
        ):
            return None
        if self._repeats(ids, lengths) or (
            checker.cost_limits and not self._costs_fit(ids, lengths)
        ):
            return None
        projects = _cut(flat, lengths.tolist())
        if points is None:
            return list(zip(projects, repeat(CLEAN)))
        given = self._points(points, lengths)
        if given is None:
            return None
        return list(zip(projects, map(Ballot, repeat(()), repeat(()), given), strict=True))

    def _ids(self, votes: Sequence[str]) -> tuple[list[int], IdArray, IdArray] | None:
        """The project indices of all ballots one after the other, and each ballot's count."""
        joined = ",".join(votes)
        lengths = np.fromiter(map(str.count, votes, repeat(",")), np.int64, len(votes)) + 1
        if self.by_number is not None:
            ids = self._numbers(joined, int(lengths.sum()))
            return None if ids is None else (ids.tolist(), ids, lengths)
        try:
            flat = list(map(self.checker.project_index.__getitem__, joined.split(",")))
        except KeyError:  # an unknown or padded id, or an empty vote (an empty name)
            return None
        return flat, np.fromiter(flat, np.int64, len(flat)), lengths

    def _numbers(self, joined: str, count: int) -> IdArray | None:
        """The indices of ids written as plain decimal numbers (every project's is one).

        Only digits and single commas, no leading zero: then each id reads as one number,
        and a number found among the projects' with as many digits as written is the id.
        Anything else (an unknown id, padding, an empty name) gives ``None``, as a failed
        look-up does.
        """
        if not _numbers_only(joined) or joined.startswith("0") or ",0" in joined:
            return None
        values = np.fromstring(joined, dtype=np.int64, sep=",")
        if len(values) != count:
            return None
        by_number = self.by_number
        assert by_number is not None
        if int(values.min()) < 0 or int(values.max()) >= len(by_number):
            return None
        ids = by_number[values]
        if int(ids.min()) < 0:
            return None
        if int(self.digits[values].sum()) != len(joined) - count + 1:  # too long for int64
            return None
        return ids

    def _repeats(self, ids: IdArray, lengths: IdArray) -> bool:
        """Whether a ballot names a project twice: two equal (ballot, project) pairs."""
        if int(lengths.max()) == 1:
            return False
        pairs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        pairs *= len(self.checker.project_index)
        pairs += ids
        pairs.sort()
        return bool((pairs[1:] == pairs[:-1]).any())

    def _costs_fit(self, ids: IdArray, lengths: IdArray) -> bool:
        """Whether every ballot keeps ``min_sum_cost``/``max_sum_cost``."""
        limits = self.checker.limits
        low, high = limits.min_sum_cost, limits.max_sum_cost
        if self.int_costs is not None:
            offsets = np.zeros(len(lengths), dtype=np.int64)
            np.cumsum(lengths[:-1], out=offsets[1:])
            sums = np.add.reduceat(self.int_costs[ids], offsets)
            least, most = int(sums.min()), int(sums.max())
            return (low is None or least >= low) and (high is None or most <= high)
        costs = self.checker.costs
        totals = [sum(map(costs.__getitem__, b)) for b in _cut(ids.tolist(), lengths.tolist())]
        return (low is None or min(totals) >= low) and (high is None or max(totals) <= high)

    def _points(self, texts: Sequence[str], lengths: IdArray) -> list[tuple[int, ...]] | None:
        """Each ballot's points, if all are plain whole numbers within the file's limits."""
        counts = np.fromiter(map(str.count, texts, repeat(",")), np.int64, len(texts)) + 1
        if not np.array_equal(counts, lengths):
            return None
        joined = ",".join(texts)
        if not _numbers_only(joined):
            return None
        values = list(map(int, joined.split(",")))
        most = max(values)
        if most > MAX_POINTS:
            return None  # named line by line
        limits = self.checker.limits
        if (limits.min_points is not None and min(values) < limits.min_points) or (
            limits.max_points is not None and most > limits.max_points
        ):
            return None
        given = _cut(values, lengths.tolist())
        low, high = limits.min_sum_points, limits.max_sum_points
        if low is not None or high is not None:
            sums = list(map(sum, given))
            if (low is not None and min(sums) < low) or (high is not None and max(sums) > high):
                return None
        return given
