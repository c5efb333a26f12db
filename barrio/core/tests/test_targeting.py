"""Tests of barrio.core.targeting: eligibility, ranking, quotas, limits, reasons, comparison."""

from __future__ import annotations

import csv
import itertools
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.classification import classify
from barrio.core.indices import Group, IndexSpec, Indicator, compute_index
from barrio.core.targeting import (
    Quota,
    TargetingRule,
    TargetingUnit,
    compare_runs,
    run_targeting,
)


def _units() -> list[TargetingUnit]:
    return [
        TargetingUnit("n1", 95, "very_high", 5_000, "M1", "north", 300),
        TargetingUnit("n2", 90, "very_high", 8_000, "M1", "north", 300),
        TargetingUnit("n3", 85, "high", 1_000, "M1", "north", 300),
        TargetingUnit("s1", 70, "high", 6_000, "M2", "south", 500),
        TargetingUnit("s2", 60, "medium", 6_000, "M2", "south", 100),
        TargetingUnit("x1", 99, "very_high", 9_000, "M9", "north", 100),
        TargetingUnit("z1", math.nan, None, 4_000, "M1", "north", 100),
    ]


def test_every_reason_code_with_its_parameters() -> None:
    """One run shows each reason: filters, quota maximum, budget, count limit and selection."""
    rule = TargetingRule(
        strata=frozenset({"very_high", "high"}),
        min_population=2_000,
        parents=frozenset({"M1", "M2"}),
        quotas=(Quota("north", at_most=1),),
        budget_cents=700,
    )
    run = run_targeting(_units(), rule)
    got = {d.code: d.explanation for d in run.decisions}
    assert got["n1"] == (
        "selected",
        {"rank": 1, "of": 3, "stratum": "very_high", "group": "north", "phase": "rank"},
    )
    assert got["n2"] == ("excluded_quota_max", {"group": "north", "quota": 1})
    assert got["n3"] == ("not_eligible_population_min", {"population": 1_000, "minimum": 2_000})
    assert got["s1"] == ("over_budget", {"cost": 500, "remaining": 400})
    assert got["s2"][0] == "not_eligible_stratum"
    assert got["x1"] == ("not_eligible_parent", {"parent": "M9"})
    assert got["z1"] == ("not_eligible_no_value", {})
    assert run.selected == ("n1",)
    assert run.total_cost_cents == 300
    assert [d.rank for d in run.decisions] == [1, 2, None, 3, None, None, None]


def test_minimums_first_then_by_rank() -> None:
    """A south minimum of 2 takes s1 and s2 before the better-ranked north units fill up."""
    rule = TargetingRule(quotas=(Quota("south", at_least=2),), max_units=4)
    run = run_targeting(_units(), rule)
    assert run.selected == ("x1", "n1", "s1", "s2")
    assert run.decision("s2").params["phase"] == "minimum_quota"
    assert run.decision("n2").explanation == ("over_count_limit", {"limit": 4})


def test_lower_first_and_seeded_lot_tie_break() -> None:
    """lower_first ranks the lowest value first; ties follow a seeded lot, else the code."""
    units = [TargetingUnit(c, 1.0) for c in "abcdef"]
    by_code = run_targeting(units, TargetingRule(direction="lower_first", max_units=2))
    assert by_code.selected == ("a", "b")
    lots = {
        run_targeting(units, TargetingRule(max_units=2, tie_break="lot", seed=s)).selected
        for s in range(8)
    }
    assert len(lots) > 1
    again = run_targeting(units[::-1], TargetingRule(max_units=2, tie_break="lot", seed=3))
    assert (
        again.selected
        == run_targeting(units, TargetingRule(max_units=2, tie_break="lot", seed=3)).selected
    )


def test_numpy_columns_are_accepted_and_reported_as_int() -> None:
    """Values, populations and costs straight from numpy arrays work; reasons hold ints."""
    vals = np.array([3.0, 2.0, 1.0])
    pops = np.array([5, 1, 9], dtype=np.int64)
    costs = np.array([7, 2, 9], dtype=np.int64)
    units = [
        TargetingUnit(c, v, population=p, cost_cents=k)
        for c, v, p, k in zip("abc", vals, pops, costs, strict=True)
    ]
    run = run_targeting(units, TargetingRule(budget_cents=10, min_population=2))
    assert run.selected == ("a",)
    assert type(run.total_cost_cents) is int
    assert run.decision("b").params == {"population": 1, "minimum": 2}
    assert type(run.decision("b").params["population"]) is int
    assert run.decision("c").params == {"cost": 9, "remaining": 3}
    assert type(run.decision("c").params["cost"]) is int
    with pytest.raises(ValueError, match="population of 'x' must be an integer"):
        run_targeting([TargetingUnit("x", 1.0, population=2.5)], TargetingRule())  # type: ignore[arg-type]


