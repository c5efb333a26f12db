"""Hypothesis properties of the rules on random small elections.

Also checks our MES + Add1 (which skips budget steps it proves cannot change anything)
against a step-by-step Add1, and our rules against live pabutools on random elections.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barrio.core.pb import RULES, Instance, Profile, TieBreaking, decide, kernels, make_profile
from barrio.core.pb.equal_shares import MesParams, add1
from barrio.core.pb.mes import prepare, run_mes
from barrio.core.pb.mes_data import TOLERANCE
from barrio.core.pb.profile import IntArray

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(
    draw: st.DrawFn, approval: bool = True, projects: int = 7, voters: int = 14
) -> tuple[Instance, list[dict[int, int]]]:
    """A random election: up to 7 projects, up to 14 voters, small integer costs."""
    count = draw(st.integers(1, projects))
    costs = tuple(draw(st.lists(st.integers(1, 30), min_size=count, max_size=count)))
    budget = draw(st.integers(1, 80))
    top = 1 if approval else 4
    ballot = st.dictionaries(st.integers(0, count - 1), st.integers(1, top), max_size=count)
    ballots = draw(st.lists(ballot, min_size=1, max_size=voters))
    instance = Instance(tuple(f"p{i}" for i in range(count)), costs, budget)
    return instance, ballots


def unmerged(ballots: list[dict[int, int]], count: int, approval: bool) -> Profile:
    """One row per voter, identical ballots not merged."""
    points = np.zeros((len(ballots), count), dtype=np.int64)
    for row, ballot in enumerate(ballots):
        for project, value in ballot.items():
            points[row, project] = value
    return Profile(points, np.ones(len(ballots), dtype=np.int64), approval)


def mes_input(
    election: tuple[Instance, list[dict[int, int]]], approval: bool
) -> tuple[Instance, Profile, str, IntArray]:
    """The instance, profile, satisfaction and tie-breaking ranks MES takes for ``election``,
    its ballots made approval ballots if ``approval``."""
    instance, ballots = election
    if approval:
        ballots = [dict.fromkeys(ballot, 1) for ballot in ballots]
    profile = make_profile(ballots, instance.num_projects, approval=approval)
    ranks = TieBreaking().ranks(instance, profile)
    return instance, profile, "cost" if approval else "cardinality", ranks


@SETTINGS
@given(elections(), st.sampled_from(RULES))
def test_never_over_budget(election: tuple[Instance, list[dict[int, int]]], rule: str) -> None:
    """No rule ever spends more than the budget."""
    instance, ballots = election
    profile = make_profile(ballots, instance.num_projects, approval=True)
    outcome = decide(rule, instance, profile, threshold=1)
    assert outcome.total_cost == instance.total_cost(outcome.selected) <= instance.budget
    assert len(set(outcome.selected)) == len(outcome.selected)


@SETTINGS
@given(elections(), st.sampled_from(RULES), st.randoms(use_true_random=False))
def test_voter_order_and_merging_do_not_matter(
    election: tuple[Instance, list[dict[int, int]]], rule: str, rng: object
) -> None:
    """Shuffling voters, or not merging identical ballots, gives the same outcome."""
    instance, ballots = election
    reference = decide(
        rule, instance, make_profile(ballots, instance.num_projects, approval=True), threshold=1
    )
    shuffled = list(ballots)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    again = decide(
        rule, instance, make_profile(shuffled, instance.num_projects, approval=True), threshold=1
    )
    flat = decide(rule, instance, unmerged(ballots, instance.num_projects, True), threshold=1)
    assert reference.selected == again.selected == flat.selected


@SETTINGS
@given(elections())
def test_greedy_is_exhaustive(election: tuple[Instance, list[dict[int, int]]]) -> None:
    """After greedy with skipping, no unfunded project fits what is left."""
    instance, ballots = election
    outcome = decide(
        "greedy", instance, make_profile(ballots, instance.num_projects, approval=True)
    )
    left = instance.budget - outcome.total_cost
    unfunded = set(range(instance.num_projects)) - set(outcome.selected)
    assert all(instance.costs[p] > left for p in unfunded)


@SETTINGS
@given(elections(approval=False), st.booleans(), st.fractions(0, 5), st.booleans())
def test_mes_price_system_is_valid(
    election: tuple[Instance, list[dict[int, int]]],
    approval: bool,
    extra: Fraction,
    clustered: bool,
) -> None:
    """MES comes with a valid price system.

    No voter pays more than their budget; every funded project is paid in full by its
    supporters, each paying the same price per unit of satisfaction unless they gave all they
    had; and no unfunded project's supporters still hold enough money to pay for it.
    """
    instance, profile, sat, ranks = mes_input(election, approval)
    data = prepare(instance, profile, sat, ranks, clustered=clustered)
    profile = data.profile  # the rows the run's tables follow
    budget = Fraction(instance.budget) / profile.num_voters + extra
    run = run_mes(data, budget)
    table = run.payments()
    mult = profile.multiplicity.tolist()
    for row in table:
        assert sum(row, Fraction(0)) <= budget
        assert all(paid >= 0 for paid in row)
    for r, (p, price) in enumerate(zip(run.winners, run.prices, strict=True)):
        paid = sum((mult[i] * table[i][r] for i in range(len(table))), Fraction(0))
        assert paid == instance.costs[p]
        for i, row in enumerate(table):
            points = int(profile.points[i, p])
            if points == 0:
                assert row[r] == 0
            elif row[r] != price * points:
                # Only a voter who could not afford the full share pays less: all they had.
                assert row[r] < price * points
                assert sum(row[: r + 1], Fraction(0)) == budget
    left = run.budgets_after()
    for p in set(data.candidates) - set(run.winners):
        supporters = profile.supporters(p).tolist()
        assert sum((mult[i] * left[i] for i in supporters), Fraction(0)) < instance.costs[p]


@SETTINGS
@given(elections(), st.sampled_from(["exhaustive", "overspend"]))
def test_add1_skipping_matches_step_by_step(
    election: tuple[Instance, list[dict[int, int]]], stop: str
) -> None:
    """Add1 with proven skips gives exactly what raising the budget one unit at a time gives,
    order, prices and partial payers included."""
    instance, ballots = election
    profile = make_profile(ballots, instance.num_projects, approval=True)
    data = prepare(instance, profile, "cost", TieBreaking().ranks(instance, profile))
    fast = add1(data, MesParams(add1=True, stop=stop))  # type: ignore[arg-type]
    budget = Fraction(instance.budget) / profile.num_voters
    candidates = set(data.candidates)
    if stop == "overspend" and instance.total_cost(data.candidates) <= instance.budget:
        assert fast.winners == run_mes(data, budget).winners
        return
    previous = run_mes(data, budget)
    while True:
        current = run_mes(data, budget)
        if instance.total_cost(current.winners) > instance.budget:
            expected = previous
            break
        left = instance.budget - instance.total_cost(current.winners)
        if stop == "exhaustive" and not any(
            instance.costs[p] <= left for p in candidates - set(current.winners)
        ):
            expected = current
            break
        previous = current
        budget += 1
    assert fast.winners == expected.winners
    assert fast.voter_budget == expected.voter_budget
    # Returned without a fresh run only where that changes nothing: the same prices, and
    # the same voters paying all they have, as a fresh run at that budget.
    assert fast.prices == expected.prices
    assert fast.poor_round.tolist() == expected.poor_round.tolist()


@SETTINGS
@given(elections(approval=False, projects=12, voters=40), st.booleans(), st.fractions(0, 5))
def test_the_order_of_the_ballots_changes_nothing(
    election: tuple[Instance, list[dict[int, int]]], approval: bool, extra: Fraction
) -> None:
    """MES on ballots reordered so that supporters cluster (as ``prepare`` does on large
    profiles) decides as on the ballots in their own order: winners, exact prices, who pays
    all they have, and Add1's final budget."""
    instance, profile, sat, ranks = mes_input(election, approval)
    plain = prepare(instance, profile, sat, ranks, clustered=False)
    clustered = prepare(instance, profile, sat, ranks, clustered=True)
    assert sorted(map(tuple, clustered.profile.points.tolist())) == sorted(
        map(tuple, profile.points.tolist())
    )
    budget = Fraction(instance.budget) / profile.num_voters + extra
    params = MesParams(add1=True, sat=sat)  # type: ignore[arg-type]
    for first, second in [
        (run_mes(plain, budget), run_mes(clustered, budget)),
        (add1(plain, params), add1(clustered, params)),
    ]:
        assert first.winners == second.winners
        assert first.prices == second.prices
        assert first.voter_budget == second.voter_budget
        rounds = [
            dict(
                zip(
                    map(tuple, run.data.profile.points.tolist()),
                    run.poor_round.tolist(),
                    strict=True,
                )
            )
            for run in (first, second)
        ]
        assert rounds[0] == rounds[1]


