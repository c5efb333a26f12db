"""Allocation runs: closing a vote queues the run of its rule; runs repeat exactly; a
second manager approves one and the proposals become selected or not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.jobs.models import Job
from barrio.jobs.tests.worker import run_worker
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import AllocationResult, AllocationRun, Election, Proposal
from barrio.participation.selectors.allocation import explain, run_summary
from barrio.participation.services import (
    Choice,
    RunSpec,
    allocation_run_approve,
    allocation_run_create,
    ballot_cast,
    vote_close,
    vote_close_and_allocate,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import open_vote, residents, second_manager

pytestmark = pytest.mark.django_db

# Costs 100, 80 and 50 (millions of cents); the pot has 200. Votes: A 5, B 4, C 3.
PATTERN = [(0,), (0,), (0, 2), (0, 1), (0, 1), (1,), (1, 2), (2,)]


def voted(**fields):
    world = build_world()
    election = open_vote(world, **fields)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    for voter, chosen in zip(residents(world, len(PATTERN)), PATTERN, strict=True):
        ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[p]) for p in chosen])
    return world, election, ids


def closed(**fields):
    world, election, ids = voted(**fields)
    election = vote_close(
        actor=world.manager, election=election, now=election.closes_at + dt.timedelta(seconds=1)
    )
    return world, election, ids


@pytest.mark.django_db(transaction=True)
def test_closing_a_vote_runs_its_rule_in_the_background():
    """The task is queued on commit and done by the real db_worker."""
    world, election, ids = voted()
    Election.objects.filter(pk=election.pk).update(
        closes_at=election.opens_at + dt.timedelta(minutes=1)
    )
    election.refresh_from_db()
    closed_vote, job = vote_close_and_allocate(actor=world.manager, election=election)
    assert closed_vote.status == Election.Status.CLOSED
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    run = AllocationRun.objects.get(pk=job.result["run"])
    assert run.rule == "greedy"
    assert run.created_by == world.manager
    assert run.voter_count == len(PATTERN)
    funded = sorted(run.results.filter(funded=True).values_list("item__proposal_id", flat=True))
    # Greedy by votes: A (100) then B (80) = 180; C (50) no longer fits in 20.
    assert funded == sorted([ids[0], ids[1]])
    c = run.results.get(item__proposal_id=ids[2])
    assert (c.votes, c.reason) == (3, "did-not-fit")
    assert c.explanation["remaining_budget"] == 20_000_000
    assert run.fingerprint.startswith("sha256:")


def test_running_again_on_the_same_ballots_gives_the_same_result():
    world, election, _ids = closed()
    first = allocation_run_create(actor=world.manager, election=election)
    again = allocation_run_create(actor=world.manager, election=election)
    assert first.fingerprint == again.fingerprint
    rows = ("item_id", "votes", "score", "funded", "round", "reason", "explanation")
    assert list(first.results.order_by("item_id").values_list(*rows)) == list(
        again.results.order_by("item_id").values_list(*rows)
    )
    other = allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    assert other.fingerprint != first.fingerprint


def test_equal_shares_explains_the_price_a_project_would_have_needed():
    world, election, ids = closed()
    run = allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    results = {r.item.proposal_id: r for r in run.results.select_related("item")}
    funded = [pid for pid, r in results.items() if r.funded]
    assert funded, "MES funds at least the most voted project"
    out = [r for r in results.values() if not r.funded]
    for result in out:
        assert result.reason == "mes-unaffordable"
        assert "needed_per_supporter" in result.explanation
        with translation.override("en"):
            assert explain(result, "MXN").startswith("Not funded: its 4 supporters had")
    shares = results[ids[0]].explanation["shares"]
    assert shares
    assert shares[0]["voters"] == 5


def funded_in_round_two(shares, partial_voters, partial_amount):
    """A project of 27 votes funded under MES (the demo's "Aula Digital"), as stored."""
    explanation = {
        "shares": shares,
        "partial_voters": partial_voters,
        "partial_amount": partial_amount,
    }
    return AllocationResult(
        reason="funded", votes=27, cost_cents=138_890_603, round=2, explanation=explanation
    )


def test_a_funded_project_says_what_its_supporters_short_of_a_share_gave():
    """Under MES a supporter who cannot pay a full share gives all they have left, or had
    nothing left: the explanation says so, and its figures add up to the cost (26 full shares
    and what the 27th had left; "each of its 26 supporters" left one voter out before)."""
    one_short = funded_in_round_two(
        [{"voters": 26, "amount": "378199111969/71994"}], 1, "6388967738/2769"
    )
    with translation.override("en"):
        assert explain(one_short, "MXN") == (
            "Funded in round 2: 27 residents voted for it and it costs 1,388,906.03 MXN. "
            "26 of its supporters paid 52,532.03 MXN each. 1 supporter could not pay a full "
            "share and gave all they had left: 23,073.20 MXN."
        )
    with translation.override("es"):
        assert explain(one_short, "MXN").endswith(
            "26 de las personas que lo apoyaron pagaron 52\xa0532,03 MXN cada una. 1 persona que "
            "lo apoyó no podía pagar su parte completa y dio todo lo que le quedaba: "
            "23\xa0073,20 MXN."
        )
    broke = funded_in_round_two([{"voters": 25, "amount": "5555562"}], 2, 0)
    with translation.override("en"):
        assert explain(broke, "MXN").endswith(
            "25 of its supporters paid 55,555.62 MXN each. 2 supporters had no money left: it "
            "went to the projects funded before."
        )
    everyone = funded_in_round_two([{"voters": 27, "amount": "5144097"}], 0, None)
    with translation.override("en"):
        assert explain(everyone, "MXN").endswith(
            "Each of its 27 supporters paid 51,440.97 MXN of it."
        )


def test_a_run_needs_a_closed_vote():
    world, election, _ids = voted()
    with pytest.raises(Conflict):
        allocation_run_create(actor=world.manager, election=election)
    assert not AllocationRun.objects.exists()


def test_a_run_needs_a_rule_that_fits_and_a_manager():
    world, election, _ids = closed(ballot_kind="cumulative", points=5, max_choices=None, rule="mes")
    with pytest.raises(ValidationFailed) as caught:
        allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="phragmen"))
    assert [e.loc for e in caught.value.errors] == [("rule",)]
    with pytest.raises(PermissionDenied):
        allocation_run_create(actor=world.team, election=election)
    assert not AllocationRun.objects.exists()


