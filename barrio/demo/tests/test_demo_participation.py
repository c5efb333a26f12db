"""demo-cdmx has an open call with groups and proposals in several states, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from barrio.participation.calendar import CallStep, open_step
from barrio.participation.models import Call, CommunityGroup, Proposal
from barrio.planning.models import TargetingRun

pytestmark = pytest.mark.django_db


def test_demo_cdmx_has_an_open_call_with_proposals_in_several_states(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    call = Call.objects.get(programme__slug="demo-cdmx", slug="mejoramiento-barrial-2026")
    assert call.status == Call.Status.PUBLISHED
    assert open_step(call) == CallStep.SUBMISSION
    run = TargetingRun.objects.get(programme__slug="demo-cdmx")
    assert set(call.units.values_list("pk", flat=True)) == set(
        run.decisions.filter(selected=True).values_list("unit_id", flat=True)
    )
    # Four groups of the open call, and one of the past call's vote (barrio/demo/votes.py).
    assert CommunityGroup.objects.filter(proposals__call=call).distinct().count() == 4
    states = Counter(Proposal.objects.filter(call=call).values_list("status", flat=True))
    # The committee's demo (barrio/demo/reviews.py) takes two submitted proposals under review
    # and one admitted proposal through its assembly.
    assert states == {
        "draft": 2,
        "submitted": 1,
        "under_review": 3,
        "admitted": 3,
        "approved": 1,
        "rejected": 1,
        "returned": 1,
    }
    rejected = Proposal.objects.get(call=call, status="rejected")
    assert rejected.transitions.get(to_status="rejected").reason
    assert all(p.total_cents <= call.max_project_cents for p in Proposal.objects.all())
    call_command("load_demo", verbosity=0)
    assert Proposal.objects.filter(call=call).count() == 12
