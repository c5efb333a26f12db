"""The contents of a pabulib ``.pb`` file as frozen dataclasses.

A ``.pb`` file has three sections: ``META`` (key/value pairs), ``PROJECTS`` (one row per
project, at least ``project_id`` and ``cost``) and ``VOTES`` (one row per voter, at least
``voter_id`` and ``vote``, plus ``points`` for cumulative and scoring ballots). The format is
described at https://pabulib.org/format.

Money (costs, the budget) is an ``int`` or, when a file writes decimals, a
:class:`fractions.Fraction`; it is never a float.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import repeat
from typing import NamedTuple, Protocol, overload

Money = int | Fraction

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
"""The ballot formats pabulib uses (``choose-1`` is an approval ballot of length one)."""


class PbProject(NamedTuple):
    """One row of the ``PROJECTS`` section.

    A named tuple, as :class:`PbVote` is: a frozen dataclass took a microsecond to build,
    three times longer, and a small file is read in a few hundred microseconds.

    Attributes
    ----------
    project_id : str
        The id as written in the file (compared as a string by the reference tie-breaking).
    cost : int or Fraction
        The cost, strictly positive.
    fields : tuple of (str, str)
        Every column of the row, in file order, as read (``project_id`` and ``cost`` included),
        so that writing the file back gives the same row.
    """

    project_id: str
    cost: Money
    fields: tuple[tuple[str, str], ...]

    def field(self, name: str) -> str | None:
        """Return the raw value of column ``name``, or ``None`` if the row has no such column."""
        for key, value in self.fields:
            if key == name:
                return value
        return None


class PbVote(NamedTuple):
    """One row of the ``VOTES`` section.

    A named tuple rather than a frozen dataclass: a large file has 100,000 of them and a
    tuple is several times cheaper to build; it is just as immutable.

    Attributes
    ----------
    voter_id : str
        The voter's id as written in the file.
    projects : tuple of int
        Indices (into :attr:`PbElection.projects`) of the projects the ballot names, in the
        order written (the order is the ranking for ordinal ballots).
    points : tuple of int, or None
        Points given to each project of :attr:`projects` (cumulative and scoring ballots),
        ``None`` for approval, choose-1 and ordinal ballots.
    extra : tuple of str
        The values of the row's other columns (age, sex, district, ...), in the order of
        :attr:`PbElection.extra_vote_columns`.
    """

    voter_id: str
    projects: tuple[int, ...]
    points: tuple[int, ...] | None
    extra: tuple[str, ...]


BallotKey = str | tuple[str, str]
"""A ballot's text as written: the ``vote`` field, with the ``points`` field if there is one."""


class HasPoints(Protocol):
    """What the reader found in a ballot text besides its projects: at least its points."""

    @property
    def points(self) -> tuple[int, ...] | None:
        """The points given to each project, ``None`` for ballots without points."""


