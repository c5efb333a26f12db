"""Eligibility rules over household frames: worked examples and properties."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barrio.core.cash.eligibility import (
    Condition,
    EligibilityRule,
    Quota,
    ScoreTerm,
    evaluate,
    frame_fingerprint,
    rule_from_dict,
)

STATUSES = ["host", "migrant", "refugee"]


def test_filters_say_which_condition_failed_first():
    """A household out of a filter is out because of the first condition it fails."""
    rule = EligibilityRule(
        conditions=(Condition("size", "gte", 2), Condition("status", "in", ("host", "refugee")))
    )
    frame = {"size": [1, 3, 3, 1], "status": ["migrant", "migrant", "host", "host"]}
    result = evaluate(rule, [1, 2, 3, 4], frame)
    assert result.eligible.tolist() == [False, False, True, False]
    assert result.failed.tolist() == [0, 1, -1, 0]


def test_a_missing_value_fails_the_condition_and_says_so():
    rule = EligibilityRule(conditions=(Condition("months", "lte", 24),))
    result = evaluate(rule, [1, 2], {"months": [np.nan, 3.0]})
    assert result.reason.tolist() == ["missing_value", "rank"]


def test_quota_reserves_seats_for_the_group():
    """At least half hosts in a list of 4: the two best hosts are in, before better others."""
    rule = EligibilityRule(
        scorecard=(ScoreTerm("need", Fraction(1)),),
        quotas=(Quota("status", "host", Fraction(1, 2)),),
        max_count=4,
    )
    frame = {
        "need": [9, 8, 7, 6, 5, 1, 2, 3],
        "status": ["migrant"] * 5 + ["host"] * 3,
    }
    result = evaluate(rule, list(range(1, 9)), frame)
    assert np.flatnonzero(result.selected).tolist() == [0, 1, 6, 7]
    assert result.quotas[0].required == 2
    assert result.quotas[0].met


def test_a_quota_that_cannot_be_met_is_reported():
    rule = EligibilityRule(quotas=(Quota("status", "host", Fraction(1, 2)),), max_count=4)
    frame = {"status": ["migrant"] * 5 + ["host"]}
    result = evaluate(rule, list(range(6)), frame)
    outcome = result.quotas[0]
    assert (outcome.required, outcome.selected, outcome.eligible) == (2, 1, 1)
    assert not outcome.met
    assert result.selected_count == 4


def test_a_rule_naming_an_unknown_field_is_refused():
    with pytest.raises(ValueError, match="'age'"):
        evaluate(EligibilityRule(conditions=(Condition("age", "gt", 3),)), [1], {"size": [1]})


def test_order_comparisons_need_numbers():
    with pytest.raises(ValueError, match="needs a number"):
        Condition("size", "gt", "three")
    with pytest.raises(ValueError, match="more than 100 %"):
        EligibilityRule(quotas=(Quota("a", 1, Fraction(3, 4)), Quota("b", 1, Fraction(1, 2))))


def test_rule_from_dict_names_the_bad_part():
    with pytest.raises(ValueError, match="quota 1"):
        rule_from_dict({"quotas": [{"field": "status", "value": "host", "share": "abc"}]})
    with pytest.raises(ValueError, match="max_count"):
        rule_from_dict({"max_count": "ten"})


households = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.fixed_dictionaries(
        {
            "size": st.lists(st.integers(1, 8), min_size=n, max_size=n),
            "need": st.lists(st.integers(0, 5), min_size=n, max_size=n),
            "status": st.lists(st.sampled_from(STATUSES), min_size=n, max_size=n),
        }
    )
)
rules = st.builds(
    lambda size, share, max_count: EligibilityRule(
        conditions=(Condition("size", "gte", size),),
        scorecard=(ScoreTerm("need", Fraction(2)), ScoreTerm("status", Fraction(1), "refugee")),
        quotas=(Quota("status", "host", share),),
        max_count=max_count,
    ),
    st.integers(1, 4),
    st.fractions(min_value=Fraction(1, 10), max_value=1),
    st.one_of(st.none(), st.integers(0, 30)),
)


@settings(max_examples=150, deadline=None)
@given(households, rules, st.randoms(use_true_random=False))
def test_order_of_households_does_not_change_the_list(frame, rule, rng):
    n = len(frame["size"])
    keys = list(range(100, 100 + n))
    perm = list(range(n))
    rng.shuffle(perm)
    shuffled = {k: [v[i] for i in perm] for k, v in frame.items()}
    a = evaluate(rule, keys, frame)
    b = evaluate(rule, [keys[i] for i in perm], shuffled)
    chosen_a = {k for k, s in zip(keys, a.selected.tolist(), strict=True) if s}
    chosen_b = {k for k, s in zip(b.keys.tolist(), b.selected.tolist(), strict=True) if s}
    assert chosen_a == chosen_b
    assert frame_fingerprint(rule, {}, keys, frame) == frame_fingerprint(
        rule, {}, [keys[i] for i in perm], shuffled
    )


@settings(max_examples=150, deadline=None)
@given(households, rules)
def test_quotas_are_met_or_explained_and_the_maximum_holds(frame, rule):
    n = len(frame["size"])
    result = evaluate(rule, list(range(n)), frame)
    assert result.selected_count <= (rule.max_count if rule.max_count is not None else n)
    assert not (result.selected & ~result.eligible).any()
    for outcome in result.quotas:
        hosts = np.asarray(frame["status"]) == "host"
        if rule.max_count is not None:
            assert outcome.required == math.ceil(outcome.quota.share * result.seats)
            # Met, or every eligible household of the group is in (the shortfall explained).
            assert outcome.met or outcome.selected == outcome.eligible
        assert outcome.selected == int((result.selected & hosts).sum())
    # With a maximum, exactly min(maximum, eligible) households are in.
    if rule.max_count is not None:
        assert result.selected_count == min(rule.max_count, result.eligible_count)
