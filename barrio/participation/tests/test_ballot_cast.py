"""ballot_cast: one ballot per person and pot, every limit checked, nothing stored on failure."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from barrio.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.models import Ballot, BallotChoice, Election, Voter
from barrio.participation.services import Choice, ballot_cast
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import MORELOS, open_vote, residents

pytestmark = pytest.mark.django_db


def setup(**fields):
    world = build_world()
    election = open_vote(world, **fields)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    return world, election, pot, ids


def nothing_stored():
    return not (Voter.objects.exists() or Ballot.objects.exists() or BallotChoice.objects.exists())


def test_a_resident_votes_and_gets_a_receipt_stored_apart_from_her_name():
    world, _election, pot, ids = setup()
    (ana,) = residents(world, 1)
    cast = ballot_cast(actor=ana, pot=pot, choices=[Choice(ids[0]), Choice(ids[2])])
    assert len(cast.receipt) == 9
    assert not cast.changed
    ballot = Ballot.objects.get()
    assert ballot.receipt == cast.receipt
    assert sorted(ballot.choices.values_list("item__proposal_id", flat=True)) == [ids[0], ids[2]]
    voter = Voter.objects.get()
    assert voter.user == ana
    assert voter.ballot_ref == ""
    # Nothing on the ballot names the voter.
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "pot", "receipt", "choices"}


NUMBERS = itertools.count()


def bad(world, pot, choices, loc, **kwargs):
    (voter,) = residents(world, 1, prefix=f"bad{next(NUMBERS)}-")
    with pytest.raises(ValidationFailed) as caught:
        ballot_cast(actor=voter, pot=pot, choices=choices, **kwargs)
    assert loc in [error.loc for error in caught.value.errors]
    assert nothing_stored()


def test_approval_ballot_limits():
    world, _election, pot, ids = setup()
    bad(world, pot, [], ("choices",))
    bad(world, pot, [Choice(p) for p in ids], ("choices",))  # 3 of at most 2
    bad(world, pot, [Choice(ids[0]), Choice(ids[0])], ("choices", 1, "proposal"))
    bad(world, pot, [Choice(999_999)], ("choices", 0, "proposal"))
    bad(world, pot, [Choice(ids[0], 2)], ("choices", 0, "value"))


def test_a_basket_cannot_go_over_the_budget():
    # Costs 100, 80 and 50 million cents; the pot has 200 million.
    world, _election, pot, ids = setup(ballot_kind="knapsack", max_choices=None)
    bad(world, pot, [Choice(ids[0]), Choice(ids[1]), Choice(ids[2])], ("choices",))
    (voter,) = residents(world, 1)
    ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0]), Choice(ids[1])])
    assert Ballot.objects.count() == 1


def test_points_cannot_go_over_the_total_or_the_cap():
    world, _election, pot, ids = setup(
        ballot_kind="cumulative", max_choices=None, points=10, max_points_per_project=6
    )
    bad(world, pot, [Choice(ids[0], 6), Choice(ids[1], 5)], ("choices",))
    bad(world, pot, [Choice(ids[0], 7)], ("choices", 0, "value"))
    bad(world, pot, [Choice(ids[0], 0)], ("choices", 0, "value"))
    (voter,) = residents(world, 1)
    ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0], 6), Choice(ids[1], 4)])
    assert sorted(BallotChoice.objects.values_list("value", flat=True)) == [4, 6]


def test_ranks_go_one_two_three():
    world, _election, pot, ids = setup(ballot_kind="ranked", max_choices=2, rule="mes")
    bad(world, pot, [Choice(ids[0], 1), Choice(ids[1], 3)], ("choices",))
    bad(world, pot, [Choice(ids[0], 1), Choice(ids[1], 1)], ("choices",))
    bad(world, pot, [Choice(ids[0], 1), Choice(ids[1], 2), Choice(ids[2], 3)], ("choices",))
    (voter,) = residents(world, 1)
    ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[2], 1), Choice(ids[0], 2)])
    assert Ballot.objects.count() == 1


def test_outside_the_period_nothing_is_taken():
    world, election, pot, ids = setup()
    (voter,) = residents(world, 1)
    for moment in (election.opens_at - dt.timedelta(seconds=1), election.closes_at):
        with pytest.raises(Conflict) as caught:
            ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0])], now=moment)
        assert caught.value.code == "vote_not_open"
    Election.objects.filter(pk=election.pk).update(status=Election.Status.CLOSED)
    with pytest.raises(Conflict):
        ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0])])
    assert nothing_stored()


def test_only_residents_of_the_pots_unit_vote():
    world, _election, pot, ids = setup()
    (neighbour,) = residents(world, 1, colonia=MORELOS)
    with pytest.raises(NotAuthenticated):
        ballot_cast(actor=AnonymousUser(), pot=pot, choices=[Choice(ids[0])])
    for user in (neighbour, world.manager, world.representative):
        with pytest.raises(PermissionDenied):
            ballot_cast(actor=user, pot=pot, choices=[Choice(ids[0])])
    assert nothing_stored()


def test_a_second_ballot_is_refused_and_the_first_stays():
    world, _election, pot, ids = setup()
    (voter,) = residents(world, 1)
    first = ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0])])
    with pytest.raises(Conflict) as caught:
        ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[1])])
    assert caught.value.code == "already_voted"
    assert Ballot.objects.get().receipt == first.receipt
    assert list(BallotChoice.objects.values_list("item__proposal_id", flat=True)) == [ids[0]]


def test_where_allowed_a_ballot_is_replaced_until_the_close():
    world, _election, pot, ids = setup(allow_change=True)
    voter, other = residents(world, 2)
    ballot_cast(actor=other, pot=pot, choices=[Choice(ids[2])])
    first = ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[0])])
    second = ballot_cast(actor=voter, pot=pot, choices=[Choice(ids[1]), Choice(ids[2])])
    assert second.changed
    assert second.receipt != first.receipt
    assert Ballot.objects.count() == 2
    assert Voter.objects.count() == 2
    assert not Ballot.objects.filter(receipt=first.receipt).exists()
    assert sorted(BallotChoice.objects.values_list("item__proposal_id", flat=True)) == sorted(
        [ids[1], ids[2], ids[2]]
    )
