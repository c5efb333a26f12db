"""API of cash assistance: eligibility rules and target lists, budget, cycles and rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.core.cash.entitlement import to_eur_cents
from barrio.errors import PermissionDenied
from barrio.registry import payments_selectors as selectors
from barrio.registry.models import EligibilityRule, TargetList
from barrio.registry.services import cycles, eligibility

router = Router()


class RuleIn(Schema):
    name: str = Field(..., max_length=200)
    definition: dict[str, Any] = Field(
        ...,
        description="conditions [{field, op, value}], scorecard [{field, weight, equals}], "
        "quotas [{field, value, share}], max_count.",
    )
    targeting_run_id: int | None = None


class RuleOut(Schema):
    id: int
    name: str
    version: int
    definition: dict[str, Any]
    targeting_run_id: int | None
    created_at: dt.datetime


class TargetListOut(Schema):
    id: int
    rule_id: int
    rule: str
    status: str
    fingerprint: str
    household_count: int
    eligible_count: int
    selected_count: int
    quotas: list[dict[str, Any]]
    created_at: dt.datetime
    approved_at: dt.datetime | None


class EntryOut(Schema):
    household_id: int
    selected: bool
    eligible: bool
    rank: int | None
    score: float
    reason: str
    why: str


class TargetListDetailOut(TargetListOut):
    entries: list[EntryOut]


def _rule_out(rule: EligibilityRule) -> RuleOut:
    return RuleOut(
        id=rule.pk,
        name=rule.name,
        version=rule.version,
        definition=rule.definition,
        targeting_run_id=rule.targeting_run_id,
        created_at=rule.created_at,
    )


def _list_out(target: TargetList) -> dict[str, Any]:
    return {
        "id": target.pk,
        "rule_id": target.rule_id,
        "rule": str(target.rule),
        "status": target.status,
        "fingerprint": target.fingerprint,
        "household_count": target.household_count,
        "eligible_count": target.eligible_count,
        "selected_count": target.selected_count,
        "quotas": selectors.quota_rows(target),
        "created_at": target.created_at,
        "approved_at": target.approved_at,
    }


def _visible(request: HttpRequest, slug: str) -> Any:
    programme = programme_get_for_user(user=request.user, slug=slug)
    if not selectors.may_see_cash(request.user, programme):
        raise PermissionDenied()
    return programme


@router.get(
    "/programmes/{slug}/eligibility-rules",
    response=list[RuleOut],
    summary="List eligibility rules",
)
def eligibility_rule_list(request: HttpRequest, slug: str) -> list[RuleOut]:
    """Every version of every rule of the programme, by name and newest version first."""
    programme = _visible(request, slug)
    rules = selectors.eligibility_rule_list_for_user(user=request.user, programme=programme)
    return [_rule_out(rule) for rule in rules]


@router.post(
    "/programmes/{slug}/eligibility-rules",
    response={201: RuleOut},
    summary="Save a version of an eligibility rule",
)
def eligibility_rule_create(request: HttpRequest, slug: str, body: RuleIn) -> Any:
    """Save the rule ``name`` as a new version (programme managers and payments officers)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    rule = eligibility.eligibility_rule_save(
        actor=request.user,
        programme=programme,
        name=body.name,
        definition=body.definition,
        targeting_run_id=body.targeting_run_id,
    )
    return Status(201, _rule_out(rule))


@router.post(
    "/programmes/{slug}/eligibility-rules/{rule_id}/target-lists",
    response={201: TargetListOut},
    summary="Make a target list with a rule",
)
def target_list_create(request: HttpRequest, slug: str, rule_id: int) -> Any:
    """Apply the rule to the programme's active households today."""
    programme = _visible(request, slug)
    rule = selectors.eligibility_rule_get_for_user(
        user=request.user, programme=programme, rule_id=rule_id
    )
    return Status(201, _list_out(eligibility.target_list_create(actor=request.user, rule=rule)))


@router.get(
    "/programmes/{slug}/target-lists", response=list[TargetListOut], summary="List target lists"
)
def target_list_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The programme's target lists, newest first."""
    programme = _visible(request, slug)
    lists = selectors.target_list_list_for_user(user=request.user, programme=programme)
    return [_list_out(target) for target in lists]


@router.get(
    "/programmes/{slug}/target-lists/{list_id}",
    response=TargetListDetailOut,
    summary="Read a target list",
)
def target_list_detail(request: HttpRequest, slug: str, list_id: int) -> dict[str, Any]:
    """A list with every household's entry and why it is in or out (no personal data)."""
    programme = _visible(request, slug)
    target = selectors.target_list_get_for_user(
        user=request.user, programme=programme, list_id=list_id
    )
    entries = [
        {
            "household_id": entry.household_id,
            "selected": entry.selected,
            "eligible": entry.eligible,
            "rank": entry.rank,
            "score": entry.score,
            "reason": entry.reason,
            "why": selectors.entry_why(entry, target),
        }
        for entry in selectors.target_list_entries(target)
    ]
    return {**_list_out(target), "entries": entries}


