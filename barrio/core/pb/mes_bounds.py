"""The stability bound of an MES run: how far the voter budget may grow, changing nothing.

A mixin of the run state of :mod:`barrio.core.pb.mes`, whose module documentation gives the
argument. These methods only lower ``stable_for`` or update the growth bookkeeping it
rests on; none changes what the run decides.
"""

from __future__ import annotations

import numpy as np

from barrio.core.pb.mes_data import TOLERANCE, Evaluation, MesData, solve_price
from barrio.core.pb.profile import FloatArray


class StabilityBounds:
    """Bound bookkeeping shared by every run (attributes set by the run's constructor)."""

    data: MesData
    track: bool
    track_until: float
    horizon: float
    stable_for: float
    beta: FloatArray
    budget_f: FloatArray
    exhausted: np.ndarray

    def _bound(self, shortfall: float, scale: float, growth: float) -> None:
        """Lower the stability bound for a project whose supporters lack ``shortfall``.

        ``growth`` bounds how fast the money that matters grows with ``b``; nothing changes
        while ``growth * t`` stays below the shortfall (less a margin for float error).
        """
        if self.track:
            room = max(0.0, shortfall - TOLERANCE * scale)
            if growth > 0:
                self.stable_for = min(self.stable_for, room / (growth * (1 + TOLERANCE)))
            if self.stable_for < self.track_until:
                self.track = False

    def _bound_unaffordable(self, p: int, money: float) -> None:
        if self.track:
            supporters = self.data.supporters[p]
            growth = float(self.data.mult_f[supporters] @ self.beta[supporters])
            cost = float(self.data.costs_f[p])
            self._bound(cost - money, cost + money, growth)

    def _winner_slope(self, ev: Evaluation) -> float:
        """A bound on how fast the winner's price per satisfaction falls with ``b`` (<= 0).

        With the winners so far unchanged, a supporter who is still live (never gave all they
        had) pays every earlier winner a full share at a price that can only fall, so their
        budget grows by at least as much as ``b``; the others' stays at least 0. The price is
        a convex function of such a common growth (its epigraph is the superlevel set of a
        concave function), so over the horizon it stays under the chord from today's price to
        the price with every live budget raised by the horizon: the chord's slope is returned.
        """
        data, p = self.data, ev.project
        live = ev.live
        points = data.profile.points[live, p].astype(np.float64)
        budgets = self.budget_f[live] + self.horizon
        per_point = budgets / points if not data.profile.approval else budgets
        mult = data.mult_f[live]
        lowest = float(data.costs_f[p] / (mult @ points))
        if float(per_point.min()) >= lowest * (1 + TOLERANCE):
            lam = lowest
        else:
            lam, _ = solve_price(float(data.costs_f[p]), budgets, per_point, points, mult, lowest)
        far = lam * (1 + 4 * TOLERANCE) / float(data.weights_f[p])
        return min(0.0, (far - ev.rho_f) / self.horizon)

    def _bound_losers(self, winner: Evaluation, losers: list[int]) -> None:
        """Bound how far ``b`` may grow before a loser beats this round's winner.

        The winner's price per satisfaction is at most ``rho_w + slope * t`` when ``b`` grows
        by ``t`` (see :meth:`_winner_slope`). A loser keeps losing while its supporters,
        paying at most that price, cannot pay its cost: each gives ``min(budget, price x
        weight)``, a concave function of ``t`` whose slope at 0 is the growth bound of the
        budget for those short of the price now, and the price's slope for the others. All
        losers are done at once over the (ballot, project) pairs.
        """
        if not losers:
            return
        data = self.data
        rho_w = winner.rho_f
        chosen = np.asarray(losers, dtype=np.int64)
        # A cheap bound first: a loser's supporters give at most its cost times
        # ``rho_w / lowest`` (full shares at the winner's price), and their money grows by at
        # most the largest growth bound times their number. Only the losers this cannot keep
        # beyond the bound found so far are looked at supporter by supporter.
        cost = data.costs_f[chosen]
        ceiling = cost * np.minimum(1.0, rho_w / data.lowest_rho_f[chosen])
        room = cost - ceiling - TOLERANCE * (cost + ceiling)
        fast = float(self.beta.max()) * data.votes_f[chosen] * (1 + TOLERANCE)
        near = chosen[room < self.stable_for * fast]
        if len(near) == 0:
            return
        slope = self._winner_slope(winner)
        ballots = np.concatenate([data.supporters[p] for p in near.tolist()])
        weight = np.concatenate(
            [data.supporter_points[p] * data.weights_f[p] for p in near.tolist()]
        )
        owner = np.repeat(np.arange(len(near)), [len(data.supporters[p]) for p in near.tolist()])
        mult = data.mult_f[ballots]
        budgets = self.budget_f[ballots]  # 0 for exhausted voters
        cap = rho_w * weight
        short = budgets < cap * (1 + TOLERANCE)
        money = np.bincount(owner, weights=mult * np.minimum(budgets, cap), minlength=len(near))
        rate = np.where(short, self.beta[ballots], slope * weight)
        growth = np.bincount(owner, weights=mult * rate, minlength=len(near))
        cost = data.costs_f[near]
        room = np.maximum(0.0, cost - money - TOLERANCE * (cost + money))
        moving = growth > 0
        if moving.any():
            bound = float(np.min(room[moving] / (growth[moving] * (1 + TOLERANCE))))
            self.stable_for = min(self.stable_for, bound)
            if self.stable_for < self.track_until:
                self.track = False

    def _bound_tie(self, ev: Evaluation) -> None:
        """Bound ``b`` for a project that lost a round on tie-breaking alone.

        If every supporter with money pays a full share and those without money stay without
        (growth bound 0, within the horizon), the project's price stays what it is for larger
        budgets, while the winner's can only fall: the tie is decided the same way or
        disappears. Otherwise the next budget step is taken as it comes.
        """
        supporters = self.data.supporters[ev.project]
        broke = supporters[self.exhausted[supporters]]
        if ev.poor_count > 0 or bool((self.beta[broke] > 0).any()):
            self.stable_for = 0.0
            self.track = False

    def _grow(self, ev: Evaluation) -> None:
        """Update the growth bounds after funding ``ev`` (before budgets are charged).

        The winner's price can fall by at most ``drop`` per unit of ``b`` (the growth of its
        partial payers' money over the points of its full payers), so a supporter's budget
        after this round grows by at most its growth before plus ``drop`` times its points.
        A partial payer whose budget is short of its full share by a margin that this growth
        cannot close within the horizon still pays everything and keeps nothing: its budget
        stays 0, and so does its growth bound (while ``b`` grows by less than the horizon).
        """
        data, p = self.data, ev.project
        supporters = data.supporters[p]
        poor = np.concatenate([supporters[self.exhausted[supporters]], ev.live[: ev.poor_count]])
        rich = ev.live[ev.poor_count :]
        points = data.profile.points
        paying = float(data.mult_f[rich] @ points[rich, p])
        drop = float(data.mult_f[poor] @ self.beta[poor]) / paying * (1 + TOLERANCE)
        self.beta[rich] += drop * points[rich, p]
        share = ev.lam_f * points[poor, p]
        growth = self.beta[poor] + drop * points[poor, p]
        margin = share - self.budget_f[poor] - TOLERANCE * (share + self.budget_f[poor])
        kept = margin >= self.horizon * growth * (1 + TOLERANCE)
        self.beta[poor] = np.where(kept, 0.0, growth)
