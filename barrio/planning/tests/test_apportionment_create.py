"""Budget apportionment: exact cents, over an approved run's units or a level's."""

from __future__ import annotations

from fractions import Fraction

import pytest

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.planning.models import Apportionment, ApportionmentShare
from barrio.planning.selectors import apportionment_share_rows
from barrio.planning.services import (
    apportionment_create,
    targeting_run_approve,
    targeting_run_create,
)
from barrio.planning.specs import ApportionmentSpec, ComponentSpec
from barrio.planning.tests.factories import build_plan
from barrio.planning.tests.test_targeting_run_create import SPEC, english  # noqa: F401

pytestmark = pytest.mark.django_db

HALF = Fraction(1, 2)
FORMULA = (
    ComponentSpec("population", HALF, "people", "2025"),
    ComponentSpec("need", HALF, "need", "2025"),
)


@pytest.fixture
def plan():
    return build_plan()


def test_half_by_population_half_by_need_adds_up_to_the_cent(plan):
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=SPEC)
    targeting_run_approve(actor=plan.manager, run=run)
    made = apportionment_create(
        actor=plan.team,
        programme=plan.programme,
        spec=ApportionmentSpec(
            name="2026", total_cents=1_000_000_01, components=FORMULA, targeting_run=run.pk
        ),
    )
    shares = dict(made.shares.values_list("unit__code", "cents"))
    assert set(shares) == {"N1", "N2", "S1", "S2"}
    assert sum(shares.values()) == 1_000_000_01
    # N2 has the most people (30,000 of 71,000) and need 80 of 280.
    assert shares["N2"] == max(shares.values())
    rows = {row.unit_code: row.explanation for row in apportionment_share_rows(made)}
    assert "in proportion to population" in rows["N2"]
    assert "by need" in rows["N2"]


def test_a_floor_lifts_the_smallest_part(plan):
    made = apportionment_create(
        actor=plan.manager,
        programme=plan.programme,
        spec=ApportionmentSpec(
            name="Floors",
            total_cents=800_000,
            components=(ComponentSpec("population", Fraction(1), "people", "2025"),),
            level="distrito",
            floor_cents=60_000,
        ),
    )
    shares = dict(made.shares.values_list("unit__code", "cents"))
    assert sum(shares.values()) == 800_000
    assert min(shares.values()) == 60_000
    assert made.shares.get(unit__code="S2").floor_applied


def test_a_draft_run_does_not_receive_a_budget(plan):
    run = targeting_run_create(actor=plan.team, programme=plan.programme, spec=SPEC)
    with pytest.raises(ValidationFailed) as caught:
        apportionment_create(
            actor=plan.team,
            programme=plan.programme,
            spec=ApportionmentSpec(
                name="x", total_cents=100, components=FORMULA, targeting_run=run.pk
            ),
        )
    assert caught.value.errors[0].loc == ("body", "targeting_run")
    assert not Apportionment.objects.exists()


def test_a_unit_without_a_value_is_named_and_nothing_is_saved(plan):
    with pytest.raises(ValidationFailed) as caught:
        apportionment_create(
            actor=plan.team,
            programme=plan.programme,
            spec=ApportionmentSpec(name="x", total_cents=100, components=FORMULA, level="distrito"),
        )
    messages = [str(error.msg) for error in caught.value.errors]
    assert messages == ["District S4 has no value of Need for 2025."]
    assert not ApportionmentShare.objects.exists()


def test_shares_that_do_not_add_up_to_one_are_refused(plan):
    with pytest.raises(ValidationFailed) as caught:
        apportionment_create(
            actor=plan.team,
            programme=plan.programme,
            spec=ApportionmentSpec(
                name="x",
                total_cents=100,
                components=(ComponentSpec("equal", HALF),),
                level="distrito",
            ),
        )
    assert caught.value.code == "invalid_apportionment"


def test_a_resident_does_not_split_the_budget(plan):
    with pytest.raises(PermissionDenied):
        apportionment_create(
            actor=plan.resident,
            programme=plan.programme,
            spec=ApportionmentSpec(
                name="x",
                total_cents=100,
                components=(ComponentSpec("equal", Fraction(1)),),
                level="distrito",
            ),
        )
    assert not Apportionment.objects.exists()