@router.post(
    "/programmes/{slug}/target-lists/{list_id}/approve",
    response=TargetListOut,
    summary="Approve a target list",
)
def target_list_approve(request: HttpRequest, slug: str, list_id: int) -> dict[str, Any]:
    """Approve (a programme manager other than who made it; households unchanged)."""
    programme = _visible(request, slug)
    target = selectors.target_list_get_for_user(
        user=request.user, programme=programme, list_id=list_id
    )
    return _list_out(eligibility.target_list_approve(actor=request.user, target_list=target))


class BudgetIn(Schema):
    currency: str = Field(..., max_length=3)
    total_cents: int = Field(..., ge=0, le=10**15)


class BudgetOut(Schema):
    currency: str
    total_cents: int
    committed_cents: int


class CycleIn(Schema):
    name: str = Field(..., max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    budget_cents: int = Field(..., le=10**15)
    formula: dict[str, Any] = Field(
        ...,
        description="currency, base_cents, per_member_cents, per_child_cents, cap_cents, "
        "expression (currency units; names, numbers, + - * /, min, max).",
    )


class CycleOut(Schema):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    currency: str
    budget_cents: int
    budget_eur_cents: int | None = Field(..., description="At the rate of the first day.")
    formula: dict[str, Any]
    formula_text: str


class RateIn(Schema):
    currency: str = Field(..., max_length=3)
    on: dt.date
    eur_per_unit: str = Field(..., max_length=40, description="Euros for one unit, e.g. 0.2451.")


class RateOut(Schema):
    currency: str
    on: dt.date
    eur_per_unit: str


def _cycle_out(cycle: Any) -> CycleOut:
    rate = cycles.rate_on(cycle.programme, cycle.currency, cycle.starts_on)
    return CycleOut(
        id=cycle.pk,
        name=cycle.name,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        currency=cycle.currency,
        budget_cents=cycle.budget_cents,
        budget_eur_cents=None if rate is None else to_eur_cents(cycle.budget_cents, rate),
        formula=cycle.formula,
        formula_text=selectors.describe_formula(cycle.formula),
    )


@router.put("/programmes/{slug}/cash-budget", response=BudgetOut, summary="Set the cash budget")
def cash_budget_put(request: HttpRequest, slug: str, body: BudgetIn) -> BudgetOut:
    """Set the programme's budget for cash transfers (programme managers)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    budget = cycles.cash_budget_set(
        actor=request.user,
        programme=programme,
        currency=body.currency,
        total_cents=body.total_cents,
    )
    return BudgetOut(
        currency=budget.currency,
        total_cents=budget.total_cents,
        committed_cents=cycles.cycles_committed_cents(programme),
    )


@router.get("/programmes/{slug}/cycles", response=list[CycleOut], summary="List payment cycles")
def cycle_list(request: HttpRequest, slug: str) -> list[CycleOut]:
    """The programme's cycles, newest first."""
    programme = _visible(request, slug)
    return [
        _cycle_out(c) for c in selectors.cycle_list_for_user(user=request.user, programme=programme)
    ]


@router.post("/programmes/{slug}/cycles", response={201: CycleOut}, summary="Make a payment cycle")
def cycle_create(request: HttpRequest, slug: str, body: CycleIn) -> Any:
    """Make a cycle whose budget fits in what the programme's budget has left."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    made = cycles.cycle_create(actor=request.user, programme=programme, **body.dict())
    return Status(201, _cycle_out(made))


@router.get("/programmes/{slug}/cycles/{cycle_id}", response=CycleOut, summary="Read a cycle")
def cycle_detail(request: HttpRequest, slug: str, cycle_id: int) -> CycleOut:
    """A cycle with its formula in words and its budget in euros (when a rate is known)."""
    programme = _visible(request, slug)
    return _cycle_out(
        selectors.cycle_get_for_user(user=request.user, programme=programme, cycle_id=cycle_id)
    )


@router.get(
    "/programmes/{slug}/exchange-rates", response=list[RateOut], summary="List exchange rates"
)
def exchange_rate_list(request: HttpRequest, slug: str) -> list[RateOut]:
    """The rates entered for the programme."""
    programme = _visible(request, slug)
    rates = selectors.exchange_rate_list_for_user(user=request.user, programme=programme)
    return [RateOut(currency=r.currency, on=r.on, eur_per_unit=str(r.eur_per_unit)) for r in rates]


@router.post(
    "/programmes/{slug}/exchange-rates", response={201: RateOut}, summary="Enter an exchange rate"
)
def exchange_rate_create(request: HttpRequest, slug: str, body: RateIn) -> Any:
    """Record euros for one unit of a currency on a date (programme managers)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    rate = cycles.exchange_rate_set(actor=request.user, programme=programme, **body.dict())
    return Status(
        201, RateOut(currency=rate.currency, on=rate.on, eur_per_unit=str(rate.eur_per_unit))
    )
