"""demo-cdmx has a closed vote with online and paper ballots, decided by two rules."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from barrio.accounts.models import RoleGrant
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
    users = get_user_model().objects.count()
    call_command("load_demo", verbosity=0)
    assert Election.objects.count() == 1
    assert Ballot.objects.count() == 71
    assert get_user_model().objects.count() == users


def test_the_demo_supervisor_signs_in_with_the_demo_password(settings, tmp_path):
    """The second manager of demo-cdmx is a demo user like the others, granted once."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    supervisor = get_user_model().objects.get(username="supervisora.cdmx@barrio.demo")
    assert supervisor.check_password("barrio-demo-2026")
    grants = RoleGrant.objects.filter(user=supervisor)
    assert [(g.programme.slug, g.role, g.unit_id) for g in grants] == [
        ("demo-cdmx", "programme_manager", None)
    ]
    client = Client()
    response = client.post(
        "/accounts/sign-in/",
        {"username": "supervisora.cdmx@barrio.demo", "password": "barrio-demo-2026"},
    )
    assert response.status_code == 302
    assert not response.url.startswith("/accounts/sign-in/")
    run = AllocationRun.objects.get(election__call__programme__slug="demo-cdmx", rule="mes")
    assert run.approved_by == supervisor