@SETTINGS
@given(
    elections(approval=False, projects=12, voters=40),
    st.booleans(),
    st.fractions(0, 30, max_denominator=7),
    st.integers(0, 2**32 - 1),
)
def test_stability_bound_is_sound(
    election: tuple[Instance, list[dict[int, int]]], approval: bool, extra: Fraction, seed: int
) -> None:
    """Every budget below a run's proven bound funds the same projects (maybe in another
    order: see ``Block``), and replaying the run at that budget gives the same as a new run."""
    instance, ballots = election
    if approval:
        ballots = [dict.fromkeys(ballot, 1) for ballot in ballots]
    profile = make_profile(ballots, instance.num_projects, approval=approval)
    data = prepare(
        instance,
        profile,
        "cost" if approval else "cardinality",
        TieBreaking().ranks(instance, profile),
    )
    budget = Fraction(instance.budget) / profile.num_voters + extra
    run = run_mes(data, budget, track=0.125, horizon=16.0)
    if run.stable_for == 0:
        return
    bound = Fraction(min(run.stable_for, 64.0))
    rng = np.random.default_rng(seed)
    grown = [bound * Fraction(k, 8) for k in range(8)]
    grown += [bound * Fraction(int(rng.integers(1, 1000)), 1000) for _ in range(4)]
    for t in grown:
        again = run_mes(data, budget + t)
        assert sorted(again.winners) == sorted(run.winners), t
        if t > 0:
            replayed = run_mes(data, budget + t, track=0.125, previous=run, horizon=16.0)
            assert sorted(replayed.winners) == sorted(run.winners), t
            assert replayed.budgets_after() == again.budgets_after(), t


