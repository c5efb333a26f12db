"""Reconciliation of provider results: every row checked, sums to the cent, seeded samples."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.cash.reconciliation import (
    Expected,
    check_results,
    sample_for_verification,
    totals,
)

SENT = {
    "P1-H1": Expected(25_000, "PEN", True),
    "P1-H2": Expected(30_000, "PEN", True),
    "P1-H3": Expected(20_000, "PEN", False),
    "P1-H4": Expected(20_000, "PEN", True, 20_000, dt.date(2026, 5, 2)),
}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"reference": "P1-H9", "delivered_amount": "1"}, ("reference", "unknown_payment")),
        ({"reference": "P1-H3", "delivered_amount": "1"}, ("reference", "not_sent")),
        (
            {"reference": "P1-H1", "delivered_amount": "250.001"},
            ("delivered_amount", "amount_format"),
        ),
        ({"reference": "P1-H1", "delivered_amount": "-1"}, ("delivered_amount", "amount_format")),
        (
            {"reference": "P1-H1", "delivered_amount": "250.01"},
            ("delivered_amount", "above_entitlement"),
        ),
        (
            {"reference": "P1-H1", "delivered_amount": "1", "currency": "COP"},
            ("currency", "currency_mismatch"),
        ),
        (
            {"reference": "P1-H1", "delivered_amount": "1", "delivered_on": "03/05/2026"},
            ("delivered_on", "date_format"),
        ),
        (
            {"reference": "P1-H1", "delivered_amount": "0"},
            ("failure_reason", "failure_without_reason"),
        ),
        (
            {"reference": "P1-H4", "delivered_amount": "100", "delivered_on": "2026-05-02"},
            ("reference", "already_reconciled"),
        ),
    ],
)
def test_each_bad_row_is_reported_with_its_column(row, problem):
    results, problems = check_results([row], SENT)
    assert problems == [(2, *problem)]
    assert results == []


def test_a_repeated_reference_is_reported_once_applied_never():
    rows = [{"reference": "P1-H1", "delivered_amount": "250"}] * 2
    _results, problems = check_results(rows, SENT)
    assert problems == [(3, "reference", "repeated")]


def test_the_same_result_again_changes_nothing():
    results, problems = check_results(
        [{"reference": "P1-H4", "delivered_amount": "200.00", "delivered_on": "2026-05-02"}], SENT
    )
    assert problems == []
    assert results[0].unchanged


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Lima", "Callao", "Cúcuta"]), st.integers(0, 10**9), st.floats(0, 1)
        ),
        max_size=80,
    )
)
def test_entitled_is_delivered_plus_undelivered_to_the_cent(rows):
    groups = [g for g, _e, _f in rows]
    entitled = [e for _g, e, _f in rows]
    delivered = [int(e * f) for _g, e, f in rows]
    sums = totals(groups, entitled, delivered)
    for entitled_sum, delivered_sum, undelivered in sums.values():
        assert entitled_sum == delivered_sum + undelivered
    assert sum(s[0] for s in sums.values()) == sum(entitled)
    assert sum(s[1] for s in sums.values()) == sum(delivered)


def test_totals_refuse_a_delivery_above_its_entitlement():
    with pytest.raises(ValueError, match="above"):
        totals(["a"], [100], [101])


@given(
    st.lists(st.text(min_size=1, max_size=5), max_size=30, unique=True),
    st.integers(0, 40),
    st.integers(0, 99),
)
def test_the_sample_depends_on_the_seed_not_the_order(references, size, seed):
    a = sample_for_verification(references, size, seed)
    b = sample_for_verification(list(reversed(references)), size, seed)
    assert a == b
    assert len(a) == min(size, len(references))
    assert set(a) <= set(references)
