"""Data of the permission matrix's cash-assistance rows (issue 10, part A), over Lima's world.

A rule, a draft target list and a maker of fresh drafts (each approval needs one still to
approve), a cash budget and a cycle. Payment plans: an approved list, a released plan
with its files (the matrix's household has payment details), and a maker of fresh plans
waiting for a given sign-off (each signed by people other than the matrix's actors).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import fresh, grant, make_user
from barrio.registry.models import DeliveryAccount, Household, PaymentPlan
from barrio.registry.services.cycles import cash_budget_set, cycle_create
from barrio.registry.services.eligibility import (
    eligibility_rule_save,
    target_list_approve,
    target_list_create,
)
from barrio.registry.services.payments import (
    payment_plan_approve,
    payment_plan_authorize,
    payment_plan_create,
    payment_plan_release,
)
from barrio.registry.services.reconciliation import reconciliation_import, verification_draw

RULE: dict[str, Any] = {
    "name": "m",
    "definition": {"conditions": [{"field": "size", "op": "gte", "value": 1}]},
}
RULE_FORM = {"name": "m", "c0_field": "size", "c0_op": "gte", "c0_value": "1"}
FORMULA = {"currency": "PEN", "base_cents": 100}
CYCLE = {
    "name": "m",
    "starts_on": "2026-05-01",
    "ends_on": "2026-05-31",
    "budget_cents": 100,
    "formula": FORMULA,
}
RESULT_HEADER = "reference,delivered_amount,delivered_on,failure_reason\n"
RATE = {"currency": "PEN", "on": "2026-05-01", "eur_per_unit": "0.25"}


def build_cash(world: Any, maker: Any) -> dict[str, Any]:
    """The ids and the factory the cash rows need (``maker``: a manager of all Lima)."""
    cash_budget_set(actor=maker, programme=world.lima, currency="PEN", total_cents=10**12)
    cycle = cycle_create(
        actor=maker,
        programme=world.lima,
        name="m",
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
        budget_cents=100,
        formula=FORMULA,
    )
    rule = eligibility_rule_save(
        actor=maker, programme=world.lima, name="m", definition=RULE["definition"]
    )
    fresh_list = fresh(target_list_create, actor=maker, rule=rule)
    plans = build_plans(world, maker, rule)
    return {
        "rule_id": rule.pk,
        "list_id": fresh_list(),
        "fresh_list": fresh_list,
        "cycle_id": cycle.pk,
        **plans,
    }


def build_plans(world: Any, maker: Any, rule: Any) -> dict[str, Any]:
    """An approved list, a released plan with files, and fresh plans at each step."""
    checker = make_user("cash.checker@lima.pe")
    grant(checker, Role.PROGRAMME_MANAGER, world.lima)
    makers = [make_user(f"cash.officer{n}@lima.pe") for n in (1, 2, 3)]
    for officer in makers:
        grant(officer, Role.PAYMENTS_OFFICER, world.lima)
    for household in Household.objects.filter(programme=world.lima):
        DeliveryAccount.objects.create(
            household=household,
            provider="yape",
            mechanism="mobile_wallet",
            details='{"phone": "987654321"}',
        )
    cycle = cycle_create(
        actor=maker,
        programme=world.lima,
        name="plans",
        starts_on=dt.date(2026, 6, 1),
        ends_on=dt.date(2026, 6, 30),
        budget_cents=10**9,
        formula=FORMULA,
    )
    approved = target_list_approve(
        actor=checker, target_list=target_list_create(actor=maker, rule=rule)
    )

    def fresh_plan(status: str = PaymentPlan.Status.DRAFT) -> int:
        plan = payment_plan_create(actor=makers[0], cycle=cycle, target_list=approved)
        steps = [
            (PaymentPlan.Status.APPROVED, payment_plan_approve, checker),
            (PaymentPlan.Status.AUTHORIZED, payment_plan_authorize, makers[1]),
            (PaymentPlan.Status.RELEASED, payment_plan_release, makers[2]),
        ]
        for reached, step, actor in steps:
            if plan.status == status:
                break
            step(actor=actor, plan=plan)
            plan = PaymentPlan.objects.get(pk=plan.pk)
            assert plan.status == reached
        return plan.pk

    released = PaymentPlan.objects.get(pk=fresh_plan(PaymentPlan.Status.RELEASED))
    rows = "".join(
        f"{reference},1,2026-06-02,,\n"
        for reference in released.payments.exclude(status="excluded").values_list(
            "reference", flat=True
        )
    )
    applied = reconciliation_import(
        actor=makers[0],
        programme=world.lima,
        file_name="r.csv",
        content=(RESULT_HEADER + rows).encode(),
    )
    drawn = verification_draw(actor=makers[0], cycle=cycle, size=5, seed=1)
    return {
        "plans_cycle_id": cycle.pk,
        "verification_id": drawn.pk,
        "reconciliation_import_id": applied.pk,
        "contact_id": drawn.contacts.order_by("pk")[0].pk,
        "approved_list_id": approved.pk,
        "plan_id": released.pk,
        "file_id": released.files.order_by("pk")[0].pk,
        "fresh_plan": fresh_plan,
    }


def empty_result_file(_ctx: Any) -> dict[str, Any]:
    """A result file with no rows (it changes nothing), new for each post."""
    return {"file": SimpleUploadedFile("r.csv", RESULT_HEADER.encode())}