def numpy_price(
    cost: float, budgets: np.ndarray, points: np.ndarray, mult: np.ndarray
) -> tuple[float, np.ndarray]:
    """The payment per point at which supporters holding ``budgets`` pay ``cost``, and who
    pays a full share at it, in plain numpy: everyone paying a full share at first, those
    who cannot moved to paying all they have until nobody moves (as the engine did before
    its passes were compiled)."""
    reach = budgets / points * (1 + 1e-12)
    rich = reach >= cost / float(mult @ points)
    while True:
        price = (cost - float((mult * budgets)[~rich].sum())) / float((mult * points)[rich].sum())
        settled = reach >= price
        if (settled == rich).all():
            return price, rich
        rich = settled


SUPPORTERS = st.lists(
    st.tuples(st.integers(0, 64), st.integers(1, 4), st.integers(1, 4), st.booleans()),
    min_size=1,
    max_size=30,
)
"""A project's supporters: budget in eighths, multiplicity, points, whether they gave all."""


@SETTINGS
@given(
    SUPPORTERS,
    st.booleans(),
    st.integers(1, 2000),
)
def test_the_compiled_price_is_the_numpy_price(
    supporters: list[tuple[int, int, int, bool]], has_points: bool, cost_in_eighths: int
) -> None:
    """The compiled pricing pass finds the money, the partial payers and the price that the
    plain numpy statement of the method (:func:`numpy_price`) finds. Budgets in eighths keep
    every sum exact in floats, whatever the order of its terms: the two agree to the bit."""
    eighths, mult, points, broke = (np.array(column) for column in zip(*supporters, strict=True))
    budget = np.where(broke, 0.0, eighths / 8)
    mult_f, points_f = mult.astype(np.float64), points.astype(np.float64)
    ballots, cost = np.arange(len(supporters), dtype=np.int64), cost_in_eighths / 8
    found, money, live, poor_count, lam, _ = kernels.price(
        ballots,
        mult_f,
        points_f,
        has_points,
        budget,
        broke.astype(bool),
        bool(broke.any()),
        cost,
        True,
    )
    alive = ~broke.astype(bool)
    held, each = budget[alive], mult_f[alive]
    paid = points_f[alive] if has_points else np.ones(int(alive.sum()))
    assert money == float(each @ held)
    if not alive.any() or money < cost * (1 - TOLERANCE):
        assert found == kernels.UNAFFORDABLE
        return
    assert list(live) == list(ballots[alive]) or found == kernels.SOME_PAY_ALL
    if money < cost * (1 + TOLERANCE):
        assert found == kernels.DOUBTFUL
        return
    per_point, lowest = held / paid, cost / float(each @ paid)
    if per_point.min() >= lowest * (1 + TOLERANCE):
        assert (found, poor_count, lam) == (kernels.EVERYONE_PAYS, 0, lowest)
        return
    expected, rich = numpy_price(cost, held, paid, each)
    assert (found, poor_count, lam) == (kernels.SOME_PAY_ALL, int((~rich).sum()), expected)
    assert list(live) == list(ballots[alive][~rich]) + list(ballots[alive][rich])


