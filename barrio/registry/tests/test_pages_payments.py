"""Pages of cash assistance: a rule made in the form, a list made, read and approved."""

from __future__ import annotations

import pytest

from barrio.accounts.tests.test_permission_matrix import signed_in_client
from barrio.registry.models import EligibilityRule, TargetList
from barrio.registry.tests.test_target_list_create import cash  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_officer_makes_a_rule_and_a_list_in_the_pages_manager_approves(cash):  # noqa: F811
    officer = signed_in_client(cash.officer)
    page = officer.get("/registry/programmes/lima/eligibility/")
    assert page.status_code == 200
    form = {
        "name": "Apoyo de emergencia",
        "c0_field": "size",
        "c0_op": "gte",
        "c0_value": "2",
        "s0_field": "children",
        "s0_weight": "2",
        "q0_field": "residence_status",
        "q0_value": "host",
        "q0_percent": "50",
        "max_count": "2",
    }
    response = officer.post("/registry/programmes/lima/eligibility/", form)
    assert response.status_code == 302
    rule = EligibilityRule.objects.get()
    assert rule.definition["quotas"][0]["share"] == "1/2"
    shown = officer.get(response["Location"])
    assert "Apoyo de emergencia" in shown.content.decode()
    made = officer.post(response["Location"])
    target = TargetList.objects.get()
    assert made["Location"].endswith(f"/target-lists/{target.pk}/")
    text = officer.get(made["Location"]).content.decode()
    assert "condición 1" in text or "condition 1" in text
    manager = signed_in_client(cash.manager)
    manager.post(made["Location"])
    target.refresh_from_db()
    assert target.status == TargetList.Status.APPROVED


def test_a_bad_rule_in_the_form_is_shown_and_not_saved(cash):  # noqa: F811
    officer = signed_in_client(cash.officer)
    response = officer.post(
        "/registry/programmes/lima/eligibility/",
        {"name": "x", "c0_field": "residence_status", "c0_op": "gt", "c0_value": "1"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not EligibilityRule.objects.exists()


def test_a_caseworker_does_not_see_the_page(cash):  # noqa: F811
    assert (
        signed_in_client(cash.caseworker).get("/registry/programmes/lima/eligibility/").status_code
        == 403
    )


def test_manager_sets_a_budget_a_cycle_and_a_rate_in_the_pages(cash):  # noqa: F811
    from barrio.registry.models import CashBudget, Cycle

    manager = signed_in_client(cash.manager)
    url = "/registry/programmes/lima/cycles/"
    assert (
        manager.post(url, {"action": "budget", "currency": "PEN", "amount": "1000"}).status_code
        == 302
    )
    assert CashBudget.objects.get().total_cents == 100_000
    made = manager.post(
        url,
        {
            "action": "cycle",
            "name": "Mayo",
            "starts_on": "2026-05-01",
            "ends_on": "2026-05-31",
            "budget": "600",
            "base": "200",
            "per_child": "50.50",
            "cap": "400",
        },
    )
    cycle = Cycle.objects.get()
    assert cycle.formula["per_child_cents"] == 5050
    manager.post(
        url, {"action": "rate", "currency": "PEN", "on": "2026-04-30", "eur_per_unit": "0.25"}
    )
    text = manager.get(made["Location"]).content.decode()
    assert "150,00 EUR" in text  # 600 PEN at 0.25
    too_much = manager.post(
        url,
        {
            "action": "cycle",
            "name": "Junio",
            "starts_on": "2026-06-01",
            "ends_on": "2026-06-30",
            "budget": "401",
        },
    )
    assert too_much.status_code == 200
    assert 'role="alert"' in too_much.content.decode()
    assert Cycle.objects.count() == 1
    # A payments officer reads, but sets nothing.
    officer = signed_in_client(cash.officer)
    assert officer.get(url).status_code == 200
    assert (
        officer.post(url, {"action": "budget", "currency": "PEN", "amount": "1"}).status_code == 403
    )