class PbVotes(Sequence[PbVote]):
    """The rows of a ``VOTES`` section kept as columns, as :func:`~barrio.core.pb.parse_pb`
    returns them: a sequence of :class:`PbVote` built when asked for.

    A file of 100,000 voters holds far fewer distinct ballots, so a row is kept as its voter
    id, the key of its ballot (the text as written) and its other columns, and each distinct
    ballot once, by key. Reading then makes no object per voter (which cost a tenth of the
    reading time, and as much again in the garbage collector's pass over them), and
    :meth:`tallies` counts identical ballots without looking at a vote.

    Parameters
    ----------
    voter_ids : sequence of str
        Per row.
    keys : sequence of str or (str, str)
        Per row, the key of its ballot in ``ballots``: its text (see :data:`BallotKey`).
    ballots : mapping
        Key to ``(projects, found)``: the ballot's projects (see :class:`PbVote`) and what
        else was found in its text, at least its ``points`` (the reader's cache as it is).
    extras : sequence of sequences of str
        Per other column (in the order of :attr:`PbElection.extra_vote_columns`), its value
        in each row.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> plain = SimpleNamespace(points=None)
    >>> votes = PbVotes(["a", "b", "c"], ["1", "1,2", "1"], {"1": ((0,), plain),
    ...                 "1,2": ((0, 1), plain)}, [["F", "M", "F"]])
    >>> len(votes), votes[1]
    (3, PbVote(voter_id='b', projects=(0, 1), points=None, extra=('M',)))
    >>> list(votes.tallies())
    [((0,), None, 2), ((0, 1), None, 1)]
    >>> votes == tuple(votes)
    True
    """

    __slots__ = ("_ballots", "_extras", "_ids", "_keys")

    def __init__(
        self,
        voter_ids: Sequence[str],
        keys: Sequence[BallotKey],
        ballots: Mapping[BallotKey, tuple[tuple[int, ...], HasPoints]],
        extras: Sequence[Sequence[str]],
    ) -> None:
        if len(keys) != len(voter_ids) or any(len(column) != len(voter_ids) for column in extras):
            raise ValueError("every column of the votes must have one value per voter")
        self._ids, self._keys, self._ballots, self._extras = voter_ids, keys, ballots, extras

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> PbVote: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[PbVote, ...]: ...

    def __getitem__(self, index: int | slice) -> PbVote | tuple[PbVote, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        projects, found = self._ballots[self._keys[index]]
        extra = tuple(column[index] for column in self._extras)
        return PbVote(self._ids[index], projects, found.points, extra)

    def __iter__(self) -> Iterator[PbVote]:
        ballots = map(self._ballots.__getitem__, self._keys)
        extras = zip(*self._extras, strict=True) if self._extras else repeat(())
        for voter_id, (projects, found), extra in zip(self._ids, ballots, extras, strict=False):
            yield PbVote(voter_id, projects, found.points, extra)

    def tallies(self) -> Iterator[tuple[tuple[int, ...], tuple[int, ...] | None, int]]:
        """Each ballot text's projects and points, and how many voters wrote it.

        Counted on the texts, at C speed. Two texts may be the same ballot written
        differently: that ballot then comes twice.
        """
        ballots = self._ballots
        for key, count in Counter(self._keys).items():
            projects, parsed = ballots[key]
            yield projects, parsed.points, count

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"PbVotes({list(self)!r})"


def tallies(
    votes: Sequence[PbVote],
) -> Iterator[tuple[tuple[int, ...], tuple[int, ...] | None, int]]:
    """How many of ``votes`` cast each ballot: ``(projects, points, count)`` triples (see
    :meth:`PbVotes.tallies`).

    Examples
    --------
    >>> list(tallies((PbVote("a", (0,), None, ()), PbVote("b", (0,), None, ()))))
    [((0,), None, 2)]
    """
    if isinstance(votes, PbVotes):
        return votes.tallies()
    counts = Counter((vote.projects, vote.points) for vote in votes)
    return ((projects, points, count) for (projects, points), count in counts.items())


@dataclass(frozen=True, slots=True)
class PbElection:
    """A whole ``.pb`` file, validated.

    Attributes
    ----------
    meta : tuple of (str, str)
        The ``META`` section, in file order.
    budget : int or Fraction
        The ``budget`` META value.
    vote_type : str
        One of :data:`VOTE_TYPES`.
    projects : tuple of PbProject
        In file order.
    project_header : tuple of str
        The ``PROJECTS`` header row.
    votes : sequence of PbVote
        In file order: a tuple, or the :class:`PbVotes` columns the reader keeps.
    vote_header : tuple of str
        The ``VOTES`` header row.
    warnings : tuple of (int, str)
        Irregularities the reader tolerated, as ``(line, reason)``: a project named twice in an
        approval or ordinal vote is counted once, as pabutools does.
    """

    meta: tuple[tuple[str, str], ...]
    budget: Money
    vote_type: str
    projects: tuple[PbProject, ...]
    project_header: tuple[str, ...]
    votes: Sequence[PbVote]
    vote_header: tuple[str, ...]
    warnings: tuple[tuple[int, str], ...] = field(default=(), compare=False)

    @property
    def extra_vote_columns(self) -> tuple[str, ...]:
        """The ``VOTES`` columns other than ``voter_id``, ``vote`` and (if read) ``points``."""
        special = ("voter_id", "vote", "points") if self.has_points else ("voter_id", "vote")
        return tuple(c for c in self.vote_header if c not in special)

    @property
    def has_points(self) -> bool:
        """Whether ballots carry points (cumulative and scoring ballots)."""
        return self.vote_type in ("cumulative", "scoring")

    def meta_value(self, key: str) -> str | None:
        """Return the ``META`` value for ``key``, or ``None`` when the file does not set it."""
        for name, value in self.meta:
            if name == key:
                return value
        return None


def parse_money(text: str) -> Money:
    """Read an amount as pabulib writes it: digits, optionally with a ``.`` or ``,`` decimal part.

    Parameters
    ----------
    text : str
        The raw field.

    Returns
    -------
    int or Fraction
        An ``int`` when the amount is whole, else the exact ``Fraction``.

    Raises
    ------
    ValueError
        If ``text`` is not a decimal number.

    Examples
    --------
    >>> parse_money("1500")
    1500
    >>> parse_money("12,50")
    Fraction(25, 2)
    >>> parse_money("2.0")
    2
    """
    if text.isdigit():
        return int(text)  # the common case, without building a Fraction
    whole, point, decimals = text.partition(".")
    if point and whole.isdigit() and decimals.isdigit() and text.isascii():
        # "1200.0" or "12.50" (a tenth of Fraction's time on a file's costs and budget)
        if decimals.strip("0"):
            return Fraction(int(whole + decimals), 10 ** len(decimals))
        return int(whole)
    cleaned = text.strip().replace(",", ".")
    if not cleaned or cleaned.lower() in {"nan", "inf", "-inf", "infinity"}:
        raise ValueError(f"{text!r} is not a number")
    try:
        value = Fraction(cleaned)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r} is not a number") from None
    if "/" in cleaned or "e" in cleaned.lower():
        raise ValueError(f"{text!r} is not a decimal number")
    return value.numerator if value.denominator == 1 else value


def format_money(value: Money) -> str:
    """Write an amount back as a decimal string (the inverse of :func:`parse_money`).

    Examples
    --------
    >>> format_money(1500)
    '1500'
    >>> format_money(Fraction(25, 2))
    '12.5'
    """
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    for digits in range(1, 31):
        if (10**digits) % value.denominator == 0:
            break
    else:
        raise ValueError(f"{value} has no short decimal expansion")
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole = str(abs(int(scaled))).rjust(digits + 1, "0")
    return f"{sign}{whole[:-digits]}.{whole[-digits:]}".rstrip("0").rstrip(".")
