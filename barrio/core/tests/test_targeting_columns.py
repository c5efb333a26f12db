"""The columnar targeting gives the decisions the unit-by-unit algorithm gave, on random input."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.targeting import Quota, TargetingRule, TargetingRun, TargetingUnit, run_targeting
from barrio.core.tests.targeting_before import run_targeting_before

STRATA = ("very_low", "low", "medium", "high", "very_high")


def _random_units(rng: np.random.Generator, n: int) -> list[TargetingUnit]:
    """Units with tied and missing values, missing strata, populations, parents and groups."""
    values = rng.integers(0, max(2, n // 3), size=n).astype(float)  # many ties
    values[rng.random(n) < 0.1] = math.nan
    units = []
    for i in rng.permutation(n).tolist():
        units.append(
            TargetingUnit(
                f"u{i:05d}",
                float(values[i]),
                None if rng.random() < 0.05 else STRATA[int(rng.integers(0, 5))],
                None if rng.random() < 0.1 else int(rng.integers(0, 10_000)),
                None if rng.random() < 0.05 else f"P{int(rng.integers(0, 4))}",
                None if rng.random() < 0.05 else f"G{int(rng.integers(0, 6))}",
                int(rng.integers(0, 1_000)),
            )
        )
    return units


def _random_rule(rng: np.random.Generator, n: int) -> TargetingRule:
    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.5 else None

    strata = frozenset(s for s in STRATA if rng.random() < 0.6)
    quotas = tuple(
        Quota(f"G{g}", at_least=int(rng.integers(0, 2)), at_most=maybe(int(rng.integers(1, 9))))
        for g in range(6)
        if rng.random() < 0.4
    ) + ((Quota("", at_most=int(rng.integers(0, 3))),) if rng.random() < 0.3 else ())
    lot = rng.random() < 0.5
    return TargetingRule(
        direction="higher_first" if rng.random() < 0.5 else "lower_first",
        strata=maybe(strata),
        min_population=maybe(int(rng.integers(0, 3_000))),
        max_population=maybe(int(rng.integers(5_000, 10_000))),
        parents=maybe(frozenset({"P0", "P1", "P2"})),
        quotas=quotas,
        max_units=maybe(int(rng.integers(0, max(1, n // 4)))),
        budget_cents=maybe(int(rng.integers(0, 200 * n + 1))),
        tie_break="lot" if lot else "code",
        seed=int(rng.integers(0, 1_000)) if lot else None,
    )


def _outcome(units: list[TargetingUnit], rule: TargetingRule, run: Any) -> Any:
    try:
        result: TargetingRun = run(units, rule)
    except ValueError as error:
        return ("ValueError", str(error))
    decisions = [(d.code, d.selected, d.rank, d.reason, dict(d.params)) for d in result.decisions]
    return (
        decisions,
        result.selected,
        result.eligible,
        result.total_cost_cents,
        result.fingerprint,
    )


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 60))
def test_columns_decide_as_the_unit_by_unit_algorithm(seed: int, n: int) -> None:
    """Same decisions, parameters, selection, totals, fingerprint, or the same error."""
    rng = np.random.default_rng(seed)
    units = _random_units(rng, n)
    rule = _random_rule(rng, n)
    assert _outcome(units, rule, run_targeting) == _outcome(units, rule, run_targeting_before)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_columns_decide_as_before_over_thousands_of_units(seed: int) -> None:
    """A seeded run over 5,000 units with quotas, a count limit and filters."""
    rng = np.random.default_rng(seed)
    units = _random_units(rng, 5_000)
    rule = TargetingRule(
        strata=frozenset({"high", "very_high"}),
        min_population=500,
        quotas=tuple(Quota(f"G{g}", at_least=1, at_most=40) for g in range(6)),
        max_units=100,
        budget_cents=60_000 if seed == 2 else None,
        tie_break="lot" if seed == 3 else "code",
        seed=seed,
    )
    new = _outcome(units, rule, run_targeting)
    assert new[0] != "ValueError"
    assert new == _outcome(units, rule, run_targeting_before)
