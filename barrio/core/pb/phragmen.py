"""Sequential Phragmén, as pabutools computes it (approval ballots).

Each voter carries a *load* (money spent on their behalf), 0 at the start. In each round the
project whose supporters would end with the lowest maximal load if they shared its cost, with
loads levelled, ``(sum of their loads + cost) / supporters``, is funded and every supporter's
load is set to that level. The rule stops at the first chosen project that does not fit the
remaining budget: it does not skip. Loads are exact fractions; floats only find the candidates
within a relative ``1e-9`` of the best, which are then compared exactly.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from barrio.core.pb.greedy import build_outcome
from barrio.core.pb.model import Money
from barrio.core.pb.outcome import Outcome, ProjectExplanation, Share
from barrio.core.pb.profile import Instance, Profile
from barrio.core.pb.threads import one_blas_thread
from barrio.core.pb.tiebreak import BY_ID, TieBreaking

TOLERANCE = 1e-9


@one_blas_thread
def phragmen(instance: Instance, profile: Profile, tie_breaking: TieBreaking = BY_ID) -> Outcome:
    """Compute sequential Phragmén.

    Parameters
    ----------
    instance : Instance
    profile : Profile
        Approval ballots (convert others first, see :func:`~barrio.core.pb.profile.profile_of`).
    tie_breaking : TieBreaking

    Returns
    -------
    Outcome
        Funded projects carry how much each group of supporters' load rose (their share of
        the cost); the project that did not fit is ``did-not-fit`` and those after it
        ``stopped``.

    Raises
    ------
    ValueError
        If the profile is not an approval profile.

    Examples
    --------
    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("A", "B", "C"), (4, 4, 3), 8)
    >>> profile = make_profile([{0: 1}, {0: 1, 1: 1}, {2: 1}], 3, approval=True)
    >>> outcome = phragmen(instance, profile)
    >>> outcome.selected_ids()
    ['A', 'C']
    >>> outcome.explanations[0].shares
    (Share(voters=2, amount=Fraction(2, 1)),)
    >>> outcome.explanations[1].reason, outcome.explanations[1].remaining_budget
    ('did-not-fit', 1)
    """
    if not profile.approval:
        raise ValueError("sequential Phragmén needs approval ballots (use as_approval)")
    ranks = tie_breaking.ranks(instance, profile)
    approves = (profile.points > 0).astype(np.float64)
    mult = profile.multiplicity
    scores = mult @ (profile.points > 0)
    load_id = np.zeros(profile.num_ballots, dtype=np.int64)
    load_values: list[Fraction] = [Fraction(0)]
    load_f = np.zeros(profile.num_ballots)
    remaining = {p for p in range(instance.num_projects) if instance.costs[p] <= instance.budget}
    spent: Money = 0
    funded: list[int] = []
    extra: dict[int, ProjectExplanation] = {}
    stopped_at: int | None = None
    votes = profile.votes()
    while remaining:
        candidates = sorted(remaining)
        weighted = (mult * load_f) @ approves[:, candidates]
        levels_f = np.full(len(candidates), np.inf)
        for k, p in enumerate(candidates):
            if scores[p] > 0:
                levels_f[k] = (weighted[k] + float(instance.costs[p])) / float(scores[p])
        best_f = float(levels_f.min())
        if np.isinf(best_f):
            tied = candidates  # only unsupported projects are left: pabutools ties them all
            level = None
        else:
            close = [p for k, p in enumerate(candidates) if levels_f[k] <= best_f * (1 + TOLERANCE)]
            exact = {p: _level(p, instance, profile, load_id, load_values) for p in close}
            level = min(exact.values())
            tied = [p for p in close if exact[p] == level]
        if any(spent + instance.costs[p] > instance.budget for p in tied):
            stopped_at = min(tied, key=lambda p: int(ranks[p]))
            break
        winner = min(tied, key=lambda p: int(ranks[p]))
        supporters = profile.supporters(winner)
        if level is not None:
            extra[winner] = _shares(instance, profile, winner, level, load_id, load_values, votes)
            load_values.append(level)
            load_id[supporters] = len(load_values) - 1
            load_f[supporters] = float(level)
        spent += instance.costs[winner]
        funded.append(winner)
        remaining.discard(winner)
    remaining_budget = instance.budget - spent
    after: list[int] = []
    if stopped_at is not None:
        after = sorted(remaining - {stopped_at}, key=lambda p: int(ranks[p]))
    at_turn = {p: remaining_budget for p in range(instance.num_projects) if p not in funded}
    return build_outcome(
        "phragmen",
        instance,
        profile,
        [(p, "phragmen") for p in funded],
        at_turn=at_turn,
        stopped_at=stopped_at,
        order=[stopped_at, *after] if stopped_at is not None else (),
        extra=extra,
    )


def _level(
    p: int, instance: Instance, profile: Profile, load_id: np.ndarray, load_values: list[Fraction]
) -> Fraction:
    """The exact load level of ``p``'s supporters if they shared its cost."""
    supporters = profile.supporters(p)
    weights = np.bincount(
        load_id[supporters], weights=profile.multiplicity[supporters], minlength=len(load_values)
    )
    total = Fraction(instance.costs[p])
    for value, weight in zip(load_values, weights.tolist(), strict=True):
        if weight:
            total += value * int(weight)
    return total / int(profile.multiplicity[supporters].sum())


def _shares(
    instance: Instance,
    profile: Profile,
    p: int,
    level: Fraction,
    load_id: np.ndarray,
    load_values: list[Fraction],
    votes: np.ndarray,
) -> ProjectExplanation:
    """Explain a funded project: each group of supporters paid ``level`` minus its old load."""
    supporters = profile.supporters(p)
    weights = np.bincount(
        load_id[supporters], weights=profile.multiplicity[supporters], minlength=len(load_values)
    )
    shares = [
        Share(int(weight), level - value)
        for value, weight in zip(load_values, weights.tolist(), strict=True)
        if weight
    ]
    shares.sort(key=lambda share: share.amount, reverse=True)
    return ProjectExplanation(
        instance.project_ids[p],
        instance.costs[p],
        int(votes[p]),
        int(votes[p]),
        "funded",
        shares=tuple(shares),
    )
