"""Validation of one ballot against the file's own rules (used by the reader).

A ballot text is checked once, however many voters cast it: the reader caches the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from barrio.core.pb.model import Money, parse_money

POINTS_TYPES = ("cumulative", "scoring")
"""The vote types whose ballots carry points."""

MAX_POINTS = 10**9
"""The most points a ballot may give one project. The profile counts points in 64-bit integers
and the scores sum them over the voters in 64-bit floats, exact below 2**53: with this cap they
stay exact up to nine million voters. Pabulib's files give at most 10."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The ballot constraints a file declares in META (absent ones are ``None``)."""

    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: Money | None = None
    max_sum_cost: Money | None = None
    min_sum_points: int | None = None
    max_sum_points: int | None = None
    min_points: int | None = None
    max_points: int | None = None


def parse_int(text: str) -> int:
    """Read a whole number as pabulib writes it; raise ``ValueError`` otherwise."""
    if text.isdigit():
        return int(text)  # the common case, without building a Fraction
    value = parse_money(text)
    if not isinstance(value, int):
        raise ValueError(f"{text!r} is not a whole number")
    return value


class Ballot(NamedTuple):
    """What validating one distinct ballot text found: its problems and its parsed points.

    A named tuple (a file of a few hundred voters may hold as many distinct ballots with
    points, each with its own: it is made three times faster than a frozen dataclass)."""

    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    points: tuple[int, ...] | None


CLEAN = Ballot((), (), None)
"""The result of every valid ballot without points (shared: most ballots are valid)."""


def _digits(points_text: str) -> bool:
    """Whether ``points_text`` is ASCII digits and commas only (what :func:`parse_int` reads
    as ``int`` reads it)."""
    return points_text.isascii() and points_text.replace(",", "").isdigit()


