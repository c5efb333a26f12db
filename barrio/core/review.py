"""A committee's scores of one proposal, summed up as one number from 0 to 100.

Each member scores each criterion of the call's checklist from 0 to the criterion's highest
score. The aggregate is a weighted mean, normalised to 0–100:

1. each criterion's score is the mean, over the members who scored it, of ``value /
   scale_max`` (a number from 0 to 1);
2. the aggregate is ``100 × Σ weight_c × criterion_c / Σ weight_c`` over the criteria with
   at least one score, so a criterion nobody scored yet does not count as a zero.

Every intermediate quantity is a :class:`fractions.Fraction`: the result does not depend on
the order of members or scores, and raising one member's score never lowers it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Criterion", "Score", "aggregate", "member_totals"]


@dataclass(frozen=True)
class Criterion:
    """One criterion of the checklist.

    Attributes
    ----------
    code : str
        Stable code, unique in the checklist.
    weight : int
        Positive weight of the criterion in the aggregate.
    scale_max : int
        Highest score (scores go from 0 to it); positive.
    """

    code: str
    weight: int
    scale_max: int


@dataclass(frozen=True)
class Score:
    """One member's score of one criterion.

    Attributes
    ----------
    member : str
        Who scored (any stable identifier).
    criterion : str
        Code of the criterion.
    value : int
        The score, from 0 to the criterion's ``scale_max``.
    """

    member: str
    criterion: str
    value: int


def _checked(
    criteria: Sequence[Criterion], scores: Iterable[Score]
) -> tuple[dict[str, Criterion], dict[str, list[Fraction]], dict[str, dict[str, Fraction]]]:
    by_code: dict[str, Criterion] = {}
    for criterion in criteria:
        if criterion.code in by_code:
            raise ValueError(f"The criterion {criterion.code!r} is listed twice.")
        if criterion.weight <= 0:
            raise ValueError(f"The weight of {criterion.code!r} must be positive.")
        if criterion.scale_max <= 0:
            raise ValueError(f"The highest score of {criterion.code!r} must be positive.")
        by_code[criterion.code] = criterion
    per_criterion: dict[str, list[Fraction]] = {}
    per_member: dict[str, dict[str, Fraction]] = {}
    for score in scores:
        scored = by_code.get(score.criterion)
        if scored is None:
            raise ValueError(f"The score names an unknown criterion {score.criterion!r}.")
        if not 0 <= score.value <= scored.scale_max:
            raise ValueError(
                f"The score {score.value} of {score.criterion!r} is outside 0–{scored.scale_max}."
            )
        own = per_member.setdefault(score.member, {})
        if score.criterion in own:
            raise ValueError(f"{score.member!r} scored {score.criterion!r} twice.")
        share = Fraction(score.value, scored.scale_max)
        own[score.criterion] = share
        per_criterion.setdefault(score.criterion, []).append(share)
    return by_code, per_criterion, per_member


def _weighted(by_code: dict[str, Criterion], shares: dict[str, Fraction]) -> Fraction | None:
    total_weight = sum(by_code[code].weight for code in shares)
    if not total_weight:
        return None
    weighted = sum((by_code[code].weight * share for code, share in shares.items()), Fraction(0))
    return 100 * weighted / total_weight


def aggregate(criteria: Sequence[Criterion], scores: Iterable[Score]) -> Fraction | None:
    """Return the committee's aggregate score of a proposal, from 0 to 100.

    Parameters
    ----------
    criteria : sequence of Criterion
        The call's checklist.
    scores : iterable of Score
        Every member's scores of this proposal (members who declared a conflict left out).

    Returns
    -------
    Fraction or None
        The weighted mean of the criteria's mean normalised scores, times 100; ``None`` when
        there is no score yet.

    Raises
    ------
    ValueError
        When a criterion is listed twice or has a weight or scale below 1, a score names an
        unknown criterion or lies outside its scale, or a member scored a criterion twice.

    Examples
    --------
    Feasibility weighs 3 and impact 2, both scored 0–5. One member gives 5 and 3, another
    4 and 4: feasibility is (1 + 0.8) / 2 = 0.9, impact (0.6 + 0.8) / 2 = 0.7, so the
    aggregate is 100 × (3 × 0.9 + 2 × 0.7) / 5 = 82.

    >>> checklist = [Criterion("feasibility", 3, 5), Criterion("impact", 2, 5)]
    >>> scores = [
    ...     Score("ana", "feasibility", 5), Score("ana", "impact", 3),
    ...     Score("luis", "feasibility", 4), Score("luis", "impact", 4),
    ... ]
    >>> aggregate(checklist, scores)
    Fraction(82, 1)
    >>> aggregate(checklist, []) is None
    True
    >>> aggregate(checklist, [Score("ana", "impact", 6)])
    Traceback (most recent call last):
    ...
    ValueError: The score 6 of 'impact' is outside 0–5.
    """
    by_code, per_criterion, _ = _checked(criteria, scores)
    means = {code: sum(values, Fraction(0)) / len(values) for code, values in per_criterion.items()}
    return _weighted(by_code, means)


def member_totals(criteria: Sequence[Criterion], scores: Iterable[Score]) -> dict[str, Fraction]:
    """Return each member's own weighted score from 0 to 100, over the criteria they scored.

    Parameters
    ----------
    criteria : sequence of Criterion
        The call's checklist.
    scores : iterable of Score
        Scores of one proposal.

    Returns
    -------
    dict of str to Fraction
        ``{member: score}``, for the members with at least one score.

    Raises
    ------
    ValueError
        As :func:`aggregate`.

    Examples
    --------
    >>> checklist = [Criterion("feasibility", 3, 5), Criterion("impact", 2, 5)]
    >>> member_totals(checklist, [Score("ana", "feasibility", 5), Score("ana", "impact", 0)])
    {'ana': Fraction(60, 1)}
    """
    by_code, _, per_member = _checked(criteria, scores)
    totals: dict[str, Fraction] = {}
    for member, shares in per_member.items():
        value = _weighted(by_code, shares)
        if value is not None:
            totals[member] = value
    return totals