def test_non_numeric_values_and_costs_are_refused() -> None:
    """A value that is not a number, or a cost that is not whole cents, raises ValueError."""
    with pytest.raises(ValueError, match="value of 'a' must be a number"):
        run_targeting([TargetingUnit("a", "high")], TargetingRule())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cost_cents of 'a'"):
        run_targeting([TargetingUnit("a", 1.0, cost_cents=2.5)], TargetingRule())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (TargetingRule(quotas=(Quota("south", at_least=3),)), "group 'south'.*only 2 eligible"),
        (TargetingRule(quotas=(Quota("north", at_least=2, at_most=1),)), "group 'north'"),
        (
            TargetingRule(quotas=(Quota("south", 1), Quota("north", 2)), max_units=2),
            "minimums add up to 3",
        ),
        (
            TargetingRule(quotas=(Quota("south", 2),), budget_cents=550),
            r"groups \['south'\] cost 600",
        ),
        (TargetingRule(quotas=(Quota("east", 1),)), "group 'east'"),
        (TargetingRule(quotas=(Quota("s", 1), Quota("s", 2))), "two quotas"),
        (TargetingRule(tie_break="lot"), "seed"),
        (TargetingRule(max_units=-1), "max_units"),
    ],
)
def test_infeasible_or_bad_rules_raise_naming_it(rule: TargetingRule, message: str) -> None:
    """Infeasible quotas and malformed rules raise ValueError naming the group or field."""
    with pytest.raises(ValueError, match=message):
        run_targeting(_units(), rule)


def test_compare_runs_lists_both_and_only() -> None:
    """Two runs side by side: shared units, and those only in one, with both ranks."""
    a = run_targeting(_units(), TargetingRule(max_units=3))
    b = run_targeting(_units(), TargetingRule(max_units=3, quotas=(Quota("south", 1),)))
    cmp = compare_runs(a, b)
    assert cmp.in_both == (("x1", 1, 1), ("n1", 2, 2))
    assert cmp.only_a == (("n2", 3, 3),)
    assert cmp.only_b == (("s1", 5, 5),)


groups = st.sampled_from(["g1", "g2", "g3", "g4"])
unit_lists = st.lists(
    st.tuples(st.integers(0, 20), groups, st.integers(0, 500)), min_size=1, max_size=40
)
quota_maps = st.dictionaries(
    groups, st.tuples(st.integers(0, 6), st.one_of(st.none(), st.integers(0, 8))), max_size=4
)


@settings(max_examples=300, deadline=None)
@given(
    raw=unit_lists,
    quotas=quota_maps,
    max_units=st.one_of(st.none(), st.integers(0, 30)),
    budget=st.one_of(st.none(), st.integers(0, 8_000)),
    seed=st.integers(0, 1000),
)
def test_quotas_and_limits_are_respected_or_infeasibility_named(
    raw: list[tuple[int, str, int]],
    quotas: dict[str, tuple[int, int | None]],
    max_units: int | None,
    budget: int | None,
    seed: int,
) -> None:
    """Either every quota, the count and the budget hold, or ValueError names what fails."""
    units = [
        TargetingUnit(f"u{i:02d}", float(v), group=g, cost_cents=c)
        for i, (v, g, c) in enumerate(raw)
    ]
    qs = tuple(Quota(g, lo, hi) for g, (lo, hi) in sorted(quotas.items()))
    rule = TargetingRule(
        quotas=qs, max_units=max_units, budget_cents=budget, tie_break="lot", seed=seed
    )
    # Independent feasibility oracle for the group counts and the count limit.
    # The rule checks every quota's own bounds first, then the eligible units of each group.
    problem = next((q.group for q in qs if q.at_most is not None and q.at_least > q.at_most), None)
    for q in qs:
        if q.at_least > sum(1 for u in units if u.group == q.group):
            problem = problem or q.group
    if problem is None and max_units is not None and sum(q.at_least for q in qs) > max_units:
        problem = "minimums add up"
    if problem is not None:
        with pytest.raises(ValueError, match=problem):
            run_targeting(units, rule)
        return
    if budget is not None:
        # The minimums are the best-ranked units of each group (the same seeded ranking
        # without a budget shows them): unaffordable exactly when they cost more.
        free = run_targeting(units, TargetingRule(quotas=qs, tie_break="lot", seed=seed))
        minimum_cost = sum(
            u.cost_cents
            for u in units
            if free.decision(u.code).params.get("phase") == "minimum_quota"
        )
        if minimum_cost > budget:
            with pytest.raises(ValueError, match=f"cost {minimum_cost} cents"):
                run_targeting(units, rule)
            return
    run = run_targeting(units, rule)
    chosen = set(run.selected)
    for q in qs:
        k = sum(1 for u in units if u.group == q.group and u.code in chosen)
        assert k >= q.at_least
        assert q.at_most is None or k <= q.at_most
    if max_units is not None:
        assert len(chosen) <= max_units
    if budget is not None:
        assert run.total_cost_cents <= budget
    assert run.total_cost_cents == sum(u.cost_cents for u in units if u.code in chosen)
    # Ranks are a permutation of 1..eligible and follow the values.
    ranks = sorted(d.rank for d in run.decisions if d.rank is not None)
    assert ranks == list(range(1, len(units) + 1))
    by_rank = sorted(units, key=lambda u: run.decision(u.code).rank or 0)
    assert all(a.value >= b.value for a, b in itertools.pairwise(by_rank))
    # Input order never matters.
    shuffled = units[:]
    random.Random(seed).shuffle(shuffled)
    assert run_targeting(shuffled, rule).selected == run.selected


