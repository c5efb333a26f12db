"""The stability bound of an MES run: how far the voter budget may grow, changing nothing.

A mixin of the run state of :mod:`barrio.core.pb.mes`, whose module documentation gives the
argument. These methods only lower ``stable_for`` or update the growth bookkeeping it
rests on; none changes what the run decides.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from fractions import Fraction

import numpy as np

from barrio.core.pb import kernels
from barrio.core.pb.mes_data import TOLERANCE, Evaluation, MesData
from barrio.core.pb.profile import FloatArray

BLOCK_ROUNDS = 8
"""The most rounds taken together as one block (see :class:`Block`)."""


def least(bounds: list[float]) -> float:
    """The smallest of ``bounds`` (``inf`` if there is none)."""
    return min(bounds, default=math.inf)


class StabilityBounds(ABC):
    """Bound bookkeeping shared by every run (attributes set by the run's constructor).

    A run of the Method of Equal Shares (``barrio.core.pb.mes._Run``) inherits it and gives
    :meth:`exact_rho`, the exact price the bounds compare against.
    """

    data: MesData
    track: bool
    track_until: float
    horizon: float
    stable_for: float
    beta: FloatArray
    fastest: float  # at least every ``beta`` of this run so far
    holding: FloatArray  # per project, at least its supporters' money now (last priced)
    alpha: FloatArray
    budget_f: FloatArray
    exhausted: np.ndarray
    anyone_broke: bool
    round_bounds: list[float]
    reordered: set[int]
    block: Block | None
    watched: dict[int, list[float]]

    @abstractmethod
    def exact_rho(self, ev: Evaluation) -> Fraction:
        """The exact per-supporter price ``ev`` needs (a ``Fraction``), from the run's state."""

    def _unaffordable_bound(self, p: int, money: float | None = None) -> float:
        """How far ``b`` may grow while ``p``'s supporters, holding ``money`` (by default
        what they hold now), lack its cost.

        The shortfall (less a margin for float error) over how fast their money can grow at
        most (their growth bounds ``beta``). Where ``money`` is given and growing at the
        fastest bound of the run (``fastest``) for each supporter keeps the project short
        for the whole of ``stable_for``, that is returned without a pass over the supporters:
        a smaller bound than the project's own, and as good, since no bound of the run is
        longer.
        """
        data = self.data
        cost = data.costs_l[p]
        if money is not None:
            room = max(0.0, cost - money - TOLERANCE * (cost + money))
            fastest = self.fastest * data.votes_l[p] * (1 + TOLERANCE) ** 2
            if self.stable_for < math.inf and room >= self.stable_for * fastest:
                return self.stable_for
        held, growth = kernels.held_and_growth(
            data.supporters[p], data.supporter_mult[p], self.budget_f, self.beta
        )
        money = held if money is None else money
        room = max(0.0, cost - money - TOLERANCE * (cost + money))
        return room / (growth * (1 + TOLERANCE)) if growth > 0 else math.inf

    # -- projects found unaffordable ----------------------------------------------------------

    def _bound_unaffordable(self, p: int, money: float) -> bool:
        """Account for ``p``, found unaffordable in this round (or watch it, see below).

        Unaffordable now and while its supporters' money cannot reach its cost, ``p`` stays
        out of every later round (a run only spends money). Where that bound is short,
        ``p`` is *watched*: it may become affordable at a larger budget and still never win,
        because it loses this round and the next ones to their winners (as any loser does,
        :meth:`_loser_bounds`) until a round where it is unaffordable again. Both are proofs;
        for each round ``s`` from here, "loses every round before ``s``, unaffordable at
        ``s``" is one more, and the longest is kept (:meth:`_watch_start`). Lazy evaluation
        finds a project unaffordable in whichever round its turn to be priced came, so such
        a project often crosses its cost in an early round while it is far from winning.
        Returns whether ``p`` is watched.
        """
        if not self.track:
            return False
        bound = self._unaffordable_bound(p, money)
        if bound < self.stable_for and self.block is None:
            self.watched[p] = [math.inf, bound]  # [loses every round so far, best proof]
            return True
        self._apply(bound)
        return False

    def _watch_start(self) -> None:
        """At the start of a round, take "unaffordable from here on" as a proof for each
        watched project; stop watching those whose losing streak cannot beat it any more."""
        if not self.track:
            self.watched.clear()
        for p, entry in list(self.watched.items()):
            losing, best = entry
            entry[1] = best = max(best, min(losing, self._unaffordable_bound(p)))
            if losing <= best:
                del self.watched[p]
                self._apply(best)

    def _watch_round(self, winner: Evaluation) -> None:
        """Extend each watched project's losing streak by this round's winner.

        In a block of rounds (whose order may change) single rounds prove nothing: the
        watched projects are then settled with their best proof so far.
        """
        if not self.watched:
            return
        if self.block is not None or not self.track:
            self._watch_end()
            return
        watched = list(self.watched)
        bounds = self._loser_bounds([winner], watched, self.budget_f, self.beta, strict=True)
        for p, bound in zip(watched, bounds, strict=True):
            entry = self.watched[p]
            entry[0] = min(entry[0], bound)
            if entry[0] <= entry[1]:
                del self.watched[p]
                self._apply(entry[1])

    def _watch_end(self) -> None:
        """Settle every watched project with its best proof."""
        bests = [best for _, best in self.watched.values()]
        self.watched.clear()
        if bests:
            self._apply(min(bests))

    def _round_bound(self) -> float:
        """The bound for the rounds so far: a watched project has not won any of them while
        it kept losing or since it was unaffordable."""
        bound = self.stable_for
        for losing, best in self.watched.values():
            bound = min(bound, max(losing, best))
        return bound

    def _winner_slope(self, ev: Evaluation) -> float:
        """A bound on how fast the winner's price per satisfaction falls with ``b`` (<= 0).

        With the winners so far unchanged, a supporter who is still live (never gave all they
        had) pays every earlier winner a full share at a price that can only fall, so their
        budget grows by at least as much as ``b``; the others' stays at least 0. The price is
        a convex function of such a common growth (its epigraph is the superlevel set of a
        concave function), so over the horizon it stays under the chord from today's price to
        the price with every live budget raised by the horizon: the chord's slope is returned.
        A live budget grows by at least ``alpha`` (at least 1) per unit of ``b``: every price it
        paid a full share of falls too (see :meth:`_grow`), so it is raised by
        ``alpha x horizon``; the same convexity holds for any such fixed growth rates.
        """
        if ev.slope is not None:
            return ev.slope
        data, p = self.data, ev.project
        lam = kernels.raised_price(
            ev.live,
            data.mult_f,
            data.columns[p],
            not data.profile.approval,
            self.budget_f,
            self.alpha,
            self.horizon,
            data.costs_l[p],
        )
        far = lam * (1 + 4 * TOLERANCE) / data.weights_l[p]
        ev.slope = min(0.0, (far - ev.rho_f) / self.horizon)
        return ev.slope

    def _loser_bounds(
        self,
        winners: list[Evaluation],
        losers: list[int],
        budget_f: FloatArray,
        beta: FloatArray,
        strict: bool,
        holding: FloatArray | None = None,
    ) -> list[float]:
        """How far ``b`` may grow before a loser's price falls to the winners' price.

        The winners' highest price per satisfaction, ``rho``, is at most ``rho + slope * t``
        when ``b`` grows by ``t``, with ``slope`` the largest of their slopes (see
        :meth:`_winner_slope`); ``budget_f`` and ``beta`` are the budgets and
        growth bounds when the losers lost, ``holding`` at least each project's money then
        (by default, the run's now). A loser keeps losing while its supporters, paying
        at most that price, cannot pay its cost: each gives ``min(budget, price x weight)``, a
        concave function of ``t`` whose slope at 0 is the growth bound of the budget for those
        short of the price now, and the price's slope for the others. With ``strict``, a loser
        that could pay its cost at ``rho`` already (a tie, within the tolerance) gives 0;
        otherwise ties are left to :meth:`_tie_holds`. One bound per loser, ``inf`` for those
        this cheaply finds beyond ``stable_for``.
        """
        result = [math.inf] * len(losers)
        if not losers:
            return result
        data = self.data
        rho = winners[0].rho_f if len(winners) == 1 else max(ev.rho_f for ev in winners)
        # A ceiling first: a loser's supporters give at most its cost times ``rho / lowest``
        # (every one of them a full share at the winners' price, whatever they hold). The
        # winners' price never rises as ``b`` grows, so a loser whose ceiling is short of its
        # cost keeps losing at every larger budget: its bound is ``inf``. Only the losers
        # whose ceiling reaches their cost are looked at supporter by supporter.
        chosen = np.array(losers, dtype=np.int64)
        looked = kernels.near_losers(chosen, data.costs_f, data.lowest_rho_f, rho)
        if not len(looked):
            return result
        near = chosen[looked]
        slope = max([self._winner_slope(ev) for ev in winners])
        found = kernels.loser_bounds(
            near,
            data.flat_starts,
            data.flat_ends,
            data.flat_ballots,
            data.flat_weight,
            data.flat_mult,
            data.costs_f,
            budget_f,
            beta,
            rho,
            slope,
            strict,
            self.stable_for,
            data.shares_f,
            data.votes_f,
            self.fastest,
            self.holding if holding is None else holding,
        )
        for k, value in zip(looked.tolist(), found.tolist(), strict=True):
            result[k] = value
        return result

    def _tie_holds(self, ev: Evaluation) -> bool:
        """Whether a project that lost a round on tie-breaking alone keeps losing it.

        If every supporter with money pays a full share and those without money stay without
        (growth bound 0, within the horizon), the project's price stays what it is for larger
        budgets, while the winner's can only fall: the tie is decided the same way or
        disappears. Otherwise the next budget step is taken as it comes.
        """
        supporters = self.data.supporters[ev.project]
        broke = supporters[self.exhausted[supporters]]
        return ev.poor_count == 0 and not bool((self.beta[broke] > 0).any())

    def _apply(self, bound: float) -> None:
        self.stable_for = min(self.stable_for, bound)
        if self.stable_for < self.track_until:
            self.track = False

    def _grow(self, ev: Evaluation) -> None:
        """Update the growth bounds after funding ``ev`` (before budgets are charged).

        The winner's price can fall by at most ``drop`` per unit of ``b`` (the growth of its
        partial payers' money over the points of its full payers), so a supporter's budget
        after this round grows by at most its growth before plus ``drop`` times its points.
        A partial payer whose budget is short of its full share by a margin that this growth
        cannot close within the horizon still pays everything and keeps nothing: its budget
        stays 0, and so does its growth bound (while ``b`` grows by less than the horizon).

        The lower bounds ``alpha``: the price is ``(cost - money of the partial payers) /
        points of the full payers``, so it falls at least as fast as the partial payers who
        surely stay partial (the margin above) gain money, at least ``alpha`` each (they are
        live: every price they paid fell), over the largest points that can pay (the full
        payers and every supporter not sure to stay partial or broke). A full payer's budget
        then grows by at least ``alpha`` plus that fall times its points; a partial payer's
        lower bound is 0.
        """
        data, p = self.data, ev.project
        has_points = not data.profile.approval
        highest = kernels.grow(
            data.supporters[p],
            ev.live,
            ev.poor_count,
            self.exhausted,
            data.mult_f,
            self.budget_f,
            self.beta,
            self.alpha,
            data.columns[p],
            has_points,
            ev.lam_f,
            self.horizon,
        )
        self.fastest = max(self.fastest, highest)

    # -- blocks of rounds whose order may change ----------------------------------------------

    def _bound_round(self, winner: Evaluation, tied: list[Evaluation], losers: list[int]) -> None:
        """Account for this round's winner in the bound (before it is funded).

        A round alone proves its winner unchanged while no loser's price can fall to the
        winner's. When that bound is short because a project funded a round or two later is
        near the winner's price, the rounds are taken together as a :class:`Block`: their
        order may change at larger budgets, but not what they fund, nor what anyone pays.
        """
        single = self._single_bound(winner, tied, losers)
        block = self.block
        if block is not None:
            if len(block.members) < BLOCK_ROUNDS and block.admits(self, winner):
                block.singles.append(single)
                others = [p for p in block.losers if p not in block.funded]
                bound = least(
                    self._loser_bounds(
                        block.members,
                        others,
                        block.budget_f,
                        block.beta,
                        strict=True,
                        holding=block.holding,
                    )
                )
                block.options.append(bound)
                if bound >= self.stable_for:
                    self._close(len(block.members))
                return
            self._flush()
        if single >= self.stable_for:
            return
        self.block = Block(self, winner, losers, single)

    def _single_bound(self, winner: Evaluation, tied: list[Evaluation], losers: list[int]) -> float:
        for ev in tied:
            if (
                ev is not winner
                and self.exact_rho(ev) == self.exact_rho(winner)
                and not self._tie_holds(ev)
            ):
                return 0.0
        bounds = self._loser_bounds([winner], losers, self.budget_f, self.beta, strict=False)
        return least(bounds)

    def _flush(self) -> None:
        """Close the open block where the bound it leaves is the largest."""
        block = self.block
        if block is None:
            return
        count = len(block.members)
        best, best_j = -1.0, 1
        for j in range(1, count + 1):
            value = min([block.options[j - 1], *block.singles[j:]])
            if value > best:
                best, best_j = value, j
        self._close(best_j)

    def _close(self, joined: int) -> None:
        """Close the open block: its first ``joined`` rounds as one block, the others alone."""
        block = self.block
        assert block is not None
        self.block = None
        self._apply(min([block.options[joined - 1], *block.singles[joined:]]))
        if joined > 1:  # proven to fund the same set, perhaps in another order
            self.reordered.update(range(block.start, block.start + joined))
        # Add1 replays whole blocks only: every round of this one gets the bound after it.
        for r in range(block.start, len(self.round_bounds)):
            self.round_bounds[r] = self.stable_for


class Block:
    """Consecutive rounds of a run whose winners may be funded in any order at larger budgets.

    A voter who supports two or more of them pays each its full share (never all they have
    left, and never after running out earlier), so each winner's price depends only on the
    budgets at the start of the block, whatever the order, and so does what everyone pays.
    If, at the start of the block, every other project is dearer than the dearest of them,
    and stays so while ``b`` grows (:meth:`StabilityBounds._loser_bounds`), the block funds
    the same projects and leaves the same budgets at every budget below the bound. With more
    money, budgets only grow and prices only fall, so full shares stay affordable.
    """

    def __init__(
        self, run: StabilityBounds, winner: Evaluation, losers: list[int], single: float
    ) -> None:
        self.start = len(run.round_bounds)
        self.budget_f = run.budget_f.copy()
        self.beta = run.beta.copy()
        self.holding = run.holding.copy()
        self.exhausted = run.exhausted.copy()
        self.losers = [winner.project, *losers]
        self.members: list[Evaluation] = []
        self.funded: set[int] = set()
        count = len(run.budget_f)
        self.support = np.zeros(count, dtype=bool)  # supporters of a member so far
        self.partial = np.zeros(count, dtype=bool)  # those who did not pay a full share
        self.singles: list[float] = []
        self.options: list[float] = []
        self.admits(run, winner)
        self.singles.append(single)
        self.options.append(single)

    def admits(self, run: StabilityBounds, ev: Evaluation) -> bool:
        """Take ``ev`` into the block if no supporter it shares with a member pays partly."""
        supporters = run.data.supporters[ev.project]
        drifting = supporters[self.exhausted[supporters] & (self.beta[supporters] > 0)]
        partial = np.concatenate([ev.live[: ev.poor_count], drifting])
        if bool(self.partial[supporters].any()) or bool(self.support[partial].any()):
            return False
        run._winner_slope(ev)  # at this round's budgets, for the block's bound
        self.support[supporters] = True
        self.partial[partial] = True
        self.members.append(ev)
        self.funded.add(ev.project)
        return True
