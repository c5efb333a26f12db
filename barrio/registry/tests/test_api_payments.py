"""API of cash assistance: each endpoint by role, and bad input answered with a 4xx."""

from __future__ import annotations

import pytest

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import EligibilityRule, TargetList
from barrio.registry.tests.test_target_list_create import RULE, cash  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/lima"


def post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_officer_saves_a_rule_and_makes_a_list_a_manager_approves_it(cash):  # noqa: F811
    officer = signed_in_client(cash.officer)
    response = post(officer, f"{BASE}/eligibility-rules", {"name": "Apoyo", "definition": RULE})
    assert response.status_code == 201
    rule = response.json()
    assert rule["version"] == 1
    made = post(officer, f"{BASE}/eligibility-rules/{rule['id']}/target-lists")
    assert made.status_code == 201
    target = made.json()
    assert (target["eligible_count"], target["selected_count"]) == (3, 2)
    assert target["quotas"][0]["met"] is True
    detail = officer.get(f"{BASE}/target-lists/{target['id']}").json()
    assert len(detail["entries"]) == 4
    assert all(entry["why"] for entry in detail["entries"])
    assert post(officer, f"{BASE}/target-lists/{target['id']}/approve").status_code == 403
    manager = signed_in_client(cash.manager)
    approved = post(manager, f"{BASE}/target-lists/{target['id']}/approve")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    again = post(manager, f"{BASE}/target-lists/{target['id']}/approve")
    assert again.status_code == 409
    assert again.json()["code"] == "already_approved"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "definition": {"conditions": "size"}},
        {"name": "x", "definition": {"conditions": [{"field": "size"}]}},
        {"name": "x", "definition": {"max_count": -1}},
        {"name": "x", "definition": {"quotas": [{"field": "size", "value": 1, "share": "1/0"}]}},
        {"name": "", "definition": {}},
        {"name": "x", "definition": {}, "targeting_run_id": 999},
        {"name": "x"},
    ],
)
def test_bad_rules_are_a_4xx_and_save_nothing(cash, body):  # noqa: F811
    response = post(signed_in_client(cash.officer), f"{BASE}/eligibility-rules", body)
    assert response.status_code in {400, 422}
    assert set(response.json()) == {"code", "message", "errors"}
    assert not EligibilityRule.objects.exists()


def test_caseworkers_and_other_programmes_see_no_cash(cash):  # noqa: F811
    for user in (cash.caseworker, cash.quito_caseworker, cash.resident):
        client = signed_in_client(user)
        assert client.get(f"{BASE}/eligibility-rules").status_code in {403, 404}
        assert client.get(f"{BASE}/target-lists").status_code in {403, 404}
    assert (
        post(
            signed_in_client(cash.caseworker), f"{BASE}/eligibility-rules/1/target-lists"
        ).status_code
        == 403
    )
    assert not TargetList.objects.exists()


def test_manager_sets_budget_cycle_and_rate_by_api(cash):  # noqa: F811
    manager = signed_in_client(cash.manager)
    assert (
        manager.put(
            f"{BASE}/cash-budget",
            {"currency": "PEN", "total_cents": 100_000},
            content_type="application/json",
        ).status_code
        == 200
    )
    cycle = {
        "name": "Mayo",
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-31",
        "budget_cents": 60_000,
        "formula": {"currency": "PEN", "base_cents": 20_000, "expression": "10 * min(children, 3)"},
    }
    made = post(manager, f"{BASE}/cycles", cycle)
    assert made.status_code == 201
    assert (
        post(
            manager,
            f"{BASE}/exchange-rates",
            {"currency": "PEN", "on": "2026-05-01", "eur_per_unit": "0.25"},
        ).status_code
        == 201
    )
    read = signed_in_client(cash.officer).get(f"{BASE}/cycles/{made.json()['id']}").json()
    assert read["budget_eur_cents"] == 15_000
    over = post(manager, f"{BASE}/cycles", {**cycle, "budget_cents": 40_001})
    assert over.status_code == 409
    assert over.json()["code"] == "budget_exceeded"
    for bad in (
        {**cycle, "formula": {"currency": "PEN", "expression": "1 +"}},
        {**cycle, "formula": "200"},
        {**cycle, "starts_on": "mayo"},
        {**cycle, "budget_cents": -5},
    ):
        response = post(manager, f"{BASE}/cycles", bad)
        assert response.status_code == 422, bad
    assert (
        post(
            manager,
            f"{BASE}/exchange-rates",
            {"currency": "XXX", "on": "2026-05-01", "eur_per_unit": "1"},
        ).status_code
        == 422
    )
    assert post(signed_in_client(cash.officer), f"{BASE}/cycles", cycle).status_code == 403
