"""Services of the money: the programme's cash budget, payment cycles and exchange rates.

The programme's budget can never be exceeded: the cycles' budgets add up to at most the
programme's (checked with the budget row locked, so two cycles made at once cannot both
slip under it), and a payment plan's total fits in what its cycle has left
(:mod:`barrio.registry.services.payments`). Amounts are integer cents; rates are exact
decimals, converted with :class:`~fractions.Fraction`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action
from barrio.core.cash.entitlement import CURRENCIES, Formula
from barrio.errors import Conflict, FieldError, ValidationFailed
from barrio.money import format_cents
from barrio.registry.models import CashBudget, Cycle, ExchangeRate
from barrio.registry.services.eligibility import require_whole

if TYPE_CHECKING:
    from barrio.accounts.models import Programme


def _currency_errors(currency: str) -> list[FieldError]:
    if currency not in CURRENCIES:
        return [
            FieldError(
                ("currency",),
                _("The currency must be one of %(currencies)s.")
                % {"currencies": ", ".join(CURRENCIES)},
            )
        ]
    return []


def cycles_committed_cents(programme: Programme, *, excluding: int | None = None) -> int:
    """The sum of the budgets of the programme's cycles (all but ``excluding``)."""
    cycles = Cycle.objects.filter(programme=programme)
    if excluding is not None:
        cycles = cycles.exclude(pk=excluding)
    return int(cycles.aggregate(total=Sum("budget_cents"))["total"] or 0)


@transaction.atomic
def cash_budget_set(
    *, actor: User | AnonymousUser, programme: Programme, currency: str, total_cents: int
) -> CashBudget:
    """Set the programme's cash budget (programme managers of the whole programme).

    Raises :class:`ValidationFailed` for a negative amount or an unknown currency, and
    :class:`Conflict` (``budget_exceeded``) when the cycles already hold more than the new
    amount, or (``currency_mismatch``) when cycles exist in another currency.
    """
    require_whole(actor, Action.CYCLE_MANAGE, programme)
    errors = _currency_errors(currency)
    if total_cents < 0:
        errors.append(FieldError(("total_cents",), _("A budget cannot be negative.")))
    if errors:
        raise ValidationFailed(errors=errors)
    budget = CashBudget.objects.select_for_update().filter(programme=programme).first()
    if Cycle.objects.filter(programme=programme).exclude(currency=currency).exists():
        raise Conflict(
            _("The programme's cycles are in another currency."), code="currency_mismatch"
        )
    committed = cycles_committed_cents(programme)
    if committed > total_cents:
        raise Conflict(
            _("The cycles already hold %(committed)s, more than this budget.")
            % {"committed": format_cents(committed, currency)},
            code="budget_exceeded",
        )
    who = actor if isinstance(actor, User) else None
    if budget is None:
        return CashBudget.objects.create(
            programme=programme, currency=currency, total_cents=total_cents, updated_by=who
        )
    budget.currency, budget.total_cents, budget.updated_by = currency, total_cents, who
    budget.save()
    return budget


@transaction.atomic
def cycle_create(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    budget_cents: int,
    formula: dict[str, Any],
) -> Cycle:
    """Make a payment cycle whose budget fits in what the programme's budget has left.

    The formula (see :class:`barrio.core.cash.entitlement.Formula`) pays in the budget's
    currency. Raises :class:`ValidationFailed` naming each bad field (dates, amounts, the
    formula and what is wrong in it), and :class:`Conflict` when the programme has no cash
    budget yet (``no_budget``) or the cycle would exceed it (``budget_exceeded``).
    """
    require_whole(actor, Action.CYCLE_MANAGE, programme)
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError(("name",), _("Give the cycle a name.")))
    if ends_on < starts_on:
        errors.append(FieldError(("ends_on",), _("A cycle ends on or after the day it starts.")))
    if budget_cents <= 0:
        errors.append(FieldError(("budget_cents",), _("A cycle's budget is more than zero.")))
    try:
        parsed = Formula.from_dict(formula)
    except ValueError as error:
        errors.append(FieldError(("formula",), str(error)))
        parsed = None
    if errors:
        raise ValidationFailed(errors=errors)
    assert parsed is not None
    budget = CashBudget.objects.select_for_update().filter(programme=programme).first()
    if budget is None:
        raise Conflict(_("Set the programme's cash budget first."), code="no_budget")
    if parsed.currency != budget.currency:
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("formula", "currency"),
                    _("The cycle pays in %(currency)s, the currency of the budget.")
                    % {"currency": budget.currency},
                )
            ]
        )
    left = budget.total_cents - cycles_committed_cents(programme)
    if budget_cents > left:
        raise Conflict(
            _("The programme's budget has %(left)s left; this cycle needs %(needed)s.")
            % {
                "left": format_cents(left, budget.currency),
                "needed": format_cents(budget_cents, budget.currency),
            },
            code="budget_exceeded",
        )
    return Cycle.objects.create(
        programme=programme,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        currency=budget.currency,
        budget_cents=budget_cents,
        formula=parsed.as_dict(),
        created_by=actor if isinstance(actor, User) else None,
    )


@transaction.atomic
def exchange_rate_set(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    currency: str,
    on: dt.date,
    eur_per_unit: str | Decimal,
) -> ExchangeRate:
    """Record how many euros one unit of ``currency`` was worth on ``on`` (replaces that day's).

    Raises :class:`ValidationFailed` for an unknown currency or a rate that is not a
    positive number.
    """
    require_whole(actor, Action.CYCLE_MANAGE, programme)
    errors = _currency_errors(currency)
    try:
        rate = Decimal(str(eur_per_unit))
        if not rate.is_finite() or rate <= 0 or rate.as_tuple().exponent < -10:  # type: ignore[operator]
            raise InvalidOperation
    except InvalidOperation:
        errors.append(
            FieldError(
                ("eur_per_unit",),
                _("A rate is a positive number with at most 10 decimals."),
            )
        )
        rate = Decimal(0)
    if errors:
        raise ValidationFailed(errors=errors)
    found, _created = ExchangeRate.objects.update_or_create(
        programme=programme,
        currency=currency,
        on=on,
        defaults={
            "eur_per_unit": rate,
            "entered_by": actor if isinstance(actor, User) else None,
        },
    )
    return found


def rate_on(programme: Programme, currency: str, on: dt.date) -> Fraction | None:
    """The newest rate of ``currency`` entered for a day on or before ``on`` (``None``: none)."""
    found = (
        ExchangeRate.objects.filter(programme=programme, currency=currency, on__lte=on)
        .order_by("-on")
        .values_list("eur_per_unit", flat=True)
        .first()
    )
    return None if found is None else Fraction(str(found))
