"""The Method of Equal Shares (MES): one run at a fixed per-voter budget.

Every voter receives the same budget ``b``. In each round, the project that its supporters can
pay for at the lowest price per unit of satisfaction (``rho``) is funded; a supporter pays
``rho`` times their satisfaction, or all they have left if that is less. The run ends when no
project's supporters have enough money left. Satisfaction is ``points x weight``: with
``sat="cost"`` (equalshares.net and pabutools' ``Cost_Sat``) the weight is the project's cost,
with ``sat="cardinality"`` it is 1 (``Cardinality_Sat`` for approval ballots,
``Additive_Cardinal_Sat`` for points).

How it is computed (and why it is both fast and exact):

* It works on distinct ballots with multiplicities. A project's price is found in floats by
  a compiled pass over its supporters (:mod:`barrio.core.pb.kernels`): everyone paying a full
  share at first, those who cannot moved to paying all they have until nobody moves.
* Prices only rise during a run, so a project's last price is a lower bound on its price
  now: in each round, projects are looked at from the lowest last price until that is above
  the best found (lazy evaluation). Once a round has a best, a project is first *tested*
  (:meth:`_Run._above`): one pass gives what its supporters would pay at the best price;
  if that is short of its cost it cannot win, and the tangent of their money there gives a
  new lower bound without pricing it; if they hold less than its cost it is dropped.
* Floats only *filter*. Every budget is ``b - sum(lambda_q * points[q])`` over the projects
  ``q`` funded so far (``lambda_q`` = payment per point), or 0 once a voter has paid all they
  had; so any sum of budgets is ``b * M - sum(lambda_q * N_q)`` with integer counts ``N_q``
  computed by numpy. Whenever two prices, or a budget and a cost, are closer than a relative
  ``1e-9``, they are recomputed exactly this way in :class:`fractions.Fraction` and compared
  exactly; the price of every funded project is always exact. Ties are therefore decided as
  pabutools decides them (it computes in exact rationals).
* Optionally (for Add1), the run also reports how far ``b`` may grow, by ``t``, before its
  sequence of winners could change. With the sequence fixed, raising ``b`` never lowers a
  voter's budget in any round and never raises a price (supporters hold more), and a voter
  who can pay a project's full share keeps being able to. From this, by induction over the
  rounds, each voter's budget grows by at most ``t * beta_i`` and each winner's price falls by
  at most ``t * d_q``: ``beta_i`` starts at 1, ``d_q`` is the growth bound of the money of
  the voters who could not pay their full share of ``q`` divided by the points of those who
  could, and ``beta_i`` grows by ``d_q * points_iq`` when ``i`` supports ``q``. A project
  that lost a round keeps losing while its supporters, paying at most the winner's price per
  unit of satisfaction, still fall short of its cost; the shortfall over the bound of their
  money's growth bounds ``t``. Near ties bound it to 0. A winner's price falls at least as
  fast as the chord of a convex function says, with each live budget grown by its *lower*
  growth bound ``alpha_i`` (1 at first, plus the least drop of each price it paid a full share
  of: the least growth of the partial payers who stay partial over the most points paying).
  The bound is a lower bound (float margins included), so skipping the budget steps below
  it cannot change the outcome.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from barrio.core.pb import kernels
from barrio.core.pb.mes_bounds import Block, StabilityBounds, least
from barrio.core.pb.mes_data import (
    HORIZON_STEPS,
    SHORTEST_HORIZON_STEPS,
    TOLERANCE,
    Evaluation,
    MesData,
    prepare,
)
from barrio.core.pb.profile import IntArray

_GROUPED_ENTRIES = 1 << 18
"""The most points :func:`points_by_group` takes out of the profile at once."""

_NO_POINTS = np.zeros(0)
"""What the compiled loops take for the points of approval ballots (never read)."""

__all__ = [
    "HORIZON_STEPS",
    "SHORTEST_HORIZON_STEPS",
    "TOLERANCE",
    "MesData",
    "MesRun",
    "exact_sum",
    "points_by_group",
    "prepare",
    "run_mes",
]


@dataclass(frozen=True, slots=True, eq=False)
class MesRun:
    """The result of one run at per-voter budget ``voter_budget``.

    Attributes
    ----------
    voter_budget : Fraction
    winners : tuple of int
        Funded projects in order.
    prices : tuple of Fraction
        For each winner, the payment per point of a supporter who could afford their full
        share (the price ``rho`` times the project's weight).
    poor_round : numpy.ndarray of int64
        Per distinct ballot, the index (into ``winners``) of the round in which it paid all it
        had left, or -1 if it never did.
    stable_for : float
        The per-voter budget may grow by any amount strictly less than this (``inf``: any
        amount) without changing any decision of this run; only computed when asked
        (otherwise 0).
    round_bounds : tuple of float
        After each round, the same bound for the rounds so far: a run at a budget larger by
        less than ``round_bounds[r]`` funds the same first ``r + 1`` winners (Add1 replays
        them instead of searching again).
    removed : tuple of (int, int)
        ``(project, round)`` for each project found unaffordable, and in which round, that
        ``round_bounds`` prove unaffordable from that round on.
    """

    data: MesData
    voter_budget: Fraction
    winners: tuple[int, ...]
    poor_round: IntArray
    stable_for: float
    round_bounds: tuple[float, ...]
    removed: tuple[tuple[int, int], ...]
    state: _Run

    @property
    def prices(self) -> tuple[Fraction, ...]:
        """The exact price of each winner (computed on first use: Add1 rarely needs them)."""
        return self.state.all_prices()

    def budgets_after(self) -> list[Fraction]:
        """Return each distinct ballot's exact remaining budget at the end of the run."""
        points = self.data.profile.points
        result = []
        for i in range(points.shape[0]):
            if self.poor_round[i] >= 0:
                result.append(Fraction(0))
                continue
            spent = sum(
                (lam * int(points[i, q]) for q, lam in zip(self.winners, self.prices, strict=True)),
                start=Fraction(0),
            )
            result.append(self.voter_budget - spent)
        return result

    def payments(self) -> list[list[Fraction]]:
        """Return, per distinct ballot and per winner, the exact amount the voter paid.

        Meant for checking the price system on small instances (it is quadratic).
        """
        points = self.data.profile.points
        table = []
        for i in range(points.shape[0]):
            budget = self.voter_budget
            row = []
            for r, (q, lam) in enumerate(zip(self.winners, self.prices, strict=True)):
                if self.poor_round[i] >= 0 and r > self.poor_round[i]:
                    paid = Fraction(0)
                elif r == self.poor_round[i]:
                    paid = budget
                else:
                    paid = lam * int(points[i, q])
                budget -= paid
                row.append(paid)
            table.append(row)
        return table


def exact_sum(terms: Iterable[tuple[int, Fraction]]) -> Fraction:
    """Return ``sum(n * value)`` over ``terms``, exactly, normalised once at the end.

    Adding ``Fraction`` objects one by one reduces every partial sum (a ``gcd`` of large
    numbers and a new object each time); here the numerators are summed over the least
    common denominator so far, in integers. The value is the same ``Fraction``.

    Examples
    --------
    >>> exact_sum([(3, Fraction(1, 6)), (2, Fraction(1, 4)), (0, Fraction(1, 7))])
    Fraction(1, 1)
    >>> exact_sum([])
    Fraction(0, 1)
    """
    numerator, denominator = 0, 1
    for n, value in terms:
        top, bottom = value.numerator, value.denominator
        common = math.gcd(denominator, bottom)
        if common == bottom:
            numerator += n * top * (denominator // bottom)
        else:
            scale = bottom // common
            numerator = numerator * scale + n * top * (denominator // common)
            denominator *= scale
    return Fraction(numerator, denominator)


def points_by_group(
    data: MesData, groups: IntArray, ballots: IntArray, winners: Sequence[int]
) -> dict[int, tuple[int, list[int]]]:
    """Per group, its voters and the points they gave each of ``winners``, with multiplicity.

    A few numpy calls for all groups, exact in integers (the exact prices and the money left
    of the explanations are computed from these counts).

    Parameters
    ----------
    data : MesData
    groups : numpy.ndarray of int64
        The group of each of ``ballots``; equal groups next to each other.
    ballots : numpy.ndarray of int64
        Distinct ballots (rows of the profile).
    winners : sequence of int
        Projects.

    Returns
    -------
    dict
        ``{group: (voters, [points given to each winner])}``, for the groups present.

    Examples
    --------
    >>> from barrio.core.pb.profile import Instance, make_profile
    >>> from barrio.core.pb.tiebreak import TieBreaking
    >>> instance = Instance(("A", "B"), (3, 3), 4)
    >>> profile = make_profile([{0: 1}] * 3 + [{0: 1, 1: 1}], 2, approval=True)
    >>> data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))
    >>> points_by_group(data, np.array([0, 0]), np.array([0, 1]), [0, 1])
    {0: (4, [4, 1])}
    """
    if len(ballots) == 0:
        return {}
    starts = np.concatenate([[True], groups[1:] != groups[:-1]]).nonzero()[0]
    mult = data.profile.multiplicity[ballots]
    funded = np.asarray(winners, dtype=np.int64)
    given = np.empty((len(funded), len(starts)), dtype=np.int64)
    # A few winners at a time: the points of every winner for every ballot would be one
    # array of tens of megabytes on the largest files, slow to allocate and fill the first
    # time. (Two takes, rows then columns, cost a fifth of one ``np.ix_`` index.)
    step = max(1, _GROUPED_ENTRIES // len(ballots))
    for first in range(0, len(funded), step):
        part = data.columns.take(funded[first : first + step], 0).take(ballots, 1) * mult
        given[first : first + step] = np.add.reduceat(part, starts, axis=1)
    voters = np.add.reduceat(mult, starts).tolist()
    return dict(
        zip(groups[starts].tolist(), zip(voters, given.T.tolist(), strict=True), strict=True)
    )


class _Run(StabilityBounds):
    """The state of one run; see :func:`run_mes`."""

    def __init__(self, data: MesData, voter_budget: Fraction, track: float, horizon: float) -> None:
        self.data = data
        self.b = voter_budget
        # Bounds are only worth computing while they may exceed ``track`` (one budget step):
        # below it, the next step must be run anyway.
        self.track = track > 0
        self.track_until = track
        # Bounds are proven for budget increases up to this horizon only (see ``_grow``).
        self.horizon = horizon or HORIZON_STEPS * track
        count = data.profile.points.shape[0]
        self.budget_f = np.full(count, float(voter_budget))
        self.exhausted = np.zeros(count, dtype=bool)
        self.anyone_broke = False  # whether a voter ran out of money yet in this run
        self.replayed = 0  # rounds replayed from a previous run (funded without a search)
        # Rounds whose winners a fresh run at this budget may fund in another order: those
        # of a block (see ``_close``) and those replayed from such rounds.
        self.reordered: set[int] = set()
        self.poor_round = np.full(count, -1, dtype=np.int64)
        self.winners: list[int] = []
        # Exact prices are computed only when needed (a close call, a tie, or the caller asks
        # for them); ``denominators`` keeps what computing them later takes.
        self.prices: list[Fraction | None] = []
        self.denominators: list[int] = []
        self.stable_for = self.horizon if self.track else math.inf
        # Growth bounds (see the module documentation): per distinct ballot, how fast its
        # budget can grow with ``b`` at most (``beta``) and at least (``alpha``).
        self.beta = np.ones(count) if self.track else np.zeros(0)
        self.fastest = 1.0
        # Money is only spent during a run: what a project's supporters held when it was
        # last priced (``b`` each before) bounds what they hold later.
        self.holding = data.votes_f * (float(voter_budget) * (1 + TOLERANCE))
        self.alpha = np.ones(count) if self.track else np.zeros(0)
        self.round_bounds: list[float] = []
        self.removed: list[tuple[int, int]] = []
        self.block: Block | None = None  # rounds whose bound is decided a few rounds later
        self.watched: dict[int, list[float]] = {}  # see ``_bound_unaffordable``

    # -- exact quantities -------------------------------------------------------------------

    def exact_money(self, voters: IntArray, rounds: int | None = None) -> Fraction:
        """Exact total budget of ``voters`` (none exhausted) before round ``rounds``.

        ``rounds`` defaults to the current round.
        """
        profile = self.data.profile
        rounds = len(self.winners) if rounds is None else rounds
        weights = profile.multiplicity[voters]
        money = self.b * int(np.add.reduce(weights))
        if rounds and len(voters):
            funded = np.asarray(self.winners[:rounds], dtype=np.int64)
            counts = self.data.columns.take(funded, 0).take(voters, 1) @ weights
            money -= exact_sum((n, self.price(q)) for q, n in enumerate(counts.tolist()) if n)
        return money

    def price(self, r: int) -> Fraction:
        """The exact payment per point of the winner of round ``r``."""
        found = self.prices[r]
        if found is None:
            poor = np.flatnonzero(self.poor_round == r)
            cost = self.data.instance.costs[self.winners[r]]
            found = (cost - self.exact_money(poor, r)) / self.denominators[r]
            self.prices[r] = found
        return found

    def all_prices(self) -> tuple[Fraction, ...]:
        """The exact payment per point of every winner, those not yet known in one pass.

        What :meth:`price` computes round by round (a few numpy calls and a search for the
        round's partial payers each), from one table: for each round, the voters who gave
        all they had left in it, counted with multiplicity, and the points they gave the
        earlier winners. The values are the same fractions.
        """
        if all(found is not None for found in self.prices):
            return tuple(self.prices)  # type: ignore[arg-type]
        data = self.data
        poor = (self.poor_round >= 0).nonzero()[0]
        poor = poor[self.poor_round[poor].argsort(kind="stable")]
        # Per round with partial payers, how many they are and the points they gave each
        # winner (only the earlier winners' are used).
        table = points_by_group(data, self.poor_round[poor], poor, self.winners)
        costs = data.instance.costs
        result: list[Fraction] = []
        for r, found in enumerate(self.prices):
            if found is None:
                cost = costs[self.winners[r]]
                entry = table.get(r)
                if entry is None:
                    found = Fraction(cost, self.denominators[r])
                else:
                    weight, points = entry
                    spent = exact_sum((n, result[q]) for q, n in enumerate(points[:r]) if n)
                    # (cost - (b x weight - spent)) / denominator over one common
                    # denominator, normalised once.
                    b, top, bottom = self.b, spent.numerator, spent.denominator
                    scale = b.denominator * bottom
                    found = Fraction(
                        cost * scale - b.numerator * weight * bottom + top * b.denominator,
                        scale * self.denominators[r],
                    )
                self.prices[r] = found
            result.append(found)
        return tuple(result)

    def settle(self, ev: Evaluation) -> None:
        """Make sure ``ev``'s split into full and partial payers is exact.

        Only supporters whose float budget is within the tolerance of the float price can be
        misclassified; if there is none, nothing exact needs computing.
        """
        if ev.exact is not None or ev.clear:
            # A budget of at least (1 + 3 x TOLERANCE) times the share is more than the
            # tolerance away from it: ``budget - share > TOLERANCE x (budget + share)``.
            return
        data = self.data
        has_points = not data.profile.approval
        if kernels.near_share(
            ev.live, self.budget_f, ev.lam_f, data.columns[ev.project], has_points
        ):
            self.exact_price(ev)

    def exact_budget(self, voter: int) -> Fraction:
        money = self.exact_money(np.array([voter], dtype=np.int64))
        return money / int(self.data.profile.multiplicity[voter])

    def exact_price(self, ev: Evaluation) -> Fraction:
        """Exact payment per point of ``ev``, settling doubtful supporters exactly."""
        if ev.exact is not None:
            return ev.exact
        p, cost = ev.project, self.data.instance.costs[ev.project]
        live = ev.live
        poor = np.zeros(len(live), dtype=bool)
        poor[: ev.poor_count] = True
        # Voters whose float budget is within the tolerance of the float price are re-classified
        # exactly; everyone else is far enough from the boundary for floats to be right.
        ppoints = self.data.columns[p][live]
        gap = self.budget_f[live] - ev.lam_f * ppoints
        scale = self.budget_f[live] + ev.lam_f * ppoints + 1e-300
        doubtful = np.flatnonzero(np.abs(gap) <= TOLERANCE * scale)
        exact_budgets = {int(j): self.exact_budget(int(live[j])) for j in doubtful}
        for _ in range(len(doubtful) + 2):
            lam = self._price_for(p, cost, live, poor)
            changed = False
            for j, budget in exact_budgets.items():
                should_be_poor = budget < lam * int(ppoints[j])
                if should_be_poor != poor[j]:
                    poor[j] = should_be_poor
                    changed = True
            if not changed:
                ev.exact = lam
                ev.poor_count = int(poor.sum())
                # Keep ``live`` ordered poor-first so that ``poor_count`` still splits it.
                ev.live = np.concatenate([live[poor], live[~poor]])
                return lam
        raise AssertionError("the exact partition of supporters did not settle")

    def _price_for(
        self, p: int, cost: int | Fraction, live: IntArray, poor: npt.NDArray[np.bool_]
    ) -> Fraction:
        profile = self.data.profile
        rich_voters = live[~poor]
        denominator = int(profile.multiplicity[rich_voters] @ self.data.columns[p][rich_voters])
        if denominator == 0:
            raise AssertionError("a project was priced with no supporter able to pay")
        return (cost - self.exact_money(live[poor])) / denominator

    def exact_rho(self, ev: Evaluation) -> Fraction:
        return self.exact_price(ev) / self.data.weights[ev.project]

    # -- floats -----------------------------------------------------------------------------

    def evaluate(self, p: int) -> Evaluation | None:
        """Price project ``p`` now, or return ``None`` if its supporters cannot pay for it.

        The float pass is :func:`barrio.core.pb.kernels.price`; where the supporters' money
        is within the tolerance of the cost, it is compared exactly here.
        """
        data = self.data
        supporters = data.supporters[p]
        has_points = not data.profile.approval  # every point is 1 on approval ballots
        points = data.supporter_points[p] if has_points else _NO_POINTS
        mult, budget_f, exhausted = data.supporter_mult[p], self.budget_f, self.exhausted
        broke, cost_f = self.anyone_broke, data.costs_l[p]
        found, money_f, live, poor_count, lam_f, clear = kernels.price(
            supporters, mult, points, has_points, budget_f, exhausted, broke, cost_f, True
        )
        self.holding[p] = money_f
        if found == kernels.DOUBTFUL:
            if self.exact_money(live) < data.instance.costs[p]:
                found = kernels.UNAFFORDABLE
            else:
                found, money_f, live, poor_count, lam_f, clear = kernels.price(
                    supporters, mult, points, has_points, budget_f, exhausted, broke, cost_f, False
                )
        if found == kernels.UNAFFORDABLE:
            self._drop(p, money_f)
            return None
        return Evaluation(p, live, poor_count, lam_f / data.weights_l[p], lam_f, clear=clear)

    def _above(self, p: int, rho: float) -> float | None:
        """A lower bound on ``p``'s price per satisfaction above ``rho``, if one pass over
        its supporters shows that its price is above ``rho`` (else ``None``: it is priced).

        At ``rho`` its supporters, each paying a full share or all they hold, give less than
        its cost: its price is higher. What they give is a concave function of the price,
        under its tangent at ``rho``, whose slope is the points of those holding a full
        share: where the tangent reaches the cost is a lower bound on the price. Projects
        whose supporters hold about their cost or less are priced, so that they are found
        unaffordable as before.
        """
        data = self.data
        weight = data.weights_l[p]
        lam = rho * weight
        has_points = not data.profile.approval
        points = data.supporter_points[p] if has_points else _NO_POINTS
        given, held, slope = kernels.money_at(
            data.supporters[p], data.supporter_mult[p], points, has_points, self.budget_f, lam
        )
        cost = data.costs_l[p]
        if held < cost * (1 - TOLERANCE):
            self.holding[p] = held
            self._drop(p, held)
            return math.inf
        if held < cost * (1 + TOLERANCE) or given >= cost * (1 - TOLERANCE) or slope <= 0:
            return None
        self.holding[p] = held
        return max(rho, (lam + (cost - given) / slope) * (1 - TOLERANCE) / weight)

    def _drop(self, p: int, money: float) -> None:
        """Take ``p`` out of this run: its supporters hold ``money``, less than its cost.

        Unless it is watched (see ``_bound_unaffordable``), the bound proves it stays
        unaffordable, so a replay of this round leaves it out too; a watched project is only
        proven not to win, so a replay keeps it among the candidates.
        """
        if not self._bound_unaffordable(p, money):
            self.removed.append((p, len(self.winners)))

    # -- the rounds -------------------------------------------------------------------------

    def run(self, previous: MesRun | None = None, grown_by: float = 0.0) -> None:
        """Fund projects round by round until none is affordable.

        With ``previous`` (a tracked run at a budget smaller by ``grown_by``), the leading
        rounds that ``previous.round_bounds`` proves unchanged are replayed: their winners
        are priced and funded without searching among the other projects.
        """
        data = self.data
        stale = {p: data.lowest_rho[p] for p in data.candidates}
        if previous is not None:
            self._replay(previous, grown_by, stale)
        self._drop_unaffordable(stale)
        # The projects by their last price, lowest first (equal prices by project, as a
        # stable sort of ``stale`` would give them): a heap whose entries are dropped when
        # found out of date, rather than a sort of every project in every round.
        queue = [(rho, p) for p, rho in stale.items()]
        heapq.heapify(queue)
        while stale:
            self._watch_start()
            best_f = math.inf
            evaluated: list[Evaluation] = []
            passed: list[tuple[float, int]] = []  # shown dearer than the best, not priced
            while queue:
                rho, p = queue[0]
                if stale.get(p) != rho:
                    heapq.heappop(queue)  # funded, unaffordable, or priced again since
                    continue
                if rho > best_f * (1 + 2 * TOLERANCE):
                    break  # prices only rise during a run: stale ones are lower bounds
                heapq.heappop(queue)
                if evaluated:
                    above = self._above(p, best_f * (1 + 2 * TOLERANCE))
                    if above == math.inf:
                        del stale[p]
                        continue
                    if above is not None:
                        stale[p] = above
                        passed.append((above, p))
                        continue
                ev = self.evaluate(p)
                if ev is None:
                    del stale[p]
                    continue
                stale[p] = ev.rho_f
                best_f = min(best_f, ev.rho_f)
                evaluated.append(ev)
            if not evaluated:
                return
            tied = [ev for ev in evaluated if ev.rho_f <= best_f * (1 + 2 * TOLERANCE)]
            winner = self._choose(tied)
            self.settle(winner)
            del stale[winner.project]
            for ev in evaluated:  # back in the queue at their new price (once each)
                if ev.project in stale:
                    heapq.heappush(queue, (ev.rho_f, ev.project))
            for above, p in passed:  # and those shown dearer, at their new lower bound
                heapq.heappush(queue, (above, p))
            passed.clear()
            if self.track:
                self._bound_round(winner, tied, list(stale))
            self._watch_round(winner)
            if self.track:
                self._grow(winner)
            self._fund(winner)
            self.round_bounds.append(self._round_bound())

    def _drop_unaffordable(self, stale: dict[int, float]) -> None:
        """Take out of ``stale`` the projects whose supporters lack their cost from the start.

        Every supporter holds ``b`` before the first round and only spends from there, so a
        project that ``b`` times its supporters cannot pay is never affordable in this run.
        Lazy evaluation would find each one unaffordable in whichever round its turn came, a
        pass over its supporters each (on Budapest 2024, 107 of its 175 projects, in every one
        of Add1's runs); here they are found by one comparison each, in floats, leaving a
        project within the tolerance of its cost to that evaluation. Dropped as an evaluation
        drops it (see :meth:`_drop`), with the supporters' money at the start: its growth is
        at most their number per unit of ``b`` in every round, so the bound holds from here.
        """
        data = self.data
        b_f = float(self.b)
        costs, votes = data.costs_l, data.votes_l
        short = [p for p in stale if b_f * votes[p] < costs[p] * (1 - TOLERANCE)]
        if not short:
            return
        # Their money grows by at most the fastest growth bound times their number: where
        # that keeps a project short beyond the run's bound, its own (a pass over its
        # supporters) is not needed.
        fastest = self.fastest * (1 + TOLERANCE) if self.track else 0.0
        for p in short:
            del stale[p]
            money, cost = b_f * votes[p], costs[p]
            room = cost - money - TOLERANCE * (cost + money)
            if self.track and room < self.stable_for * fastest * votes[p]:
                self._drop(p, money)
            else:
                self.removed.append((p, len(self.winners)))

    def _replay(self, previous: MesRun, grown_by: float, stale: dict[int, float]) -> None:
        """Fund again the leading winners of ``previous`` that its bounds prove unchanged.

        Each replayed round is proven twice: by ``previous`` (its bound less the budget
        already added) and afresh, at this budget, as a single round whose losers do not
        catch up (a tie counts as caught up); either proof holds, so the larger is kept.
        The fresh proof is only sought up to twice what ``previous`` proved for its whole
        run (the later rounds are unlikely to prove more), not at all if that was nothing
        (where a run is made at every step), and given up once it is no longer than the
        inherited one: it costs a look at the losers of every round.
        """
        removed_in: dict[int, list[int]] = {}
        for p, r in previous.removed:
            removed_in.setdefault(r, []).append(p)
        # The fresh proof so far (0 once given up).
        target = 2 * max(previous.stable_for, grown_by, self.track_until)
        fresh = min(self.stable_for, target) if self.track and previous.stable_for else 0.0
        for r, p in enumerate(previous.winners):
            if previous.round_bounds[r] <= grown_by:
                return
            if fresh <= previous.round_bounds[r] - grown_by:
                fresh = 0.0
            for gone in removed_in.get(r, ()):
                stale.pop(gone, None)
                self.removed.append((gone, r))
                if self.track and fresh > 0:
                    fresh = min(fresh, self._unaffordable_bound(gone))
            self.replayed += 1
            if r in previous.state.reordered:
                self.reordered.add(r)
            ev = self.evaluate(p)
            if ev is None:
                raise AssertionError("a replayed winner became unaffordable")
            self.settle(ev)
            del stale[p]
            if self.track and fresh > 0:
                # ``_loser_bounds`` skips losers it can tell are beyond ``stable_for``.
                self.stable_for = fresh
                bounds = self._loser_bounds([ev], list(stale), self.budget_f, self.beta, True)
                fresh = min(fresh, least(bounds))
            self.stable_for = min(self.horizon, max(fresh, previous.round_bounds[r] - grown_by))
            if self.stable_for < self.track_until:
                self.track = False
                fresh = 0.0
            if self.track:
                self._grow(ev)
            self._fund(ev)
            self.round_bounds.append(self.stable_for)

    def flush(self) -> None:
        """Settle the bound of the rounds still in an open block (at the end of the run),
        and of the watched projects (unaffordable at the end, or their best proof)."""
        self._watch_start()
        self._watch_end()
        if self.track or self.block is not None:
            self._flush()

    def settle_bounds(self) -> None:
        """Report no bound once it fell below one step (see :func:`run_mes`)."""
        if self.stable_for < self.track_until:
            self.stable_for = 0.0

    def _choose(self, tied: list[Evaluation]) -> Evaluation:
        if len(tied) == 1:
            return tied[0]
        ranks = self.data.ranks
        keys = [(self.exact_rho(ev), int(ranks[ev.project]), i) for i, ev in enumerate(tied)]
        return tied[min(keys)[2]]

    def _fund(self, ev: Evaluation) -> None:
        p = ev.project
        lam_f = ev.lam_f if ev.exact is None else float(ev.exact)
        data = self.data
        profile = data.profile
        denominator = kernels.fund(
            ev.live,
            ev.poor_count,
            lam_f,
            data.columns[p],
            not profile.approval,
            profile.multiplicity,
            self.budget_f,
            self.exhausted,
            self.poor_round,
            len(self.winners),
        )
        if ev.poor_count:
            self.anyone_broke = True
        self.winners.append(p)
        self.prices.append(ev.exact)
        self.denominators.append(denominator)


def run_mes(
    data: MesData,
    voter_budget: Fraction,
    *,
    track: float = 0.0,
    previous: MesRun | None = None,
    horizon: float = 0.0,
) -> MesRun:
    """Run the Method of Equal Shares once with every voter holding ``voter_budget``.

    Parameters
    ----------
    data : MesData
        From :func:`prepare`.
    voter_budget : Fraction
        Each voter's budget (``budget / voters`` for plain MES).
    track : float
        If greater than 0, also compute :attr:`MesRun.stable_for`, as long as it is at least
        ``track`` (Add1 passes its step: a smaller bound is reported as 0).
    previous : MesRun, optional
        A tracked run at a smaller budget: the rounds it proves unchanged are replayed
        rather than searched again (same result, less work).
    horizon : float, optional
        The largest budget increase the bound is proven for (default: 64 times ``track``);
        :attr:`MesRun.stable_for` never exceeds it.

    Returns
    -------
    MesRun

    Examples
    --------
    Two groups: three voters want A (cost 3), one wants B (cost 3); the budget is 4, so each
    voter holds 1. A's supporters pay 1 each; B's lone supporter cannot pay 3.

    >>> from barrio.core.pb.profile import Instance, make_profile
    >>> from barrio.core.pb.tiebreak import TieBreaking
    >>> instance = Instance(("A", "B"), (3, 3), 4)
    >>> profile = make_profile([{0: 1}] * 3 + [{1: 1}], 2, approval=True)
    >>> data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))
    >>> result = run_mes(data, Fraction(1))
    >>> result.winners, result.prices
    ((0,), (Fraction(1, 1),))
    """
    if type(voter_budget) is not Fraction:  # (a Fraction is used as it is: it is immutable)
        voter_budget = Fraction(voter_budget)
    state = _Run(data, voter_budget, track, horizon)
    if previous is not None and previous.voter_budget >= state.b:
        raise ValueError("a replayed run must have a smaller voter budget")
    grown_by = 0.0 if previous is None else float(state.b - previous.voter_budget)
    state.run(previous, grown_by)
    state.flush()
    state.settle_bounds()
    return MesRun(
        data,
        state.b,
        tuple(state.winners),
        state.poor_round,
        state.stable_for if state.track else 0.0,
        tuple(state.round_bounds),
        tuple(state.removed),
        state,
    )
