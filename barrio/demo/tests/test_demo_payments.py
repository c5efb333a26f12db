"""The Lima demo's cash assistance: a rule, an approved list, a cycle, a released plan signed
by three people and a provider's file applied to part of it; loading twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from barrio.registry.models import (
    Cycle,
    EligibilityRule,
    Payment,
    PaymentFile,
    PaymentPlan,
    ReconciliationImport,
    TargetList,
    Verification,
)
from barrio.registry.services.reconciliation import reconciliation_totals

pytestmark = pytest.mark.django_db


def test_load_demo_gives_lima_a_partly_reconciled_cycle_once():
    call_command("load_demo", verbosity=0)
    assert EligibilityRule.objects.filter(programme__slug="demo-lima").count() == 1
    target = TargetList.objects.get(programme__slug="demo-lima")
    assert target.status == TargetList.Status.APPROVED
    assert target.selected_count > 0
    plan = PaymentPlan.objects.get(programme__slug="demo-lima")
    assert plan.status == PaymentPlan.Status.RELEASED
    assert len({plan.approved_by_id, plan.authorized_by_id, plan.released_by_id}) == 3
    assert plan.excluded_count > 0
    assert PaymentFile.objects.filter(plan=plan).exists()
    statuses = set(Payment.objects.filter(plan=plan).values_list("status", flat=True))
    assert {"sent", "delivered", "failed", "excluded"} <= statuses
    assert ReconciliationImport.objects.count() == 1
    assert Verification.objects.get().contacts.count() == 8
    (whole,) = reconciliation_totals(plan.programme)["programme"]
    assert whole.entitled == whole.delivered + whole.undelivered
    assert 0 < whole.delivered < whole.entitled
    call_command("load_demo", verbosity=0)
    assert PaymentPlan.objects.count() == 1
    assert Cycle.objects.count() == 1