def _peru_units(path: Path) -> list[TargetingUnit]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    def num(r: dict[str, str], k: str) -> float:
        try:
            return float(r[k])
        except ValueError:  # "", "NA" and "S.I." (sin información) are missing values
            return math.nan

    spec = IndexSpec(
        "poverty",
        Group(
            "poverty",
            (
                Indicator("pobreza", "higher_is_worse"),
                Indicator("idh", "higher_is_better"),
            ),
        ),
        orientation="higher_is_worse",
    )
    codes = [r["inei"] for r in rows]
    vals = {
        "pobreza": [num(r, "pct_pobreza_total") for r in rows],
        "idh": [num(r, "idh_2019") for r in rows],
    }
    index = compute_index(spec, codes, vals)
    strata = classify(index.scores, "quantiles", 5).label_of()
    pop = [num(r, "pob_densidad_2020") * num(r, "superficie") for r in rows]
    return [
        TargetingUnit(
            r["inei"],
            float(s),
            st_,
            None if math.isnan(p) else int(p),
            r["provincia"],
            r["departamento"],
            1_000_000,
        )
        for r, s, st_, p in zip(rows, index.scores, strata, pop, strict=True)
    ]


def test_peru_districts_targeting_with_regional_quotas(shared_territories: Path) -> None:
    """The 1,893 districts: 200 of the poorest, at least 3 and at most 15 per department."""
    units = _peru_units(shared_territories / "peru_distritos" / "ubigeo_distrito_indicadores.csv")
    departments = sorted({u.group for u in units if u.group})
    assert len(departments) == 25
    strata = frozenset({"very_high", "high"})
    everywhere = TargetingRule(
        strata=strata,
        min_population=1_000,
        quotas=tuple(Quota(d, at_least=3) for d in departments),
    )
    # Callao's districts are all urban and better off: a minimum there cannot be met.
    with pytest.raises(ValueError, match="group 'CALLAO': at least 3 but only 0 eligible"):
        run_targeting(units, everywhere)
    eligible = dict.fromkeys(departments, 0)
    for u in units:
        if u.stratum in strata and (u.population or 0) >= 1_000 and u.group:
            eligible[u.group] += 1
    feasible = [d for d in departments if eligible[d] >= 3]
    assert len(feasible) == 19
    rule = TargetingRule(
        strata=strata,
        min_population=1_000,
        quotas=tuple(Quota(d, at_least=3, at_most=15) for d in feasible),
        max_units=200,
        budget_cents=180_000_000,
    )
    run = run_targeting(units, rule)
    assert len(run.selected) == 180  # the budget binds before the count
    group_of = {u.code: u.group for u in units}
    per_dep = dict.fromkeys(feasible, 0)
    for code in run.selected:
        per_dep[group_of[code] or ""] += 1
    assert min(per_dep.values()) >= 3
    assert max(per_dep.values()) <= 15
    reasons = {d.reason for d in run.decisions}
    assert {"selected", "excluded_quota_max", "not_eligible_stratum", "over_budget"} <= reasons
    first = run.decision(run.selected[0])
    assert first.params["rank"] == 1
    assert first.params["stratum"] == "very_high"


def test_lima_callao_slice_plain_sort_reference(lima_callao: list[dict[str, Any]]) -> None:
    """Without quotas the selection is the plain numpy top-k of the index."""
    props = [f["properties"] for f in lima_callao]
    units = [
        TargetingUnit(p["ubigeo"], p["pct_pobreza_total"], group=p["provincia"]) for p in props
    ]
    run = run_targeting(units, TargetingRule(max_units=10))
    vals = np.array([p["pct_pobreza_total"] for p in props])
    ref = [props[i]["ubigeo"] for i in np.argsort(-vals, kind="stable")[:10]]
    assert set(run.selected) == set(ref)
