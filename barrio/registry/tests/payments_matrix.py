"""Data of the permission matrix's cash-assistance rows (issue 10, part A), over Lima's world.

A rule, a draft target list and a maker of fresh drafts (each approval needs one still to
approve), a cash budget and a cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from barrio.registry.services.cycles import cash_budget_set, cycle_create
from barrio.registry.services.eligibility import eligibility_rule_save, target_list_create

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

    def fresh_list() -> int:
        return target_list_create(actor=maker, rule=rule).pk

    return {
        "rule_id": rule.pk,
        "list_id": fresh_list(),
        "fresh_list": fresh_list,
        "cycle_id": cycle.pk,
    }
