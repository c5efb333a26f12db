"""The Method of Equal Shares as cities run it: Add1, greedy completion, comparison step.

* ``mes``: one run with every voter holding ``budget / voters``.
* ``mes-add1``: Add1 raises every voter's budget by ``increment`` (one currency unit) and
  reruns, under one of two stopping rules, chosen by name:

  ``"exhaustive"`` (pabutools' ``voter_budget_increment``)
      stop at the first outcome that is exhaustive (no supported project still fits), and
      return the last feasible outcome if the next one would overspend;
  ``"overspend"`` (the equalshares.net tool)
      keep raising while the next outcome stays within the budget.

  Budget steps are skipped only where :attr:`~barrio.core.pb.mes.MesRun.stable_for` proves
  that no decision of the run can change, so the result is the one the step-by-step loop
  gives. (The total cost is not monotone in the voter budget, so bisection would not be.)
* ``mes-add1-greedy``: then fill the rest greedily by votes (pabutools'
  ``completion_by_rule_combination`` with ``greedy_utilitarian_welfare``).
* ``mes-add1-comparison`` (Wieliczka 2023): Add1 with the ``"overspend"`` rule, then compare
  with the greedy outcome: if strictly more voters have more funded projects they voted for
  under greedy than under MES, greedy's outcome is taken.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from barrio.core.pb.greedy import Satisfaction, build_outcome, greedy_complete, greedy_order
from barrio.core.pb.mes import (
    HORIZON_STEPS,
    SHORTEST_HORIZON_STEPS,
    MesData,
    MesRun,
    exact_sum,
    points_by_group,
    prepare,
    run_mes,
)
from barrio.core.pb.model import Money
from barrio.core.pb.outcome import Outcome, ProjectExplanation, Reason, Share
from barrio.core.pb.profile import Instance, Profile
from barrio.core.pb.threads import one_blas_thread
from barrio.core.pb.tiebreak import BY_ID, TieBreaking

Stop = Literal["exhaustive", "overspend"]
Comparison = Literal["none", "satisfaction", "exclusion"]


@dataclass(frozen=True, slots=True)
class MesParams:
    """Parameters of the Method of Equal Shares and its completions.

    Attributes
    ----------
    sat : {"cost", "cardinality"}
        Satisfaction: cost (approval ballots, as equalshares.net and pabutools' ``Cost_Sat``)
        or cardinality (1 per approval, or the points given, for cumulative and scoring).
    add1 : bool
        Raise the voter budget step by step (Add1).
    stop : {"exhaustive", "overspend"}
        Add1's stopping rule (see the module documentation).
    increment : int or Fraction
        Add1's step in per-voter budget.
    completion : bool
        Fill what is left greedily (by ``greedy_sat``) after MES.
    comparison : {"none", "satisfaction", "exclusion"}
        Compare with the greedy outcome: by the number of funded projects each voter supports
        (``"satisfaction"``) or by whether each voter has at least one (``"exclusion"``).
    greedy_sat : {"cost", "cardinality"}
        Order of the greedy completion and of the greedy outcome compared with.
    tie_breaking : TieBreaking
    """

    sat: Satisfaction = "cost"
    add1: bool = False
    stop: Stop = "exhaustive"
    increment: int | Fraction = 1
    completion: bool = False
    comparison: Comparison = "none"
    greedy_sat: Satisfaction = "cost"
    tie_breaking: TieBreaking = BY_ID

    def __post_init__(self) -> None:
        if self.stop not in ("exhaustive", "overspend"):
            raise ValueError(f"unknown Add1 stopping rule {self.stop!r}")
        if self.comparison not in ("none", "satisfaction", "exclusion"):
            raise ValueError(f"unknown comparison {self.comparison!r}")
        if self.increment <= 0:
            raise ValueError("the Add1 increment must be greater than 0")


def add1(data: MesData, params: MesParams) -> MesRun:
    """Run Add1 and return the final run (see the module documentation).

    Raises
    ------
    ValueError
        If the profile has no voters.
    """
    instance, profile = data.instance, data.profile
    voters = profile.num_voters
    if voters == 0:
        raise ValueError("the profile has no voters")
    step = Fraction(params.increment)
    voter_budget = Fraction(instance.budget) / voters
    candidates = set(data.candidates)
    if params.stop == "overspend" and instance.total_cost(data.candidates) <= instance.budget:
        # Every supported project fits: raising would end with all of them funded and never
        # overspend; equalshares.net then runs plain MES, and so do we.
        return run_mes(data, voter_budget)
    previous: MesRun | None = None
    previous_budget = voter_budget
    tracked: MesRun | None = None
    step_f = float(step)
    horizon = HORIZON_STEPS * step_f
    while True:
        current = run_mes(data, voter_budget, track=step_f, previous=tracked, horizon=horizon)
        tracked = current
        # A run proven stable over its whole horizon may well be stable further: look four
        # times further next time. A longer horizon gives looser bounds (a voter short of a
        # share by more than the horizon can close is proven to stay short), so after a
        # shorter proof the horizon halves, and after none (less than a step) it is a quarter,
        # down to a few steps: near a change of the outcome the proofs are short.
        if current.stable_for >= horizon * (1 - 1e-9):
            horizon *= 4
        else:
            shrink = 4 if current.stable_for < step_f else 2
            horizon = max(SHORTEST_HORIZON_STEPS * step_f, horizon / shrink)
        spent = instance.total_cost(current.winners)
        if spent > instance.budget:
            if previous is None:
                raise AssertionError("MES overspent at budget / voters")
            # The last feasible step may have been skipped over as funding the same projects,
            # or replayed in an order proven to fund the same: run it afresh so that the
            # order, prices and explanations are those of that exact voter budget.
            if previous.voter_budget == previous_budget:
                return _afresh(previous)
            return run_mes(data, previous_budget)
        if params.stop == "exhaustive" and _exhaustive(
            instance, current.winners, candidates, spent
        ):
            return _afresh(current)
        if current.stable_for == math.inf:
            # No larger budget changes anything: the loop would run forever (this happens only
            # when every supported project fits; handled above for "overspend").
            return _afresh(current)
        # (A float over a Fraction is the quotient of their floats: the same without the
        # Fraction's operator fallbacks.)
        steps = max(1, math.ceil(current.stable_for / step_f) if current.stable_for > 0 else 1)
        previous, previous_budget = current, _ahead(voter_budget, steps - 1, step)
        voter_budget = _ahead(voter_budget, steps, step)


def _ahead(budget: Fraction, steps: int, step: Fraction) -> Fraction:
    """``budget + steps x step``, in integers where the step is whole (the usual case).

    Examples
    --------
    >>> _ahead(Fraction(7, 3), 4, Fraction(1)), _ahead(Fraction(7, 3), 4, Fraction(1, 2))
    (Fraction(19, 3), Fraction(13, 3))
    """
    if step.denominator == 1:
        return budget + steps * step.numerator
    return budget + steps * step


def _afresh(run: MesRun) -> MesRun:
    """``run``, or the same budget run afresh if it replayed rounds of a block.

    A replayed round funds the earlier run's winner without a search. Where that round was
    proven alone (every loser keeps losing to its winner, a tie is decided the same way), a
    search would fund the same winner: the run is what a fresh run gives (tracking the
    bounds, replaying and the float filters change no decision; the exact prices, and who
    pays all they have, are settled exactly either way), so it is not made twice. A block
    of rounds is only proven to fund the same projects, in an order that may differ from
    this budget's own: a run that replayed one is run afresh, so that its order, prices and
    explanations are those of that exact voter budget.
    """
    if run.state.replayed == 0 or not run.state.reordered:
        return run
    return run_mes(run.data, run.voter_budget)


def _exhaustive(
    instance: Instance, selected: tuple[int, ...], available: set[int], spent: Money
) -> bool:
    """Whether no project of ``available`` outside ``selected`` (costing ``spent``) fits."""
    remaining = instance.budget - spent
    chosen = set(selected)
    return not any(instance.costs[p] <= remaining for p in available if p not in chosen)


@one_blas_thread
def equal_shares(instance: Instance, profile: Profile, params: MesParams | None = None) -> Outcome:
    """Compute the Method of Equal Shares with the completions in ``params``.

    Parameters
    ----------
    instance : Instance
    profile : Profile
    params : MesParams

    Returns
    -------
    Outcome
        Funded projects carry their round and how their cost was shared among supporters;
        projects MES could not fund carry their supporters' remaining money and the equal
        share they would have needed.

    Raises
    ------
    ValueError
        If the profile has no voters or a parameter is invalid.

    Examples
    --------
    Budget 10, four voters (2.5 each). Three like A (cost 6): they pay 2 each. The voter who
    likes only B (cost 4) cannot pay 4 alone; Add1 does not help before overspending, so the
    greedy completion funds B with the money left.

    >>> from barrio.core.pb.profile import make_profile
    >>> instance = Instance(("A", "B"), (6, 4), 10)
    >>> profile = make_profile([{0: 1}] * 3 + [{1: 1}], 2, approval=True)
    >>> outcome = equal_shares(instance, profile)
    >>> outcome.selected_ids(), outcome.explanations[0].shares
    (['A'], (Share(voters=3, amount=Fraction(2, 1)),))
    >>> b = outcome.explanations[1]
    >>> b.reason, b.supporters_money, b.needed_per_supporter
    ('mes-unaffordable', Fraction(5, 2), Fraction(4, 1))
    >>> equal_shares(instance, profile, MesParams(add1=True, completion=True)).selected_ids()
    ['A', 'B']
    """
    params = params or MesParams()
    if profile.num_voters == 0:
        raise ValueError("the profile has no voters")
    data = prepare(instance, profile, params.sat, params.tie_breaking.ranks(instance, profile))
    if params.add1:
        final = add1(data, params)
    else:
        final = run_mes(data, Fraction(instance.budget) / profile.num_voters)
    funded: list[tuple[int, str]] = [(p, "mes") for p in final.winners]
    # Votes and scores from the counts ``prepare`` made (the profile would count them again).
    votes = [int(v) for v in data.votes_l]
    counts = (votes, votes if profile.approval else profile.scores().tolist())
    order = greedy_order(
        instance, profile, params.greedy_sat, params.tie_breaking, data.ranks, counts[1]
    )
    at_turn: dict[int, Money] = {}
    if params.completion:
        added, at_turn, _ = greedy_complete(instance, order, final.winners)
        funded += [(p, "completion") for p in added]
    notes: list[tuple[str, str]] = []
    chosen_greedy = False
    if params.comparison != "none":
        greedy_selection, _, _ = greedy_complete(instance, order, [])
        prefer_mes, prefer_greedy = _compare(
            profile, [p for p, _ in funded], greedy_selection, params.comparison
        )
        notes += [("prefer_mes", str(prefer_mes)), ("prefer_greedy", str(prefer_greedy))]
        if prefer_greedy > prefer_mes:
            chosen_greedy = True
            funded = [(p, "greedy") for p in greedy_selection]
    name = "mes" + ("-add1" if params.add1 else "")
    name += "-greedy" if params.completion else ""
    name += "-comparison" if params.comparison != "none" else ""
    extra = {} if chosen_greedy else _explain(final, params.completion, counts)
    return build_outcome(
        name,
        instance,
        profile,
        funded,
        at_turn=at_turn,
        unfunded_reason="not-chosen" if chosen_greedy else "did-not-fit",
        extra=extra,
        voter_budget=final.voter_budget,
        notes=tuple(notes),
        counts=counts,
    )


def _compare(
    profile: Profile, mes: list[int], greedy: list[int], how: Comparison
) -> tuple[int, int]:
    """Count the voters preferring each outcome (equalshares.net's comparison step)."""
    supports = profile.points > 0
    mes_count = supports[:, mes].sum(axis=1) if mes else np.zeros(profile.num_ballots, int)
    greedy_count = supports[:, greedy].sum(axis=1) if greedy else np.zeros(profile.num_ballots, int)
    if how == "exclusion":
        mes_count, greedy_count = mes_count > 0, greedy_count > 0
    mult = profile.multiplicity
    return int(mult[mes_count > greedy_count].sum()), int(mult[greedy_count > mes_count].sum())


def _explain(
    run: MesRun, completed: bool, tallies: tuple[list[int], list[int]]
) -> dict[int, ProjectExplanation]:
    """Explanations of one run: cost shares of the winners, remaining money of the others
    (``tallies``: each project's votes and score)."""
    data = run.data
    instance, profile = data.instance, data.profile
    points, mult = profile.points, profile.multiplicity
    votes, scores = tallies
    prices = run.prices
    result: dict[int, ProjectExplanation] = {}
    shares: tuple[Share, ...]
    for r, (p, lam) in enumerate(zip(run.winners, prices, strict=True)):
        if profile.approval:
            # Every supporter gave 1 point: one share (a search for distinct values costs
            # more than the rest of the explanation on a small election). Its voters are
            # the price's denominator, the full payers counted with multiplicity.
            paying = run.state.denominators[r]
            shares = (Share(paying, lam),) if paying else ()
            full_total = lam * paying
        else:
            supporters = data.supporters[p]
            rich = supporters[(run.poor_round[supporters] < 0) | (run.poor_round[supporters] > r)]
            given = [
                (value, int(mult[rich[points[rich, p] == value]].sum()))
                for value in np.unique(points[rich, p]).tolist()
            ]
            amounts: dict[Fraction, int] = {}
            for value, voters in given:
                amount = lam * value
                amounts[amount] = amounts.get(amount, 0) + voters
            shares = tuple(Share(n, a) for a, n in sorted(amounts.items(), reverse=True))
            full_total = exact_sum((voters * value, lam) for value, voters in given)
            paying = sum(amounts.values())
        result[p] = ProjectExplanation(
            instance.project_ids[p],
            instance.costs[p],
            votes[p],
            scores[p],
            "funded",
            shares=shares,
            # Supporters who could not pay a full share: those who gave what they had left
            # this round and those who had nothing left from earlier rounds.
            partial_voters=votes[p] - paying,
            partial_amount=instance.costs[p] - full_total if paying < votes[p] else None,
        )
    reason: Reason = "did-not-fit" if completed else "mes-unaffordable"
    # The money left is ``b x voters - sum(price x points)``: in integers over one common
    # denominator, so that each project's is one fraction made, not a sum of them.
    budget = run.voter_budget
    common_denominator = math.lcm(budget.denominator, *(q.denominator for q in prices))
    scaled = [q.numerator * (common_denominator // q.denominator) for q in prices]
    scaled_budget = budget.numerator * (common_denominator // budget.denominator)
    # Every other project's supporters with money left, project by project (the flat
    # arrays list them so), and what they paid the winners, for all of them at once.
    wanted = np.ones(instance.num_projects, dtype=bool)
    wanted[list(result)] = False
    taken = wanted[data.flat_owner] & (run.poor_round[data.flat_ballots] < 0)
    still = points_by_group(data, data.flat_owner[taken], data.flat_ballots[taken], run.winners)
    for p in range(instance.num_projects):
        if p in result:
            continue
        common = (instance.project_ids[p], instance.costs[p], votes[p], scores[p])
        if len(data.supporters[p]) == 0:
            result[p] = ProjectExplanation(*common, "did-not-fit" if completed else "no-support")
            continue
        # No entry where no supporter has money left: nothing was spent from it.
        voters, counts = still.get(p, (0, []))
        spent = sum(n * q for n, q in zip(counts, scaled, strict=False))
        money = Fraction(scaled_budget * voters - spent, common_denominator)
        result[p] = ProjectExplanation(
            *common,
            reason,
            supporters_money=money,
            needed_per_supporter=Fraction(instance.costs[p], votes[p]),
        )
    return result
