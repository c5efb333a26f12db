"""Tests of barrio.core.apportionment: exact cents, floors, largest remainder, explanations."""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.apportionment import Component, apportion

SLICES = Path(__file__).resolve().parent / "data" / "territories"
HALF = Fraction(1, 2)


def test_largest_remainder_gives_leftover_cents_to_largest_fractions() -> None:
    """7 cents by weights 1:1:1:4 -> quotas 1, 1, 1, 4 exactly; 10 cents -> 1.43.. x3, 5.71."""
    comp = Component("w", Fraction(1), {"a": 1, "b": 1, "c": 1, "d": 4})
    assert apportion(7, ["a", "b", "c", "d"], [comp]).by_code() == {
        "a": 1,
        "b": 1,
        "c": 1,
        "d": 4,
    }
    # Quotas 10/7 = 1.428 (x3) and 40/7 = 5.714: floors 1,1,1,5 = 8; the 2 cents left go to
    # the largest remainders, d (.714) then a (.428, first code among equals).
    result = apportion(10, ["a", "b", "c", "d"], [comp])
    assert result.by_code() == {"a": 2, "b": 1, "c": 1, "d": 6}
    assert [u.remainder_cent for u in result.units] == [True, False, False, True]


def test_half_population_half_need_worked_example() -> None:
    """The Mexico City formula: 50 % by population, 50 % by need, explained per unit."""
    pop = Component("population", HALF, {"a": 1000, "b": 3000})
    need = Component("need", HALF, {"a": 3, "b": 1})
    result = apportion(1_000_000, ["a", "b"], [pop, need])
    assert result.by_code() == {"a": 500_000, "b": 500_000}
    a = result.units[0]
    assert [(p.name, p.proportion, p.quota) for p in a.parts] == [
        ("population", Fraction(1, 4), Fraction(125_000)),
        ("need", Fraction(3, 4), Fraction(375_000)),
    ]
    assert not a.floor_applied
    assert not a.remainder_cent


def test_floor_is_a_minimum_and_the_rest_is_reapportioned() -> None:
    """Units below the floor get it; the others share what is left by the same formula."""
    comp = Component("population", Fraction(1), {"a": 1, "b": 9, "c": 90})
    result = apportion(10_000, ["a", "b", "c"], [comp], floor_cents=1_000)
    assert result.by_code() == {"a": 1_000, "b": 1_000, "c": 8_000}
    assert [u.floor_applied for u in result.units] == [True, True, False]
    assert result.units[0].formula_quota == Fraction(100)
    assert result.rounds == 2


def test_cascading_floor_needs_several_rounds() -> None:
    """Fixing one unit at the floor can push another below it: rounds repeat until stable."""
    comp = Component("w", Fraction(1), {"a": 1, "b": 40, "c": 59})
    result = apportion(1_000, ["a", "b", "c"], [comp], floor_cents=300)
    # Round 1: a = 10 < 300, b = 400. Round 2: pot 700 -> b = 700*40/99 = 282.8 < 300.
    # Round 3: c takes the remaining 400.
    assert result.by_code() == {"a": 300, "b": 300, "c": 400}
    assert result.rounds == 3


def test_fingerprint_proves_the_formula_and_values() -> None:
    """The same formula and values give the same fingerprint; any change gives another."""
    comp = Component("w", Fraction(1), {"a": Fraction(1, 3), "b": 2})
    base = apportion(1_000, ["a", "b"], [comp]).fingerprint
    assert base == apportion(1_000, ["b", "a"], [comp]).fingerprint
    assert base != apportion(1_001, ["a", "b"], [comp]).fingerprint
    assert base != apportion(1_000, ["a", "b"], [comp], floor_cents=1).fingerprint
    other = Component("w", Fraction(1), {"a": Fraction(1, 3) + Fraction(1, 10**12), "b": 2})
    assert base != apportion(1_000, ["a", "b"], [other]).fingerprint


def test_numpy_and_decimal_numbers_are_exact() -> None:
    """Populations read by pandas (int64), decimal scores and numpy totals all work exactly."""
    pop = Component("population", HALF, {"a": np.int64(1), "b": np.int64(3)})
    need = Component("need", HALF, {"a": Decimal("0.75"), "b": Decimal("0.25")})
    result = apportion(np.int64(1_000), ["a", "b"], [pop, need], floor_cents=np.int64(0))
    assert result.by_code() == {"a": 500, "b": 500}
    assert type(result.total_cents) is int
    assert result.units[0].parts[1].proportion == Fraction(3, 4)


