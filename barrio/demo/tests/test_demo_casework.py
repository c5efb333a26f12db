"""The Lima demo's orientation centre: cases (one sensitive), a correction waiting for a
second person, referrals and one sent message; loading twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from barrio.registry.models import (
    DataChangeRequest,
    Grievance,
    MessageCampaign,
    MessageRecipient,
    Referral,
)

pytestmark = pytest.mark.django_db


def test_load_demo_gives_lima_its_casework_once():
    call_command("load_demo", verbosity=0)
    cases = Grievance.objects.filter(programme__slug="demo-lima")
    assert cases.count() == 4
    assert cases.filter(sensitive=True).count() == 1
    assert cases.get(sensitive=True).assigned_to.email == "proteccion.lima@barrio.demo"
    assert any(case.is_overdue for case in cases)
    assert cases.filter(status="resolved", satisfaction=5).count() == 1
    pending = DataChangeRequest.objects.get(status="pending")
    assert pending.requested_by.email == "caso.lima@barrio.demo"
    assert Referral.objects.count() == 2
    campaign = MessageCampaign.objects.get()
    assert campaign.status == "finished"
    statuses = set(campaign.recipients.values_list("status", flat=True))
    assert MessageRecipient.Status.SENT in statuses
    assert MessageRecipient.Status.QUEUED not in statuses
    call_command("load_demo", verbosity=0)
    assert Grievance.objects.count() == 4
    assert MessageCampaign.objects.count() == 1
