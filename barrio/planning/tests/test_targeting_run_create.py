"""Targeting runs: who may run them, what they choose, and how they explain it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.utils import translation

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.planning.models import TargetingDecision, TargetingRun
from barrio.planning.selectors import targeting_decision_rows
from barrio.planning.services import targeting_run_create
from barrio.planning.specs import TargetingSpec
from barrio.planning.tests.factories import build_plan

pytestmark = pytest.mark.django_db

SPEC = TargetingSpec(
    name="Round 1",
    level="distrito",
    indicator="need",
    period="2025",
    group_level="provincia",
    at_least_per_group=1,
    at_most_per_group=2,
    max_units=4,
)


@pytest.fixture
def plan():
    return build_plan()


@pytest.fixture(autouse=True)
def english():
    """The explanations are checked in English, with English number formats."""
    with translation.override("en"):
        yield


def selected_codes(run):
    return list(
        run.decisions.filter(selected=True).order_by("rank").values_list("unit__code", flat=True)
    )


def test_a_run_ranks_by_need_and_respects_the_quotas(plan):
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=SPEC)
    # North has the three neediest, but at most 2 per province and at least 1 in the south.
    assert selected_codes(run) == ["N1", "N2", "S1", "S2"]
    assert (run.unit_count, run.eligible_count, run.selected_count) == (8, 7, 4)
    assert run.status == TargetingRun.Status.DRAFT
    assert run.created_by == plan.team
    reasons = dict(run.decisions.values_list("unit__code", "reason"))
    assert reasons["N3"] == "excluded_quota_max"
    assert reasons["S4"] == "not_eligible_no_value"
    assert reasons["N4"] == "over_count_limit"


def test_every_unit_is_explained_in_words(plan):
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=SPEC)
    rows = {row.decision.unit.code: row.explanation for row in targeting_decision_rows(run)}
    assert rows["N1"] == "In: rank 1 of 7, chosen first for the minimum quota of North."
    assert rows["N2"] == "In: rank 2 of 7, stratum Very high."
    assert rows["N3"] == "Out: rank 3, but the quota of 2 units for North is full."
    assert rows["S4"] == "Out: it has no value of the index for this period."
    assert rows["N4"] == "Out: rank 6, after the 4 units the run chooses."


def test_the_same_inputs_give_the_same_fingerprint_and_choice(plan):
    first = targeting_run_create(actor=plan.team, programme=plan.programme, spec=SPEC)
    second = targeting_run_create(actor=plan.manager, programme=plan.programme, spec=SPEC)
    assert first.fingerprint == second.fingerprint
    assert selected_codes(first) == selected_codes(second)


def test_a_budget_limit_skips_units_that_do_not_fit(plan):
    spec = replace(
        SPEC,
        max_units=None,
        at_least_per_group=0,
        budget_cents=250_000,
        cost_per_unit_cents=100_000,
    )
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=spec)
    assert selected_codes(run) == ["N1", "N2"]
    assert run.total_cost_cents == 200_000
    rows = {row.decision.unit.code: row.explanation for row in targeting_decision_rows(run)}
    assert rows["N3"].startswith("Out: rank 3, but the quota")
    assert rows["S1"] == "Out: rank 4; its cost, 1,000.00 PEN, is more than the 500.00 PEN left."


def test_population_and_strata_filters_say_why_a_unit_is_out(plan):
    spec = replace(
        SPEC,
        population_indicator="people",
        min_population=10_000,
        at_least_per_group=0,
        max_units=None,
    )
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=spec)
    rows = {row.decision.unit.code: row.explanation for row in targeting_decision_rows(run)}
    assert rows["S2"] == "Out: its population, 4,000, is below the minimum of 10,000."
    spec = replace(spec, strata=("high", "very_high"))
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=spec)
    rows = {row.decision.unit.code: row.explanation for row in targeting_decision_rows(run)}
    assert rows["S3"] == (
        "Out: its stratum, Very low, is not among the eligible ones (High, Very high)."
    )


@pytest.mark.parametrize("who", ["resident", "other_programme"])
def test_only_planning_staff_run_a_targeting_and_nothing_is_saved(plan, who):
    from barrio.accounts.tests.factories import make_user

    actor = plan.resident if who == "resident" else make_user("stranger@example.org")
    with pytest.raises(PermissionDenied):
        targeting_run_create(actor=actor, programme=plan.programme, spec=SPEC)
    assert not TargetingRun.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator": "nothing"}, "indicator"),
        ({"level": "colonia"}, "level"),
        ({"period": "1990"}, "period"),
        ({"group_level": ""}, "group_level"),
        ({"areas": ("west",)}, "areas"),
        ({"tie_break": "lot"}, "seed"),
        ({"classes": 9}, "classes"),
    ],
)
def test_parameters_that_do_not_fit_the_data_are_named(plan, change, field):
    with pytest.raises(ValidationFailed) as caught:
        targeting_run_create(
            actor=plan.team, programme=plan.programme, spec=replace(SPEC, **change)
        )
    assert ("body", field) in [error.loc for error in caught.value.errors]
    assert not TargetingRun.objects.exists()
    assert not TargetingDecision.objects.exists()


def test_an_infeasible_quota_is_refused(plan):
    spec = replace(SPEC, at_least_per_group=3, at_most_per_group=3, max_units=4)
    with pytest.raises(ValidationFailed) as caught:
        targeting_run_create(actor=plan.team, programme=plan.programme, spec=spec)
    assert caught.value.code == "infeasible_targeting"
    assert not TargetingRun.objects.exists()


def test_a_stratum_that_cannot_occur_with_that_many_classes_is_refused(plan):
    """Three strata are low, medium and high: asking for "very high" would exclude all."""
    spec = replace(SPEC, classes=3, strata=("very_high",))
    with pytest.raises(ValidationFailed) as caught:
        targeting_run_create(actor=plan.team, programme=plan.programme, spec=spec)
    assert [e.loc for e in caught.value.errors] == [("body", "strata")]
    assert str(caught.value.errors[0].msg) == "With 3 strata there is no stratum Very high."
    assert not TargetingRun.objects.exists()