@SETTINGS
@given(
    SUPPORTERS,
    st.booleans(),
    st.integers(1, 2000),
    st.integers(1, 64),
)
def test_the_money_at_a_price_bounds_the_price(
    supporters: list[tuple[int, int, int, bool]],
    has_points: bool,
    cost_in_eighths: int,
    lam_in_eighths: int,
) -> None:
    """The one-pass test of a project at a price (:func:`barrio.core.pb.kernels.money_at`)
    finds what plain numpy says the supporters give there (each a full share or all they
    hold), hold, and the points of those holding a full share; where they give less than
    the cost (and hold more), the price is above that price, and the tangent of their money
    reaches the cost at or below the price. Budgets in eighths keep the sums exact."""
    eighths, mult, points, broke = (np.array(column) for column in zip(*supporters, strict=True))
    budget = np.where(broke, 0.0, eighths / 8)
    mult_f = mult.astype(np.float64)
    paid = points.astype(np.float64) if has_points else np.ones(len(supporters))
    ballots, cost, lam = (
        np.arange(len(supporters), dtype=np.int64),
        cost_in_eighths / 8,
        lam_in_eighths / 8,
    )
    given_, held, slope = kernels.money_at(
        ballots, mult_f, points.astype(np.float64), has_points, budget, lam
    )
    assert given_ == float(mult_f @ np.minimum(budget, lam * paid))
    assert held == float(mult_f @ budget)
    assert slope == float(mult_f @ np.where(budget >= lam * paid, paid, 0.0))
    if held <= cost or given_ >= cost:
        return
    alive = ~broke.astype(bool)
    price, _ = numpy_price(cost, budget[alive], paid[alive], mult_f[alive])
    assert price > lam
    assert lam + (cost - given_) / slope <= price * (1 + 1e-12)


