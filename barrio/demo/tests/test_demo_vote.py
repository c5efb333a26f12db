"""demo-cdmx has a closed vote with online and paper ballots, decided by two rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from barrio.participation.models import AllocationRun, Ballot, Election, PaperTally

pytestmark = pytest.mark.django_db


def test_demo_cdmx_has_a_published_vote_under_two_rules(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    election = Election.objects.get(call__programme__slug="demo-cdmx")
    assert election.status == Election.Status.PUBLISHED
    runs = {run.rule: run for run in AllocationRun.objects.filter(election=election)}
    assert set(runs) == {"greedy", "mes"}
    assert runs["mes"].status == AllocationRun.Status.APPROVED
    assert runs["mes"].approved_by != runs["mes"].created_by
    funded = {
        rule: set(run.results.filter(funded=True).values_list("item_id", flat=True))
        for rule, run in runs.items()
    }
    assert funded["greedy"] != funded["mes"]  # the rules differ: that is the demo's point
    tally = PaperTally.objects.get(pot__election=election)
    assert tally.status == PaperTally.Status.COUNTED
    assert tally.resolved_by is not None  # one disagreement, resolved by the supervisor
    assert Ballot.objects.filter(pot__election=election).count() == 60 + 11
    assert runs["mes"].voter_count == 71
    catalogue = Client().get("/api/v1/open-data/").json()
    assert len(catalogue["datasets"]) == 2
    call_command("load_demo", verbosity=0)
    assert Election.objects.count() == 1
    assert Ballot.objects.count() == 71