def test_a_second_manager_approves_and_the_result_is_published():
    world, election, ids = closed()
    run = allocation_run_create(actor=world.manager, election=election)
    with pytest.raises(Conflict) as caught:
        allocation_run_approve(actor=world.manager, run=run)
    assert caught.value.code == "four_eyes"
    with pytest.raises(PermissionDenied):
        allocation_run_approve(actor=world.auditor, run=run)
    approved = allocation_run_approve(actor=second_manager(world), run=run)
    assert approved.status == AllocationRun.Status.APPROVED
    election.refresh_from_db()
    assert election.status == Election.Status.PUBLISHED
    statuses = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {
        ids[0]: ProposalStatus.SELECTED,
        ids[1]: ProposalStatus.SELECTED,
        ids[2]: ProposalStatus.NOT_SELECTED,
    }
    other = allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    with pytest.raises(Conflict):
        allocation_run_approve(actor=second_manager_again(world), run=other)


def second_manager_again(world):
    other = make_user("third.manager@example.org")
    grant(other, Role.PROGRAMME_MANAGER, world.programme)
    return other


def test_a_run_whose_ballots_changed_is_not_approved():
    world, election, ids = closed()
    run = allocation_run_create(actor=world.manager, election=election)
    # A ballot appears after the run (as a late paper import would): the inputs changed.
    Election.objects.filter(pk=election.pk).update(status=Election.Status.OPEN)
    election.refresh_from_db()
    (late,) = residents(world, 1, prefix="late")
    ballot_cast(
        actor=late,
        pot=election.pots.get(),
        choices=[Choice(ids[2])],
        now=election.closes_at - dt.timedelta(seconds=1),
    )
    Election.objects.filter(pk=election.pk).update(status=Election.Status.CLOSED)
    with pytest.raises(Conflict) as caught:
        allocation_run_approve(actor=second_manager(world), run=run)
    assert caught.value.code == "inputs_changed"
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.DRAFT


def test_two_rules_compared_side_by_side():
    world, election, _ids = closed()
    greedy = run_summary(allocation_run_create(actor=world.manager, election=election))
    mes = run_summary(
        allocation_run_create(actor=world.manager, election=election, spec=RunSpec(rule="mes"))
    )
    assert greedy.funded == 2
    assert greedy.total_cents == 180_000_000
    assert greedy.voters == len(PATTERN)
    # A or B funded: every ballot but the last (C alone) has a winner.
    assert greedy.voters_with_a_winner == 7
    assert greedy.per_pot[0][1:] == (2, 180_000_000)
    assert 0 < mes.share_with_a_winner <= 1