class BallotChecker:
    """Checks ballots of one file: its projects, vote type and META limits.

    Parameters
    ----------
    project_index : dict
        Project id to its index.
    costs : list of int or Fraction
        Cost per project index.
    vote_type : str
    limits : Limits
    """

    def __init__(
        self, project_index: dict[str, int], costs: list[Money], vote_type: str, limits: Limits
    ) -> None:
        self.project_index = project_index
        self.costs = costs
        self.vote_type = vote_type
        self.limits = limits
        # The bounds a ballot without points must keep, as plain numbers for the fast path.
        self.shortest = limits.min_length or 0
        longest = limits.max_length
        if vote_type == "choose-1":
            longest = 1 if longest is None else min(longest, 1)
        self.longest = longest
        self.cost_limits = limits.min_sum_cost is not None or limits.max_sum_cost is not None
        self.has_points = vote_type in POINTS_TYPES

    def check(self, vote: str, points_text: str | None) -> tuple[tuple[int, ...], Ballot]:
        """Validate one distinct ballot text (the reader caches the result per text).

        Parameters
        ----------
        vote : str
            The ``vote`` field: project ids separated by commas.
        points_text : str or None
            The ``points`` field (cumulative and scoring ballots), else ``None``.

        Returns
        -------
        indices : tuple of int
            The projects named, each once, in the order written.
        ballot : Ballot
            Its problems, tolerated irregularities, and points.
        """
        if points_text is None and vote:
            # The common case first, in C: every id known as written, none repeated, within
            # the length limits (the general path below names what is wrong otherwise).
            try:
                found = tuple(map(self.project_index.__getitem__, vote.split(",")))
            except KeyError:
                pass
            else:
                length = len(found)
                if len(set(found)) == length:
                    if (
                        self.shortest <= length
                        and (self.longest is None or length <= self.longest)
                        and (not self.cost_limits or self._cost_fits(found))
                    ):
                        return found, CLEAN
                    broken = self._limits(found, None)
                    return found, Ballot(tuple(broken), (), None) if broken else CLEAN
        elif self.has_points and vote and points_text and _digits(points_text):
            # Points written as plain digits: the same fast path, the points read as
            # parse_int reads digits, the limits checked as below.
            try:
                found = tuple(map(self.project_index.__getitem__, vote.split(",")))
                parsed = tuple(map(int, points_text.split(",")))
            except (KeyError, ValueError):  # an unknown id, or an empty points field
                pass
            else:
                if len(parsed) == len(found) == len(set(found)):
                    return found, Ballot(tuple(self._limits(found, parsed)), (), parsed)
        return self.check_fully(vote, points_text)

    def check_fully(self, vote: str, points_text: str | None) -> tuple[tuple[int, ...], Ballot]:
        """What :meth:`check` returns, found without its fast paths for plain ballots."""
        reasons: list[str] = []
        warnings: list[str] = []
        names = [name.strip() for name in vote.split(",")] if vote.strip() else []
        lookup = self.project_index.get
        indices: list[int] = []
        seen: set[int] = set()
        for name in names:
            index = lookup(name)
            if not name:
                reasons.append("the vote has an empty project id")
            elif index is None:
                reasons.append(f"the vote names unknown project {name!r}")
            elif index in seen:
                if self.vote_type in POINTS_TYPES:
                    reasons.append(f"the vote names project {name!r} twice")
                else:
                    warnings.append(f"the vote names project {name!r} twice; counted once")
            else:
                indices.append(index)
                seen.add(index)
        points: tuple[int, ...] | None = None
        if self.vote_type in POINTS_TYPES:
            raw = [p.strip() for p in points_text.split(",")] if points_text else []
            try:
                parsed = tuple(parse_int(p) for p in raw)
            except ValueError as exc:
                reasons.append(f"points: {exc}")
                parsed = ()
            if len(raw) != len(names):
                reasons.append(f"{len(raw)} points for {len(names)} projects in the vote")
            elif any(p < 0 for p in parsed):
                reasons.append("points must not be negative")
            points = parsed if len(parsed) == len(indices) and not reasons else None
        reasons.extend(self._limits(indices, points))
        if not reasons and not warnings and points is None:
            return tuple(indices), CLEAN
        return tuple(indices), Ballot(tuple(reasons), tuple(warnings), points)

    def _cost_fits(self, found: tuple[int, ...]) -> bool:
        """Whether the projects ``found`` cost within ``min_sum_cost``/``max_sum_cost``."""
        cost: Money = sum(map(self.costs.__getitem__, found))
        low, high = self.limits.min_sum_cost, self.limits.max_sum_cost
        return (low is None or cost >= low) and (high is None or cost <= high)

    def _limits(
        self, indices: list[int] | tuple[int, ...], points: tuple[int, ...] | None
    ) -> list[str]:
        limits, reasons = self.limits, []
        length = len(indices)
        if limits.min_length is not None and length < limits.min_length:
            reasons.append(f"the vote names {length} projects, fewer than min_length")
        if limits.max_length is not None and length > limits.max_length:
            reasons.append(f"the vote names {length} projects, more than max_length")
        if self.vote_type == "choose-1" and length > 1:
            reasons.append(f"a choose-1 vote names {length} projects")
        if limits.min_sum_cost is not None or limits.max_sum_cost is not None:
            cost: Money = sum(map(self.costs.__getitem__, indices))
            if limits.min_sum_cost is not None and cost < limits.min_sum_cost:
                reasons.append(f"the vote costs {cost}, less than min_sum_cost")
            if limits.max_sum_cost is not None and cost > limits.max_sum_cost:
                reasons.append(f"the vote costs {cost}, more than max_sum_cost")
        if points is not None:
            if points and max(points) > MAX_POINTS:
                reasons.append(f"points must be at most {MAX_POINTS}")
            total = sum(points)
            if limits.min_sum_points is not None and total < limits.min_sum_points:
                reasons.append(f"the vote gives {total} points, fewer than min_sum_points")
            if limits.max_sum_points is not None and total > limits.max_sum_points:
                reasons.append(f"the vote gives {total} points, more than max_sum_points")
            if limits.min_points is not None and any(p < limits.min_points for p in points):
                reasons.append("the vote gives a project fewer points than min_points")
            if limits.max_points is not None and any(p > limits.max_points for p in points):
                reasons.append("the vote gives a project more points than max_points")
        return reasons
