"""Greedy rules: fund projects in order of score while the money lasts.

These are the rules most cities use ("most votes first"). Three variants:

* with skipping: a project that does not fit the remaining budget is passed over and the next
  one is tried (pabutools' ``greedy_utilitarian_welfare``);
* without skipping: the first project that does not fit ends the allocation (Gdynia);
* with a threshold: projects scoring under a minimum are not eligible (Katowice, Gdynia).

The score is the *satisfaction density* of pabutools: with ``sat="cost"`` (cost satisfaction)
it is the project's total points, i.e. its votes for approval ballots; with
``sat="cardinality"`` it is the total points divided by the cost. Comparisons are exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from barrio.core.pb.model import Money
from barrio.core.pb.outcome import Outcome, ProjectExplanation, Reason
from barrio.core.pb.profile import Instance, IntArray, Profile
from barrio.core.pb.tiebreak import BY_ID, TieBreaking

Satisfaction = Literal["cost", "cardinality"]


@dataclass(frozen=True, slots=True)
class GreedyParams:
    """Parameters of the greedy rules.

    Attributes
    ----------
    sat : {"cost", "cardinality"}
        Order by total points (``"cost"``) or by total points per unit of cost.
    skip : bool
        Pass over projects that do not fit (``True``) or stop at the first one (``False``).
    threshold : int or None
        Minimum total points a project needs to be eligible (``None``: no minimum).
    tie_breaking : TieBreaking
    """

    sat: Satisfaction = "cost"
    skip: bool = True
    threshold: int | None = None
    tie_breaking: TieBreaking = BY_ID


def greedy_order(
    instance: Instance,
    profile: Profile,
    sat: Satisfaction,
    tie_breaking: TieBreaking,
    ranks: IntArray | None = None,
    scores: Sequence[int] | None = None,
) -> list[int]:
    """Return all projects, best score first, ties broken by ``tie_breaking``.

    ``ranks`` and ``scores``, if given, are ``tie_breaking.ranks(instance, profile)`` and
    ``profile.scores()`` computed already.

    Examples
    --------
    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("a", "b", "c"), (10, 2, 4), 10)
    >>> profile = make_profile([{0: 1, 1: 1}, {0: 1, 2: 1}, {2: 1}], 3, approval=True)
    >>> greedy_order(instance, profile, "cost", TieBreaking())
    [0, 2, 1]
    >>> greedy_order(instance, profile, "cardinality", TieBreaking())
    [1, 2, 0]
    """
    if scores is None:
        scores = profile.scores().tolist()
    ranked = (tie_breaking.ranks(instance, profile) if ranks is None else ranks).tolist()
    if sat == "cost":  # the score itself: integers compare exactly
        return sorted(range(instance.num_projects), key=lambda p: (-scores[p], ranked[p]))
    costs = instance.costs
    return sorted(
        range(instance.num_projects), key=lambda p: (-Fraction(scores[p], costs[p]), ranked[p])
    )


def greedy_complete(
    instance: Instance,
    order: Sequence[int],
    selected: Sequence[int],
    *,
    skip: bool = True,
    eligible: Sequence[bool] | None = None,
) -> tuple[list[int], dict[int, Money], int | None]:
    """Add projects to ``selected`` in ``order`` while they fit the budget.

    Parameters
    ----------
    instance : Instance
    order : sequence of int
        Projects in the order they are tried.
    selected : sequence of int
        Projects already funded (their cost is taken from the budget first).
    skip : bool
        Pass over a project that does not fit, or stop there.
    eligible : sequence of bool, optional
        Per project, whether it may be funded at all (threshold).

    Returns
    -------
    added : list of int
        The projects added, in order.
    remaining_at_turn : dict
        For every project tried, the budget left when its turn came.
    stopped_at : int or None
        Without skipping, the project that did not fit and ended the allocation.

    Examples
    --------
    >>> instance = Instance(("a", "b", "c"), (6, 5, 4), 10)
    >>> greedy_complete(instance, [0, 1, 2], [])[0]
    [0, 2]
    >>> greedy_complete(instance, [0, 1, 2], [], skip=False)[0::2]
    ([0], 1)
    """
    already = set(selected)
    remaining: Money = instance.budget - instance.total_cost(selected)
    added: list[int] = []
    at_turn: dict[int, Money] = {}
    for project in order:
        if project in already or (eligible is not None and not eligible[project]):
            continue
        at_turn[project] = remaining
        cost = instance.costs[project]
        if cost <= remaining:
            added.append(project)
            remaining -= cost
        elif not skip:
            return added, at_turn, project
    return added, at_turn, None


def greedy(instance: Instance, profile: Profile, params: GreedyParams | None = None) -> Outcome:
    """Fund projects by decreasing score while the budget lasts.

    Parameters
    ----------
    instance : Instance
    profile : Profile
    params : GreedyParams
        Satisfaction, skipping, threshold and tie-breaking.

    Returns
    -------
    Outcome
        Unfunded projects are explained as ``did-not-fit`` (with the budget left at their
        turn), ``stopped`` (without skipping, after the project that did not fit) or
        ``below-threshold``.

    Examples
    --------
    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("a", "b", "c"), (6, 5, 4), 10)
    >>> profile = make_profile([{0: 1}, {0: 1, 1: 1}, {1: 1}, {2: 1}], 3, approval=True)
    >>> outcome = greedy(instance, profile)
    >>> outcome.selected_ids(), outcome.total_cost
    (['a', 'c'], 10)
    >>> outcome.explanations[1].reason, outcome.explanations[1].remaining_budget
    ('did-not-fit', 4)
    >>> greedy(instance, profile, GreedyParams(skip=False)).selected_ids()
    ['a']
    """
    params = params or GreedyParams()
    order = greedy_order(instance, profile, params.sat, params.tie_breaking)
    scores = profile.scores()
    eligible = [
        params.threshold is None or int(scores[p]) >= params.threshold
        for p in range(instance.num_projects)
    ]
    added, at_turn, stopped_at = greedy_complete(
        instance, order, [], skip=params.skip, eligible=eligible
    )
    name = "greedy" if params.skip else "greedy-no-skip"
    if params.threshold is not None:
        name += "-threshold"
    return build_outcome(
        name,
        instance,
        profile,
        [(p, "greedy") for p in added],
        at_turn=at_turn,
        eligible=eligible,
        stopped_at=stopped_at,
        order=order,
    )


def build_outcome(
    rule: str,
    instance: Instance,
    profile: Profile,
    funded: Sequence[tuple[int, str]],
    *,
    at_turn: dict[int, Money] | None = None,
    eligible: Sequence[bool] | None = None,
    stopped_at: int | None = None,
    order: Sequence[int] = (),
    unfunded_reason: Reason = "did-not-fit",
    extra: dict[int, ProjectExplanation] | None = None,
    voter_budget: Fraction | None = None,
    notes: tuple[tuple[str, str], ...] = (),
    counts: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Outcome:
    """Assemble an :class:`Outcome` with one explanation per project.

    ``funded`` lists ``(project, stage)`` in funding order; ``extra`` supplies ready-made
    explanations (the Method of Equal Shares writes its own) that take precedence;
    ``counts``, if given, are ``profile.votes()`` and ``profile.scores()`` as lists.
    """
    if counts is None:
        counts = profile.votes().tolist(), profile.scores().tolist()
    votes, scores = counts
    round_of = {p: i + 1 for i, (p, _) in enumerate(funded)}
    stage_of = dict(funded)
    after_stop = set()
    if stopped_at is not None:
        after_stop = set(order[list(order).index(stopped_at) + 1 :])
    explanations = []
    for p in range(instance.num_projects):
        if extra is not None and p in extra:
            explanation = extra[p]
            if p in round_of:
                explanation = _replace(explanation, round_of[p], stage_of[p])
            elif at_turn is not None and p in at_turn:
                explanation = _with_remaining(explanation, at_turn[p])
            explanations.append(explanation)
            continue
        base = ProjectExplanation(
            instance.project_ids[p], instance.costs[p], votes[p], scores[p], "funded"
        )
        if p in round_of:
            explanation = _with(base, "funded", round=round_of[p], stage=stage_of[p])
        elif eligible is not None and not eligible[p]:
            explanation = _with(base, "below-threshold")
        elif p in after_stop:
            explanation = _with(base, "stopped")
        else:
            remaining = None if at_turn is None else at_turn.get(p)
            explanation = _with(base, unfunded_reason, remaining_budget=remaining)
        explanations.append(explanation)
    selected = tuple(p for p, _ in funded)
    return Outcome(
        rule,
        selected,
        instance.total_cost(selected),
        instance.budget,
        tuple(explanations),
        voter_budget,
        notes,
    )


def _with(
    base: ProjectExplanation,
    reason: Reason,
    *,
    round: int | None = None,
    stage: str | None = None,
    remaining_budget: Money | None = None,
) -> ProjectExplanation:
    return ProjectExplanation(
        base.project_id,
        base.cost,
        base.votes,
        base.score,
        reason,
        round=round,
        stage=stage,
        remaining_budget=remaining_budget,
    )


def _replace(explanation: ProjectExplanation, round: int, stage: str) -> ProjectExplanation:
    return ProjectExplanation(
        explanation.project_id,
        explanation.cost,
        explanation.votes,
        explanation.score,
        "funded",
        round=round,
        stage=stage,
        shares=explanation.shares,
        partial_voters=explanation.partial_voters,
        partial_amount=explanation.partial_amount,
        remaining_budget=explanation.remaining_budget,
    )


def _with_remaining(explanation: ProjectExplanation, remaining: Money) -> ProjectExplanation:
    """``explanation`` with ``remaining_budget`` set (``dataclasses.replace`` costs more)."""
    return ProjectExplanation(
        explanation.project_id,
        explanation.cost,
        explanation.votes,
        explanation.score,
        explanation.reason,
        round=explanation.round,
        stage=explanation.stage,
        shares=explanation.shares,
        partial_voters=explanation.partial_voters,
        partial_amount=explanation.partial_amount,
        remaining_budget=remaining,
        supporters_money=explanation.supporters_money,
        needed_per_supporter=explanation.needed_per_supporter,
    )
