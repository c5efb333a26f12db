"""The stability bound of an MES run: how far the voter budget may grow, changing nothing.

A mixin of the run state of :mod:`barrio.core.pb.mes`, whose module documentation gives the
argument. These methods only lower ``stable_for`` or update the growth bookkeeping it
rests on; none changes what the run decides.
"""

from __future__ import annotations

import numpy as np

from barrio.core.pb.mes_data import TOLERANCE, Evaluation, MesData
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

    def _bound_losers(self, rho_w: float, losers: list[int]) -> None:
        """Bound how far ``b`` may grow before a loser beats this round's winner.

        The winner's price per satisfaction is ``rho_w``. All losers are done at once over
        the (ballot, project) pairs: the money each loser's supporters could give at that
        price, and the growth bound of those among them who could give more.
        """
        if not losers:
            return
        data = self.data
        budgets = self.budget_f[data.pair_ballot]  # 0 for exhausted voters
        cap = rho_w * data.pair_weight
        short = budgets < cap
        count = data.instance.num_projects
        money = np.bincount(
            data.pair_project, weights=data.pair_mult * np.minimum(budgets, cap), minlength=count
        )
        growth = np.bincount(
            data.pair_project,
            weights=data.pair_mult * self.beta[data.pair_ballot] * short,
            minlength=count,
        )
        chosen = np.asarray(losers, dtype=np.int64)
        cost, money, growth = data.costs_f[chosen], money[chosen], growth[chosen]
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
