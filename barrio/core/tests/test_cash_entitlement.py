"""Entitlement formulas: exact cents, the whitelist, and clear errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.cash.entitlement import (
    Formula,
    check_expression,
    entitlements,
    evaluate_expression,
    round_half_up,
)


@pytest.mark.parametrize(
    "text",
    [
        "open('x')",
        "members.__class__",
        "2 ** 64",
        "[1, 2]",
        "members if children else 1",
        "lambda: 1",
        "min(members)",
        "'abc'",
        "members > 1",
        "True + 1",
    ],
)
def test_anything_outside_the_whitelist_is_refused(text):
    with pytest.raises(ValueError, match="formula"):
        check_expression(text)


def test_division_by_zero_names_the_formula():
    formula = Formula("PEN", expression="100 / (members - children)")
    with pytest.raises(ValueError, match=r"'100 / \(members - children\)' divides by zero"):
        entitlements(formula, {"members": [2, 2], "children": [1, 2]})


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="EUR"):
        Formula("EUR", base_cents=1)


def test_cap_and_per_child():
    formula = Formula("COP", base_cents=20_000_00, per_child_cents=5_000_00, cap_cents=30_000_00)
    amounts = entitlements(formula, {"members": [1, 3, 6], "children": [0, 1, 4]})
    assert amounts.tolist() == [20_000_00, 25_000_00, 30_000_00]


def test_expression_is_exact():
    """A third of a sol, three times, is not 0.99 rounded thrice wrongly: each is 33 cents."""
    assert evaluate_expression("1 / 3 * 3", {}) == 1
    assert Formula("PEN", expression="1 / 3").amount({}) == 33
    assert Formula("PEN", expression="0.125").amount({}) == 13  # half up


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 8)), min_size=1, max_size=60),
    st.integers(0, 50_000),
    st.integers(0, 10_000),
)
def test_vectorised_amounts_equal_one_by_one(rows, base, per_member):
    formula = Formula(
        "USD", base_cents=base, per_member_cents=per_member, expression="min(children, 3) * 7.5"
    )
    frame = {"members": [m for m, _c in rows], "children": [c for _m, c in rows]}
    one_by_one = [formula.amount({"members": m, "children": c}) for m, c in rows]
    assert entitlements(formula, frame).tolist() == one_by_one
    assert entitlements(formula, frame).dtype == np.int64


@given(st.fractions())
def test_round_half_up_is_within_half(value):
    assert abs(round_half_up(value) - value) <= Fraction(1, 2)
