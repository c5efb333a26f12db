"""Cash budgets, cycles and exchange rates: the programme's budget is never exceeded."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import CashBudget, Cycle, ExchangeRate
from barrio.registry.services.cycles import (
    cash_budget_set,
    cycle_create,
    exchange_rate_set,
    rate_on,
)
from barrio.registry.tests.factories import build_desk

pytestmark = pytest.mark.django_db

FORMULA = {"currency": "PEN", "base_cents": 20000, "per_child_cents": 5000, "cap_cents": 40000}
MAY = dt.date(2026, 5, 1)


@pytest.fixture
def desk():
    desk = build_desk()
    officer = make_user("pagos@lima.pe")
    grant(officer, Role.PAYMENTS_OFFICER, desk.world.lima)
    desk.officer = officer
    return desk


def cycle(desk, budget_cents=100_00, **overrides):
    values = {
        "actor": desk.manager,
        "programme": desk.world.lima,
        "name": "Mayo",
        "starts_on": MAY,
        "ends_on": MAY + dt.timedelta(days=30),
        "budget_cents": budget_cents,
        "formula": FORMULA,
    }
    values.update(overrides)
    return cycle_create(**values)


def test_cycles_never_add_up_to_more_than_the_programme_budget(desk):
    cash_budget_set(
        actor=desk.manager, programme=desk.world.lima, currency="PEN", total_cents=1_000_00
    )
    rng = random.Random(7)
    refused = []
    for _ in range(40):
        try:
            cycle(desk, rng.randint(1, 40_000))
        except Conflict as refusal:
            refused.append(refusal.code)
    assert set(refused) == {"budget_exceeded"}
    total = sum(Cycle.objects.values_list("budget_cents", flat=True))
    assert 0 < total <= 1_000_00
    with pytest.raises(Conflict) as error:
        cycle(desk, 1_000_00 - total + 1)
    assert error.value.code == "budget_exceeded"


def test_a_budget_cannot_fall_below_its_cycles(desk):
    cash_budget_set(
        actor=desk.manager, programme=desk.world.lima, currency="PEN", total_cents=500_00
    )
    cycle(desk, 400_00)
    with pytest.raises(Conflict):
        cash_budget_set(
            actor=desk.manager, programme=desk.world.lima, currency="PEN", total_cents=399_99
        )
    assert CashBudget.objects.get().total_cents == 500_00


def test_no_cycle_without_a_budget_nor_in_another_currency(desk):
    with pytest.raises(Conflict) as error:
        cycle(desk, 100)
    assert error.value.code == "no_budget"
    cash_budget_set(
        actor=desk.manager, programme=desk.world.lima, currency="PEN", total_cents=500_00
    )
    with pytest.raises(ValidationFailed):
        cycle(desk, 100, formula={**FORMULA, "currency": "COP"})
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": MAY - dt.timedelta(days=1)}, "ends_on"),
        ({"budget_cents": 0}, "budget_cents"),
        ({"name": " "}, "name"),
        ({"formula": {**FORMULA, "expression": "rent * 2"}}, "formula"),
        ({"formula": {**FORMULA, "expression": "__import__('os')"}}, "formula"),
        ({"formula": {**FORMULA, "currency": "EUR"}}, "formula"),
        ({"formula": {**FORMULA, "base_cents": -1}}, "formula"),
        ({"formula": {"base_cents": 1}}, "formula"),
    ],
)
def test_bad_cycles_are_refused_and_nothing_saved(desk, overrides, field):
    cash_budget_set(
        actor=desk.manager, programme=desk.world.lima, currency="PEN", total_cents=500_00
    )
    with pytest.raises(ValidationFailed) as error:
        cycle(desk, **overrides)
    assert [e.loc[0] for e in error.value.errors] == [field]
    assert not Cycle.objects.exists()


def test_only_programme_managers_set_budgets_cycles_and_rates(desk):
    for actor in (desk.officer, desk.caseworker, desk.quito_caseworker):
        with pytest.raises(PermissionDenied):
            cash_budget_set(actor=actor, programme=desk.world.lima, currency="PEN", total_cents=1)
        with pytest.raises(PermissionDenied):
            exchange_rate_set(
                actor=actor, programme=desk.world.lima, currency="PEN", on=MAY, eur_per_unit="0.25"
            )
    assert not CashBudget.objects.exists()
    assert not ExchangeRate.objects.exists()


def test_the_rate_of_a_day_is_the_newest_entered_on_or_before_it(desk):
    lima = desk.world.lima
    exchange_rate_set(
        actor=desk.manager, programme=lima, currency="PEN", on=MAY, eur_per_unit="0.2451"
    )
    exchange_rate_set(
        actor=desk.manager,
        programme=lima,
        currency="PEN",
        on=MAY + dt.timedelta(days=10),
        eur_per_unit="0.25",
    )
    assert rate_on(lima, "PEN", MAY + dt.timedelta(days=5)) == Fraction("0.2451")
    assert rate_on(lima, "PEN", MAY + dt.timedelta(days=20)) == Fraction("0.25")
    assert rate_on(lima, "PEN", MAY - dt.timedelta(days=1)) is None
    for bad in ("0", "-1", "abc", "0.00000000001"):
        with pytest.raises(ValidationFailed):
            exchange_rate_set(
                actor=desk.manager, programme=lima, currency="PEN", on=MAY, eur_per_unit=bad
            )
    assert ExchangeRate.objects.count() == 2
