"""A neighbourhood assembly's quorum and the result of its vote on one proposal.

The quorum rule is the programme's to choose (the PCMB rules read do not state one): a
minimum number of attendees, a share of a base (the group's members or the registered
residents of the unit), or both, the stricter winning. A proposal is approved when the
quorum is met and more attendees vote for it than against it; abstentions count towards
attendance, not towards either side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["QuorumRule", "Tally", "approves", "quorum_required"]


@dataclass(frozen=True)
class QuorumRule:
    """How many attendees an assembly needs for its votes to count.

    Attributes
    ----------
    min_attendees : int
        At least this many attendees (0: no minimum).
    share : Fraction
        At least this share of ``base`` (0: no share), from 0 to 1.
    base : int
        The number the share is taken of: the group's members or the registered residents.
    """

    min_attendees: int = 0
    share: Fraction = Fraction(0)
    base: int = 0


@dataclass(frozen=True)
class Tally:
    """Votes on one proposal."""

    votes_for: int
    against: int
    abstentions: int

    @property
    def total(self) -> int:
        """All the votes cast, abstentions included."""
        return self.votes_for + self.against + self.abstentions


def quorum_required(rule: QuorumRule) -> int:
    """Return the number of attendees the rule asks for.

    Parameters
    ----------
    rule : QuorumRule
        The assembly's rule.

    Returns
    -------
    int
        ``max(min_attendees, ceil(share × base))``, at least 1: an assembly of nobody decides
        nothing.

    Raises
    ------
    ValueError
        When a number is negative or the share is above 1.

    Examples
    --------
    >>> quorum_required(QuorumRule(min_attendees=20))
    20
    >>> quorum_required(QuorumRule(share=Fraction(1, 3), base=100))
    34
    >>> quorum_required(QuorumRule(min_attendees=50, share=Fraction(1, 3), base=100))
    50
    >>> quorum_required(QuorumRule(share=Fraction(3, 2), base=10))
    Traceback (most recent call last):
    ...
    ValueError: The quorum share must be between 0 and 1, not 3/2.
    """
    if rule.min_attendees < 0:
        raise ValueError(f"The minimum of attendees cannot be negative ({rule.min_attendees}).")
    if rule.base < 0:
        raise ValueError(f"The quorum base cannot be negative ({rule.base}).")
    if not 0 <= rule.share <= 1:
        raise ValueError(f"The quorum share must be between 0 and 1, not {rule.share}.")
    return max(1, rule.min_attendees, math.ceil(rule.share * rule.base))


def approves(tally: Tally, *, attendance: int, required: int) -> bool:
    """Tell whether an assembly with ``attendance`` approves a proposal by ``tally``.

    Parameters
    ----------
    tally : Tally
        The votes on the proposal.
    attendance : int
        How many people attended.
    required : int
        The quorum (see :func:`quorum_required`).

    Returns
    -------
    bool
        True when the quorum is met and the votes for outnumber the votes against.

    Raises
    ------
    ValueError
        When a count is negative, or more votes were cast than people attended.

    Examples
    --------
    >>> approves(Tally(12, 5, 3), attendance=25, required=20)
    True
    >>> approves(Tally(10, 5, 3), attendance=19, required=20)
    False
    >>> approves(Tally(5, 5, 0), attendance=25, required=20)
    False
    >>> approves(Tally(20, 5, 3), attendance=25, required=20)
    Traceback (most recent call last):
    ...
    ValueError: 28 votes were cast by 25 attendees.
    """
    if min(tally.votes_for, tally.against, tally.abstentions, attendance, required) < 0:
        raise ValueError("Votes, attendance and quorum cannot be negative.")
    if tally.total > attendance:
        raise ValueError(f"{tally.total} votes were cast by {attendance} attendees.")
    return attendance >= required and tally.votes_for > tally.against
