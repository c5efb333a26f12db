"""Compiled loops (numba) for the float passes of the Method of Equal Shares.

A run of MES prices projects over their supporters again and again: on the largest files
(tens of thousands of distinct ballots) Add1 makes tens of thousands of such passes, each of a
few thousand supporters. Written with numpy, a pass is ten or more calls, each allocating an
array of the supporters and walking it; here it is one loop that reads each supporter once.
MES + Add1 + greedy on Budapest 2024 took 5.8 s with numpy, 2.6 s with these.

These functions compute in floats only, as the numpy code before them did: they *filter*.
What decides (a near tie, a budget within the tolerance of a cost) is still settled exactly by
the caller (see :mod:`barrio.core.pb.mes`). The loops marked :func:`summed` may add their
terms in any order, several at a time (the price's passes ran three times faster so): the
last bits of a sum then differ from a sum in the supporters' order, by far less than the
tolerance covers.

numba compiles these functions on their first call (about 3 s for all) and keeps the machine
code in ``__pycache__`` for later processes (``cache=True``): a new process imports numba in
about 0.26 s and loads the code on its first call in about 0.35 s. :func:`load` makes those
first calls up front, so that no election pays for them (the command line and the benchmark
call it before they start their clocks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from barrio.core.pb.mes_data import TOLERANCE
from barrio.core.pb.profile import FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]

_F = TypeVar("_F", bound=Callable[..., Any])

_PROOF_STRIDE = 64
"""Supporters :func:`loser_bounds` reads between two attempts to prove a bound large."""

UNAFFORDABLE, DOUBTFUL, EVERYONE_PAYS, SOME_PAY_ALL = 0, 1, 2, 3
"""What :func:`price` found: the supporters lack the cost (beyond the tolerance); they hold
it within the tolerance (the caller decides exactly); every live supporter can pay a full
share; some pay all they have (``poor_count`` of them, first in ``live``)."""


def compiled(function: _F) -> _F:
    """``function`` compiled by numba (in ``nopython`` mode), cached on disk where numba
    finds a writable place (next to the source, else the user's cache directory, or
    ``NUMBA_CACHE_DIR``); where it finds none (a read-only installation), compiled again in
    each process rather than failing the import."""
    return _compile(function, {})


def summed(function: _F) -> _F:
    """Like :func:`compiled`, and the loop's sums may be added in any order (LLVM's
    ``reassoc``), so that it sums several supporters at once (SIMD).

    Only the order of additions changes, not what is added: a sum of ``n`` terms is off by
    at most about ``n`` units in the last place either way, far below the tolerance within
    which every decision is settled exactly.
    """
    return _compile(function, {"fastmath": {"reassoc"}})


def _compile(function: _F, options: dict[str, Any]) -> _F:
    try:
        return cast(_F, numba.njit(cache=True, nogil=True, **options)(function))
    except RuntimeError:  # "cannot cache function ...: no locator available for file ..."
        return cast(_F, numba.njit(nogil=True, **options)(function))


@summed
def _solve(
    per_point: FloatArray,
    weighted_points: FloatArray,
    weighted_budgets: FloatArray,
    cost: float,
    lowest: float,
) -> tuple[float, BoolArray]:
    """The payment per point at which the supporters (their budget per point, their points
    and budgets times their multiplicity) pay ``cost``, and who pays a full share at it.

    Everyone pays a full share (``lowest``) at first; those who cannot are moved to paying
    all they have, and the price raised to match, until nobody moves: Newton's method on
    the supporters' money, a concave piecewise-linear function of the price, from below, so
    the price only rises and this ends, usually after two to four passes (cheaper than
    sorting the supporters).
    """
    count = len(per_point)
    reach = 1 + 1e-12
    rich = np.empty(count, np.bool_)
    lam = lowest
    first, fell_back = True, False
    while True:
        # One pass: who pays a full share at ``lam``, and the sums that price them.
        moved = False
        full = given = 0.0
        for k in range(count):
            settled = per_point[k] * reach >= lam
            moved |= settled != rich[k]
            rich[k] = settled
            full += weighted_points[k] if settled else 0.0
            given += 0.0 if settled else weighted_budgets[k]
        if not (moved or first):
            break  # nobody moved: ``lam`` is the price
        first = False
        if full == 0.0:
            # Floats disagree with the affordability test by an ulp: the richest pay (and
            # keep paying if the floats say so again: the exact settling decides).
            richest = per_point.max()
            given = 0.0
            for k in range(count):
                rich[k] = per_point[k] >= richest
                full += weighted_points[k] if rich[k] else 0.0
                given += 0.0 if rich[k] else weighted_budgets[k]
            if fell_back:
                break
            fell_back = True
        lam = (cost - given) / full
    return lam, rich


@summed
def price(
    supporters: IntArray,
    mult: FloatArray,
    points: FloatArray,
    has_points: bool,
    budget_f: FloatArray,
    exhausted: BoolArray,
    anyone_broke: bool,
    cost: float,
    check_money: bool,
) -> tuple[int, float, IntArray, int, float, bool]:
    """Price a project over its ``supporters`` (with their ``mult``iplicities and, if
    ``has_points``, their ``points``; ``budget_f`` per ballot, ``exhausted`` those who gave
    all they had, looked at only if ``anyone_broke``).

    Returns ``(found, money, live, poor_count, lam, clear)``: what was found (the constants
    above); the live supporters' money; the live supporters (partial payers first, each group
    in the supporters' order); the payment per point ``lam`` at which the money pays
    ``cost`` (see :func:`_solve`); and whether every live supporter holds at least
    ``(1 + 3 x TOLERANCE)`` times their full share. With ``check_money`` false, the money
    is taken to suffice (the caller settled it exactly).
    """
    # One pass over the supporters gathers what every later pass reads (they are spread
    # over the ballots: read once, from memory; the gathered arrays stay in the cache).
    size = len(supporters)
    live = np.empty(size, np.int64)
    per_point = np.empty(size)
    weighted_points = np.empty(size)
    weighted_budgets = np.empty(size)
    count = 0
    money = paying = 0.0
    poorest = np.inf
    # Every supporter is written at the next place, which only those who have not given all
    # they had take (no branch: who did is as good as random, often mispredicted).
    for i in range(size):
        voter = supporters[i]
        keep = not (anyone_broke and exhausted[voter])
        held = budget_f[voter]
        live[count] = voter
        share = held / points[i] if has_points else held
        weight = mult[i] * points[i] if has_points else mult[i]
        per_point[count] = share
        weighted_points[count] = weight
        weighted_budgets[count] = mult[i] * held
        money += mult[i] * held  # (0 for those who gave all they had)
        paying += weight if keep else 0.0
        poorest = min(poorest, share if keep else np.inf)
        count += 1 if keep else 0
    if count == 0 or (check_money and money < cost * (1 - TOLERANCE)):
        return UNAFFORDABLE, money, live[:0], 0, 0.0, False
    live = supporters if count == size else live[:count]  # every supporter: the same array
    if check_money and money < cost * (1 + TOLERANCE):
        return DOUBTFUL, money, live, 0, 0.0, False  # the caller compares it exactly
    lowest = cost / paying
    if poorest >= lowest * (1 + TOLERANCE):
        return EVERYONE_PAYS, money, live, 0, lowest, poorest >= lowest * (1 + 3 * TOLERANCE)
    lam, rich = _solve(
        per_point[:count], weighted_points[:count], weighted_budgets[:count], cost, lowest
    )
    # Partial payers first, each group in the supporters' order: one pass that writes every
    # supporter at the next place of its group, without a branch (which of the two is as
    # good as random: a branch would often be mispredicted).
    poor_count = 0
    for k in range(count):
        poor_count += 0 if rich[k] else 1
    ordered = np.empty(count, np.int64)
    next_poor, next_rich = 0, poor_count
    for k in range(count):
        full = 1 if rich[k] else 0
        ordered[next_rich if full else next_poor] = live[k]
        next_rich += full
        next_poor += 1 - full
    return SOME_PAY_ALL, money, ordered, poor_count, lam, False


@summed
def loser_bounds(
    near: IntArray,
    starts: IntArray,
    ends: IntArray,
    ballots: IntArray,
    weight: FloatArray,
    mult: FloatArray,
    costs: FloatArray,
    budget_f: FloatArray,
    beta: FloatArray,
    rho: float,
    slope: float,
    strict: bool,
    enough: float,
    shares: FloatArray,
    votes: FloatArray,
    fastest: float,
    holding: FloatArray,
) -> FloatArray:
    """How far ``b`` may grow before each project of ``near`` catches up with the winners'
    price ``rho`` (falling at most by ``slope`` per unit of ``b``); see
    :meth:`barrio.core.pb.mes_bounds.StabilityBounds._loser_bounds` for the argument.

    ``starts``/``ends`` give each project's span in the flat arrays of every project's
    supporters (``ballots``, their satisfaction per unit of price ``weight``, ``mult``).

    Only bounds under ``enough`` matter to the caller: a project is given ``inf`` as soon as
    the supporters read so far prove its bound at least ``enough``, the others giving at most
    their full share at ``rho`` (``rho`` times ``shares``, each project's satisfaction of its
    supporters with multiplicity) and at most what they hold (``holding``: at least the
    money of each project's supporters), and growing at most at ``fastest`` each
    (``votes``: each project's supporters with multiplicity).
    """
    found = np.full(len(near), np.inf)
    for k in range(len(near)):
        project = near[k]
        cost = costs[project]
        money = 0.0
        growth = 0.0
        # What the supporters not read yet may give and gain at most (with a margin for the
        # rounding of these running differences).
        unread_money = rho * shares[project] * (1 + 1e-9)
        unread_held = holding[project] * (1 + 1e-9)
        margin = 1e-9 * (rho * shares[project] + holding[project])
        unread_voters = votes[project]
        proven = False
        start, end = starts[project], ends[project]
        while start < end:
            stop = min(start + _PROOF_STRIDE, end)
            for i in range(start, stop):
                held = budget_f[ballots[i]]
                cap = rho * weight[i]
                money += mult[i] * min(held, cap)
                unread_money -= mult[i] * cap
                unread_held -= mult[i] * held
                unread_voters -= mult[i]
                if held < cap * (1 + TOLERANCE):  # short of the price: its budget's growth
                    growth += mult[i] * beta[ballots[i]]
                else:  # pays the price, which falls at most by slope
                    growth += mult[i] * (slope * weight[i])
            start = stop
            if start < end:
                most = money + max(min(unread_money, unread_held), 0.0) + margin
                fastest_growth = growth + fastest * unread_voters
                least_room = cost - most - TOLERANCE * (cost + most)
                if least_room > 0 and least_room >= enough * fastest_growth * (1 + 2 * TOLERANCE):
                    proven = True
                    break
        if proven:
            continue
        room = cost - money - TOLERANCE * (cost + money)
        if strict and room <= 0:
            found[k] = 0.0
        elif growth > 0:
            found[k] = max(0.0, room) / (growth * (1 + TOLERANCE))
    return found


@compiled
def grow(
    supporters: IntArray,
    live: IntArray,
    poor_count: int,
    exhausted: BoolArray,
    mult: FloatArray,
    budget_f: FloatArray,
    beta: FloatArray,
    alpha: FloatArray,
    column: IntArray,
    has_points: bool,
    lam: float,
    horizon: float,
) -> float:
    """Update the growth bounds ``beta`` and ``alpha`` (in place) for the round that funds a
    project at payment per point ``lam`` to ``live`` (its first ``poor_count`` paying all
    they have); ``exhausted`` flags those who gave all they had before, ``column`` the
    project's points per ballot if ``has_points``. See
    :meth:`barrio.core.pb.mes_bounds.StabilityBounds._grow` for the argument (nothing
    moves where every supporter is live and pays a full share). Returns the largest
    ``beta`` written (0 if none).
    """
    highest = 0.0
    broke = len(live) < len(supporters)
    if not broke and poor_count == 0:
        return highest
    # The partial payers: those who gave all they had before, then this round's.
    poor = np.empty(len(supporters) - len(live) + poor_count, np.int64)
    j = 0
    if broke:
        for i in range(len(supporters)):
            if exhausted[supporters[i]]:
                poor[j] = supporters[i]
                j += 1
    earlier = j
    for i in range(poor_count):
        poor[j + i] = live[i]
    paying = 0.0
    for i in range(poor_count, len(live)):
        paying += mult[live[i]] * column[live[i]] if has_points else mult[live[i]]
    gained = 0.0
    for voter in poor:
        gained += mult[voter] * beta[voter]
    drop = gained / paying * (1 + TOLERANCE)
    # A partial payer short of its full share by more than its growth can close within the
    # horizon keeps nothing: growth 0. The others may pay a full share at a larger budget.
    doubtful = rise = 0.0
    for j in range(len(poor)):
        voter = poor[j]
        points = column[voter] if has_points else 1.0
        share = lam * points
        held = budget_f[voter]
        growth = beta[voter] + drop * points
        margin = share - held - TOLERANCE * (share + held)
        if margin >= horizon * growth * (1 + TOLERANCE):
            beta[voter] = 0.0
            if j >= earlier:  # a partial payer of this round who surely stays partial
                rise += mult[voter] * alpha[voter]
        else:
            beta[voter] = growth
            highest = max(highest, growth)
            doubtful += mult[voter] * points
    fall = rise / (paying + doubtful) * (1 - TOLERANCE)
    # The full payers' bounds, in one pass (the partial payers' above read none of them).
    if drop > 0 or fall > 0:
        for i in range(poor_count, len(live)):
            voter = live[i]
            points = column[voter] if has_points else 1.0
            if drop > 0:
                beta[voter] += drop * points
                highest = max(highest, beta[voter])
            if fall > 0:
                alpha[voter] += fall * points
    for voter in poor:
        alpha[voter] = 0.0
    return highest


@compiled
def fund(
    live: IntArray,
    poor_count: int,
    lam: float,
    column: IntArray,
    has_points: bool,
    multiplicity: IntArray,
    budget_f: FloatArray,
    exhausted: BoolArray,
    poor_round: IntArray,
    round_index: int,
) -> int:
    """Charge a funded project (in place): the full payers (``live`` after its first
    ``poor_count``) pay ``lam`` per point (``column``'s points if ``has_points``, else 1), the
    others all they have, in round ``round_index``. Returns the points that paid a full share,
    counted with (integer) ``multiplicity``: the exact price's denominator."""
    denominator = 0
    for i in range(poor_count, len(live)):
        voter = live[i]
        points = column[voter] if has_points else 1
        budget_f[voter] = max(budget_f[voter] - lam * points, 0.0)
        denominator += multiplicity[voter] * points
    for i in range(poor_count):
        voter = live[i]
        budget_f[voter] = 0.0
        exhausted[voter] = True
        poor_round[voter] = round_index
    return denominator


@summed
def raised_price(
    live: IntArray,
    mult: FloatArray,
    column: IntArray,
    has_points: bool,
    budget_f: FloatArray,
    alpha: FloatArray,
    raise_by: float,
    cost: float,
) -> float:
    """The payment per point at which ``live`` (per ballot: ``mult``, ``column``'s points if
    ``has_points``) pay ``cost`` when each holds ``budget_f + raise_by x alpha``: the far end
    of the chord of :meth:`barrio.core.pb.mes_bounds.StabilityBounds._winner_slope`."""
    count = len(live)
    per_point = np.empty(count)
    weighted_points = np.empty(count)
    weighted_budgets = np.empty(count)
    paying = 0.0
    poorest = np.inf
    for k in range(count):
        voter = live[k]
        held = budget_f[voter] + raise_by * alpha[voter]
        points = column[voter] if has_points else 1.0
        per_point[k] = held / points if has_points else held
        weighted_points[k] = mult[voter] * points
        weighted_budgets[k] = mult[voter] * held
        paying += weighted_points[k]
        poorest = min(poorest, per_point[k])
    lowest = cost / paying
    if poorest >= lowest * (1 + TOLERANCE):
        return lowest
    return _solve(per_point, weighted_points, weighted_budgets, cost, lowest)[0]


@summed
def money_at(
    supporters: IntArray,
    mult: FloatArray,
    points: FloatArray,
    has_points: bool,
    budget_f: FloatArray,
    lam: float,
) -> tuple[float, float, float]:
    """What ``supporters`` (with their ``mult``iplicities and, if ``has_points``, their
    ``points``) would give at payment per point ``lam``, each a full share or all they hold
    if that is less; what they hold; and the points of those who hold a full share (the
    slope of that money as ``lam`` rises). One pass, no array written: cheaper than
    :func:`price`, and enough to show that a project's price is above ``lam``."""
    given = held = slope = 0.0
    for i in range(len(supporters)):
        budget = budget_f[supporters[i]]
        weight = mult[i] * points[i] if has_points else mult[i]
        share = lam * points[i] if has_points else lam
        held += mult[i] * budget
        given += mult[i] * min(budget, share)
        slope += weight if budget >= share else 0.0
    return given, held, slope


@summed
def held_and_growth(
    supporters: IntArray, mult: FloatArray, budget_f: FloatArray, beta: FloatArray
) -> tuple[float, float]:
    """What ``supporters`` (with their ``mult``iplicities) hold, and the bound on how fast
    that grows with ``b`` (their growth bounds ``beta``), in one pass."""
    held = growth = 0.0
    for i in range(len(supporters)):
        voter = supporters[i]
        held += mult[i] * budget_f[voter]
        growth += mult[i] * beta[voter]
    return held, growth


@compiled
def near_share(
    live: IntArray, budget_f: FloatArray, lam: float, column: IntArray, has_points: bool
) -> bool:
    """Whether a supporter in ``live`` holds, within the tolerance, their full share at
    ``lam`` per point (then floats may have put them on the wrong side of it)."""
    for voter in live:
        held = budget_f[voter]
        owed = lam * column[voter] if has_points else lam
        if abs(held - owed) <= TOLERANCE * (held + owed):
            return True
    return False


@compiled
def near_losers(losers: IntArray, costs: FloatArray, lowest: FloatArray, rho: float) -> IntArray:
    """The positions in ``losers`` of those whose supporters, all paying a full share at the
    winners' price ``rho`` whatever they hold, would reach their cost (``lowest``: each
    project's price with every supporter paying a full share)."""
    found = np.empty(len(losers), np.int64)
    count = 0
    for k in range(len(losers)):
        cost = costs[losers[k]]
        ceiling = cost * min(1.0, rho / lowest[losers[k]])
        if cost - ceiling <= TOLERANCE * (cost + ceiling):
            found[count] = k
            count += 1
    return found[:count]


def load() -> None:
    """Call every compiled loop once, on a ballot or two, with the types the runs pass: numba
    loads each from its cache (or compiles it) on its first call in a process, a few tenths of a
    second in all; afterwards no election waits for that. (``_solve`` is compiled into its
    callers.)"""
    ballot = np.zeros(1, np.int64)
    one = np.ones(1)
    no = np.zeros(1, np.bool_)
    price(ballot, one, one, False, one.copy(), no.copy(), False, 1.0, True)
    near_share(ballot, one, 1.0, ballot, False)
    held_and_growth(ballot, one, one, one)
    money_at(ballot, one, one, False, one, 1.0)
    near_losers(ballot, one, one, 1.0)
    raised_price(ballot, one, ballot + 1, False, one, one, 1.0, 1.0)
    both, two = np.arange(2), np.ones(2)  # (one paying all it has, one a full share)
    grow(both, both, 1, no.repeat(2), two, two, two.copy(), two.copy(), both, False, 1.0, 1.0)
    fund(ballot, 0, 1.0, ballot + 1, False, ballot + 1, one.copy(), no.copy(), ballot.copy(), 0)
    loser_bounds(
        ballot, ballot, ballot + 1, ballot, one, one, one, one.copy(), one, 1.0, 0.0, False,
        1.0, one, one, 1.0, one,
    )  # fmt: skip