def test_floors_exceeding_total_raise() -> None:
    """Three floors of 400 cannot fit in 1,000 cents; the message says so."""
    comp = Component("w", Fraction(1), {"a": 1, "b": 1, "c": 1})
    with pytest.raises(ValueError, match="floors exceed the total"):
        apportion(1_000, ["a", "b", "c"], [comp], floor_cents=400)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total_cents": -1}, "total_cents"),
        ({"total_cents": 10.5}, "total_cents"),
        ({"codes": ["a", "a"]}, "duplicate unit codes"),
        ({"components": [Component("w", HALF, {"a": 1})]}, "sum to 1"),
        ({"components": [Component("w", Fraction(1), {"a": -1})]}, "negative"),
        ({"components": [Component("w", Fraction(1), {"zz": 1})]}, "unknown units"),
        ({"components": [Component("w", Fraction(1), {"a": 0})]}, "all values are 0"),
        ({"components": [Component("w", Fraction(1), {"a": float("nan")})]}, "finite"),
        ({"tie_break": "lot"}, "seed"),
        ({"tie_break": "alphabet"}, "unknown tie_break"),
    ],
)
def test_bad_input_raises_value_error_naming_it(kwargs: dict[str, object], message: str) -> None:
    """Every malformed argument is refused with a message that names it."""
    args: dict[str, object] = {
        "total_cents": 100,
        "codes": ["a", "b"],
        "components": [Component("w", Fraction(1), {"a": 1, "b": 1})],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        apportion(**args)  # type: ignore[arg-type]


def test_lot_tie_break_is_seeded() -> None:
    """Equal remainders go by a seeded lot: same seed same result, and the lot is used."""
    comp = Component("w", Fraction(1), dict.fromkeys("abcdefgh", 1))
    codes = list("abcdefgh")
    winners = {
        seed: tuple(
            u.code for u in apportion(3, codes, [comp], tie_break="lot", seed=seed).units if u.cents
        )
        for seed in range(6)
    }
    assert winners[0] == tuple(
        u.code for u in apportion(3, codes, [comp], tie_break="lot", seed=0).units if u.cents
    )
    assert len(set(winners.values())) > 1


weights = st.dictionaries(
    st.text("abcdefghij", min_size=1, max_size=3),
    st.tuples(st.integers(0, 10_000), st.integers(0, 100)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(
    data=weights,
    total=st.integers(0, 10**9),
    share=st.fractions(0, 1, max_denominator=100),
    floor_share=st.fractions(0, 1, max_denominator=10),
)
def test_parts_sum_exactly_and_respect_floor_and_quota(
    data: dict[str, tuple[int, int]], total: int, share: Fraction, floor_share: Fraction
) -> None:
    """Parts always add up to the total, none is below the floor or a cent away from its quota."""
    codes = sorted(data)
    pops = {c: v[0] for c, v in data.items()}
    needs = {c: v[1] for c, v in data.items()}
    if sum(pops.values()) == 0:
        pops[codes[0]] = 1
    if sum(needs.values()) == 0:
        needs[codes[-1]] = 1
    floor = int(floor_share * total / len(codes))
    comps = [Component("population", share, pops), Component("need", 1 - share, needs)]
    result = apportion(total, codes, comps, floor_cents=floor)
    assert sum(u.cents for u in result.units) == total
    for u in result.units:
        assert u.cents >= floor
        assert abs(u.cents - u.exact) < 1
        assert u.cents - u.exact == (
            1 - (u.exact - int(u.exact)) if u.remainder_cent else -(u.exact - int(u.exact))
        )


@settings(max_examples=60, deadline=None)
@given(data=weights, total=st.integers(0, 10**7), seed=st.integers(0, 2**32 - 1))
def test_input_order_does_not_change_amounts(
    data: dict[str, tuple[int, int]], total: int, seed: int
) -> None:
    """Shuffling the units changes the order of the result, never the amounts."""
    codes = sorted(data)
    pops = {c: v[0] + 1 for c, v in data.items()}
    comp = [Component("population", Fraction(1), pops)]
    shuffled = codes[:]
    random.Random(seed).shuffle(shuffled)
    for tie in ("code", "lot"):
        a = apportion(total, codes, comp, tie_break=tie, seed=seed)  # type: ignore[arg-type]
        b = apportion(total, shuffled, comp, tie_break=tie, seed=seed)  # type: ignore[arg-type]
        assert a.by_code() == b.by_code()
        assert a.fingerprint == b.fingerprint


def _pp_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_pp2018_slice_half_population_half_equal_with_floor() -> None:
    """Tláhuac's 2018 amount split 50 % by population, 50 % equally, floor 1 %: exact."""
    rows = [
        r
        for r in _pp_rows(SLICES / "pp2018_colonias_tlahuac_milpa_alta.csv")
        if r["alcaldia"] == "TLAHUAC" and r["pob_2010"]
    ]
    assert len(rows) >= 50
    codes = [r["cve_col"] for r in rows]
    per_unit = int(Fraction(rows[0]["aprobado_mxn"]) * 100)
    total = per_unit * len(rows)
    comps = [
        Component("population", HALF, {r["cve_col"]: int(r["pob_2010"]) for r in rows}),
        Component("equal", HALF, dict.fromkeys(codes, 1)),
    ]
    result = apportion(total, codes, comps, floor_cents=total // 100)
    assert sum(u.cents for u in result.units) == total
    biggest = max(rows, key=lambda r: int(r["pob_2010"]))["cve_col"]
    assert max(result.units, key=lambda u: u.cents).code == biggest
    assert min(u.cents for u in result.units) >= total // 100


def test_whole_city_catalogue_of_colonias(shared_territories: Path) -> None:
    """All 1,816 IECM colonias (Census 2010 population): a city budget splits exactly."""
    rows = _pp_rows(
        shared_territories / "cdmx_presupuesto_participativo" / "colonias_iecm_pob2010.csv"
    )
    assert len(rows) == 1816
    pops = {r["cve_col"]: int(float(r["pob_2010"] or 0)) for r in rows}
    codes = list(pops)
    total = 123_456_789_01
    comps = [Component("population", HALF, pops), Component("equal", HALF, dict.fromkeys(codes, 1))]
    result = apportion(total, codes, comps, floor_cents=4_000_000)
    assert sum(u.cents for u in result.units) == total
    assert sum(u.remainder_cent for u in result.units) < len(codes)
    assert any(u.floor_applied for u in result.units)