def test_the_compiled_price_ends_where_floats_contradict_the_exact_money() -> None:
    """Where the exact money covers the cost but the float budgets fall short of it by more
    than the price's margin, nobody seems able to pay a full share at any price: the
    richest pay, once, and the exact settling decides (the numpy pass looped forever)."""
    ballots, budgets = np.arange(2, dtype=np.int64), np.ones(2)
    cost = 2 * (1 + 1e-11)
    found, _, live, poor_count, lam, _ = kernels.price(
        ballots, np.ones(2), np.zeros(0), False, budgets, np.zeros(2, bool), False, cost, False
    )
    assert (found, list(live), poor_count, lam) == (kernels.SOME_PAY_ALL, [0, 1], 0, cost / 2)


def numpy_loser_bound(
    rho: float,
    slope: float,
    cost: float,
    budgets: np.ndarray,
    weight: np.ndarray,
    mult: np.ndarray,
    beta: np.ndarray,
    strict: bool,
) -> float:
    """A loser's bound read over every supporter, in plain numpy (see ``_loser_bounds``)."""
    caps = rho * weight
    money = float((mult * np.minimum(budgets, caps)).sum())
    short = budgets < caps * (1 + TOLERANCE)
    growth = float(np.where(short, mult * beta, mult * slope * weight).sum())
    room = cost - money - TOLERANCE * (cost + money)
    if strict and room <= 0:
        return 0.0
    return max(0.0, room) / (growth * (1 + TOLERANCE)) if growth > 0 else math.inf


@SETTINGS
@given(
    st.lists(st.integers(1, 400), min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
    st.floats(0.001, 10),
    st.booleans(),
)
def test_losers_proven_far_early_are_far(
    sizes: list[int], seed: int, enough: float, strict: bool
) -> None:
    """``loser_bounds`` stops reading a loser's supporters once those read prove its bound
    at least ``enough``: every bound it gives is the one read over all of them, or ``inf``
    where that one is at least ``enough``."""
    rng = np.random.default_rng(seed)
    ballots_count = 500
    budget_f = rng.choice([0.0, 0.5, 1.0, 2.0, 4.0], ballots_count) * rng.random(ballots_count)
    beta = 1 + 3 * rng.random(ballots_count) * (rng.random(ballots_count) < 0.3)
    ballots = np.concatenate([rng.choice(ballots_count, n, replace=False) for n in sizes])
    counts = np.array(sizes, dtype=np.int64)
    ends = np.cumsum(counts)
    starts = ends - counts
    weight = rng.integers(1, 4, len(ballots)).astype(np.float64)
    mult = rng.integers(1, 5, len(ballots)).astype(np.float64)
    rho, slope = 0.5 + rng.random(), -rng.random()
    shares = np.array([(weight * mult)[a:b].sum() for a, b in zip(starts, ends, strict=True)])
    votes = np.array([mult[a:b].sum() for a, b in zip(starts, ends, strict=True)])
    held = np.array(
        [(mult * budget_f[ballots])[a:b].sum() for a, b in zip(starts, ends, strict=True)]
    )
    # Costs from far beyond the supporters' reach to within it.
    costs = rho * shares * rng.choice([0.3, 0.6, 0.9, 1.0, 1.2], len(sizes))
    near = np.arange(len(sizes), dtype=np.int64)
    found = kernels.loser_bounds(
        near, starts, ends, ballots, weight, mult, costs, budget_f, beta, rho, slope,
        strict, enough, shares, votes, float(beta.max()), held,
    )  # fmt: skip
    for k, (a, b) in enumerate(zip(starts, ends, strict=True)):
        full = numpy_loser_bound(
            rho,
            slope,
            costs[k],
            budget_f[ballots[a:b]],
            weight[a:b],
            mult[a:b],
            beta[ballots[a:b]],
            strict,
        )
        if found[k] == math.inf and full != math.inf:
            assert full >= enough
        else:
            assert math.isclose(found[k], full, rel_tol=1e-9, abs_tol=1e-12)
