"""A budget split into several pots, as municipalities run it.

Each district (colonia, osiedle) has its own pot, its own projects and its own voters; a
city-wide pot funds city-wide projects from everyone's votes. Each pot is decided by the same
rule, independently; money a pot does not spend can be carried over to a later pot (typically
the city-wide one), as some cities do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from barrio.core.pb.model import Money
from barrio.core.pb.outcome import Outcome, ProjectExplanation
from barrio.core.pb.profile import Instance, Profile

Rule = Callable[[Instance, Profile], Outcome]


@dataclass(frozen=True, slots=True)
class Pot:
    """One pot of money.

    Attributes
    ----------
    name : str
        Shown as the funding stage of its projects.
    budget : int or Fraction
    projects : tuple of int
        Indices (into the whole instance) of the projects this pot may fund.
    ballots : tuple of int or None
        Indices of the distinct ballots whose voters vote in this pot; ``None``: all voters.
    """

    name: str
    budget: Money
    projects: tuple[int, ...]
    ballots: tuple[int, ...] | None = None


def split_pots(
    instance: Instance,
    profile: Profile,
    pots: Sequence[Pot],
    rule: Rule,
    *,
    carry_over: bool = False,
) -> Outcome:
    """Decide each pot with ``rule`` and merge the results.

    Parameters
    ----------
    instance : Instance
        All projects (its budget is ignored: each pot has its own).
    profile : Profile
    pots : sequence of Pot
        Decided in order; every project must belong to exactly one pot.
    rule : callable
        ``rule(instance, profile) -> Outcome``, e.g. ``lambda i, p: greedy(i, p)``.
    carry_over : bool
        Add the money a pot leaves unspent to the next pot's budget.

    Returns
    -------
    Outcome
        Funded projects carry their pot's name as their stage; rounds count across pots.

    Raises
    ------
    ValueError
        If a project is in no pot or in several, or a pot has no voters.

    Examples
    --------
    >>> from barrio.core.pb.greedy import greedy
    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("n1", "n2", "s1", "city"), (5, 5, 4, 10), 20)
    >>> profile = make_profile([{0: 1, 3: 1}, {1: 1}, {2: 1, 3: 1}], 4, approval=True)
    >>> pots = [Pot("north", 6, (0, 1), (0, 1)), Pot("south", 6, (2,), (2,)),
    ...         Pot("city", 10, (3,))]
    >>> outcome = split_pots(instance, profile, pots, greedy, carry_over=True)
    >>> outcome.selected_ids(), outcome.total_cost
    (['n1', 's1', 'city'], 19)
    >>> outcome.explanations[3].stage
    'city'
    """
    owner: dict[int, int] = {}
    for k, pot in enumerate(pots):
        for p in pot.projects:
            if p in owner:
                raise ValueError(f"project {instance.project_ids[p]!r} is in two pots")
            owner[p] = k
    missing = [instance.project_ids[p] for p in range(instance.num_projects) if p not in owner]
    if missing:
        raise ValueError(f"projects in no pot: {', '.join(missing)}")
    explanations: dict[int, ProjectExplanation] = {}
    selected: list[int] = []
    carried: Money = 0
    for pot in pots:
        budget = pot.budget + carried
        projects = list(pot.projects)
        rows = np.arange(profile.num_ballots) if pot.ballots is None else np.asarray(pot.ballots)
        if len(rows) == 0:
            raise ValueError(f"pot {pot.name!r} has no voters")
        sub_instance = Instance(
            tuple(instance.project_ids[p] for p in projects),
            tuple(instance.costs[p] for p in projects),
            budget,
        )
        sub_profile = Profile(
            profile.points[np.ix_(rows, np.asarray(projects, dtype=np.int64))],
            profile.multiplicity[rows],
            profile.approval,
        )
        outcome = rule(sub_instance, sub_profile)
        for local, explanation in enumerate(outcome.explanations):
            if explanation.round is not None:
                explanation = replace(
                    explanation, round=explanation.round + len(selected), stage=pot.name
                )
            explanations[projects[local]] = explanation
        selected.extend(projects[local] for local in outcome.selected)
        carried = budget - outcome.total_cost if carry_over else 0
    return Outcome(
        "pots:" + (rule.__name__ if hasattr(rule, "__name__") else "rule"),
        tuple(selected),
        instance.total_cost(selected),
        sum((pot.budget for pot in pots), start=0),
        tuple(explanations[p] for p in range(instance.num_projects)),
    )
