"""The contents of a pabulib ``.pb`` file as frozen dataclasses.

A ``.pb`` file has three sections: ``META`` (key/value pairs), ``PROJECTS`` (one row per
project, at least ``project_id`` and ``cost``) and ``VOTES`` (one row per voter, at least
``voter_id`` and ``vote``, plus ``points`` for cumulative and scoring ballots). The format is
described at https://pabulib.org/format.

Money (costs, the budget) is an ``int`` or, when a file writes decimals, a
:class:`fractions.Fraction`; it is never a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

Money = int | Fraction

VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
"""The ballot formats pabulib uses (``choose-1`` is an approval ballot of length one)."""


@dataclass(frozen=True, slots=True)
class PbProject:
    """One row of the ``PROJECTS`` section.

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
    votes : tuple of PbVote
        In file order.
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
    votes: tuple[PbVote, ...]
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
