"""Cash assistance of demo-lima: a rule, an approved target list, a budget and a cycle, a
released payment plan and a provider's result file applied to part of it.

Everything goes through the services, signed by the demo's people: the payments officer
makes the rule, the list and the plan, the programme manager approves them, and the
administrator releases (approval, authorization and release are three different people).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from barrio.planning.models import TargetingRun
from barrio.registry import payments_selectors
from barrio.registry.services.cycles import cash_budget_set, cycle_create, exchange_rate_set
from barrio.registry.services.eligibility import (
    eligibility_rule_save,
    target_list_approve,
    target_list_create,
)
from barrio.registry.services.payments import (
    delivery_account_set,
    payment_plan_approve,
    payment_plan_authorize,
    payment_plan_create,
    payment_plan_release,
)
from barrio.registry.services.reconciliation import reconciliation_import, verification_draw

IN_SELECTED_UNIT: dict[str, Any] = {"field": "in_selected_unit", "op": "is_true", "value": None}
RULE: dict[str, Any] = {
    "conditions": [{"field": "size", "op": "gte", "value": 2}],
    "scorecard": [
        {"field": "children", "weight": "2", "equals": None},
        {"field": "vulnerability_count", "weight": "1", "equals": None},
        {"field": "residence_status", "weight": "1", "equals": "refugee"},
    ],
    "quotas": [{"field": "residence_status", "value": "host", "share": "3/10"}],
    "max_count": 60,
}
FORMULA = {"currency": "PEN", "base_cents": 20_000, "per_child_cents": 5_000, "cap_cents": 40_000}
PROVIDERS = ["yape", "plin", "yape", "western_union_pe"]


def load_payments(programme: Any, users: dict[str, Any], admin: Any) -> None:
    """Make demo-lima's cash assistance, from the rule to a partly reconciled cycle.

    The rule reads the units selected by the programme's approved targeting run, if any.
    """
    run = (
        TargetingRun.objects.filter(programme=programme, status=TargetingRun.Status.APPROVED)
        .order_by("pk")
        .first()
    )
    run_id = run.pk if run else None
    officer = users["pagos.lima@barrio.demo"]
    manager = users["gestora.lima@barrio.demo"]
    rng = random.Random(2026)
    rule = eligibility_rule_save(
        actor=officer,
        programme=programme,
        name="Apoyo de emergencia",
        definition=(
            {**RULE, "conditions": [IN_SELECTED_UNIT, *RULE["conditions"]]} if run_id else RULE
        ),
        targeting_run_id=run_id,
    )
    target = target_list_approve(
        actor=manager, target_list=target_list_create(actor=officer, rule=rule)
    )
    start = dt.date(2026, 5, 1)
    cash_budget_set(actor=manager, programme=programme, currency="PEN", total_cents=500_000_00)
    exchange_rate_set(
        actor=manager, programme=programme, currency="PEN", on=start, eur_per_unit="0.2451"
    )
    cycle = cycle_create(
        actor=manager,
        programme=programme,
        name="Ciclo 1 · mayo 2026",
        starts_on=start,
        ends_on=dt.date(2026, 5, 31),
        budget_cents=25_000_00,
        formula=FORMULA,
    )
    # Payment details for most of the list (one in eight has none yet, to show exclusions).
    for number, entry in enumerate(payments_selectors.target_list_entries(target, selected=True)):
        if number % 8 == 7:
            continue
        provider = PROVIDERS[number % len(PROVIDERS)]
        details = (
            {"collector_document": f"CPP{entry.household_id:06d}"}
            if provider == "western_union_pe"
            else {"phone": f"9{rng.randint(10_000_000, 99_999_999)}"}
        )
        delivery_account_set(
            actor=admin, household=entry.household, provider=provider, details=details
        )
    plan = payment_plan_create(actor=officer, cycle=cycle, target_list=target)
    plan = payment_plan_approve(actor=manager, plan=plan)
    plan = payment_plan_authorize(actor=officer, plan=plan)
    plan, _password = payment_plan_release(actor=admin, plan=plan)
    # The wallets answered for two thirds of the list: most delivered, a few failed.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "delivered_amount", "delivered_on", "failure_reason"])
    for number, payment in enumerate(payments_selectors.payment_list(plan)):
        if payment.status != "sent" or number % 3 == 2:
            continue
        if number % 10 == 4:
            writer.writerow([payment.reference, "0", "", "Número no registrado en la billetera"])
        else:
            amount = f"{payment.amount_cents // 100}.{payment.amount_cents % 100:02d}"
            writer.writerow([payment.reference, amount, "2026-05-06", ""])
    reconciliation_import(
        actor=officer,
        programme=programme,
        file_name="resultado-billeteras-mayo.csv",
        content=out.getvalue().encode("utf-8"),
    )
    verification_draw(actor=officer, cycle=cycle, size=8, seed=2026)
