"""vote_open puts the pots' approved proposals on the ballot; vote_close ends the vote."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import BallotItem, Election, ProposalTransition
from barrio.participation.services import PotSpec, vote_close, vote_create, vote_open
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.vote_factories import (
    GUERRERO,
    MORELOS,
    approved_proposals,
    open_vote,
    spec,
)

pytestmark = pytest.mark.django_db


def test_opening_puts_each_approved_proposal_on_its_pots_ballot():
    world = build_world()
    guerrero = approved_proposals(world, [10_000, 20_000])
    morelos = approved_proposals(world, [30_000], colonia=MORELOS)
    admitted = make_proposal(world, status="admitted", total_cents=5_000)
    pots = (
        PotSpec("Guerrero", 100_000, world.colonias[GUERRERO].pk),
        PotSpec("Resto", 100_000, None),
    )
    election = vote_create(actor=world.manager, call=world.call, spec=spec(world, pots=pots))
    opened = vote_open(actor=world.manager, election=election)
    assert opened.status == Election.Status.OPEN
    items = {
        (item.pot.name, item.proposal_id, item.cost_cents)
        for item in BallotItem.objects.select_related("pot")
    }
    assert items == {
        ("Guerrero", guerrero[0].pk, 10_000),
        ("Guerrero", guerrero[1].pk, 20_000),
        ("Resto", morelos[0].pk, 30_000),
    }
    for proposal in guerrero + morelos:
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.ON_BALLOT
    admitted.refresh_from_db()
    assert admitted.status == ProposalStatus.ADMITTED
    assert ProposalTransition.objects.filter(to_status=ProposalStatus.ON_BALLOT).count() == 3


def test_a_pot_without_proposals_is_refused_and_nothing_moves():
    world = build_world()
    approved_proposals(world, [10_000])
    pots = (
        PotSpec("Guerrero", 100_000, world.colonias[GUERRERO].pk),
        PotSpec("Morelos", 100_000, world.colonias[MORELOS].pk),
    )
    election = vote_create(actor=world.manager, call=world.call, spec=spec(world, pots=pots))
    with pytest.raises(ValidationFailed) as caught:
        vote_open(actor=world.manager, election=election)
    assert [e.loc for e in caught.value.errors] == [("pots", 1, "unit_id")]
    election.refresh_from_db()
    assert election.status == Election.Status.DRAFT
    assert not BallotItem.objects.exists()
    assert not ProposalTransition.objects.exists()


def test_only_a_draft_opens_and_only_a_manager_opens_it():
    world = build_world()
    election = open_vote(world)
    with pytest.raises(Conflict):
        vote_open(actor=world.manager, election=election)
    second = vote_create(actor=world.manager, call=world.call, spec=spec(world))
    with pytest.raises(PermissionDenied):
        vote_open(actor=world.team, election=second)


def test_a_vote_closes_once_its_period_is_over():
    world = build_world()
    election = open_vote(world)
    with pytest.raises(Conflict) as caught:
        vote_close(actor=world.manager, election=election)
    assert caught.value.code == "period_not_over"
    later = election.closes_at + dt.timedelta(seconds=1)
    closed = vote_close(actor=world.manager, election=election, now=later)
    assert closed.status == Election.Status.CLOSED
    with pytest.raises(Conflict):
        vote_close(actor=world.manager, election=closed, now=later)


def test_a_vote_whose_period_is_over_does_not_open():
    world = build_world()
    approved_proposals(world, [10_000])
    now = timezone.now()
    election = vote_create(
        actor=world.manager,
        call=world.call,
        spec=spec(world, opens_at=now - dt.timedelta(days=2), closes_at=now - dt.timedelta(days=1)),
    )
    with pytest.raises(Conflict):
        vote_open(actor=world.manager, election=election)
