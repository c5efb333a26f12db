"""vote_create: a draft vote with its pots; every bad input is named and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest

from barrio.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.models import Call, Election, Pot
from barrio.participation.services import PotSpec, vote_create
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import GUERRERO, MORELOS, spec

pytestmark = pytest.mark.django_db


def test_manager_creates_a_vote_with_a_pot_per_colonia_and_one_for_the_programme():
    world = build_world()
    pots = (
        PotSpec("Guerrero", 100_000_000, world.colonias[GUERRERO].pk),
        PotSpec("Morelos", 80_000_000, world.colonias[MORELOS].pk),
        PotSpec("Toda la alcaldía", 50_000_000, None),
    )
    election = vote_create(
        actor=world.manager, call=world.call, spec=spec(world, pots=pots, allow_change=True)
    )
    assert election.status == Election.Status.DRAFT
    assert election.created_by == world.manager
    assert [(p.name, p.budget_cents) for p in election.pots.all()] == [
        ("Guerrero", 100_000_000),
        ("Morelos", 80_000_000),
        ("Toda la alcaldía", 50_000_000),
    ]


BAD = [
    ({"title": " "}, ("title",)),
    ({"ballot_kind": "plurality"}, ("ballot_kind",)),
    ({"max_choices": None}, ("max_choices",)),
    ({"max_choices": 0}, ("max_choices",)),
    ({"ballot_kind": "cumulative", "max_choices": None}, ("points",)),
    (
        {"ballot_kind": "cumulative", "points": 5, "max_points_per_project": 6},
        ("max_points_per_project",),
    ),
    ({"ballot_kind": "ranked", "max_choices": None}, ("max_choices",)),
    ({"points": 10}, ("points",)),
    ({"rule": "borda"}, ("rule",)),
    ({"ballot_kind": "cumulative", "points": 10, "rule": "phragmen"}, ("rule",)),
    ({"rule": "greedy-threshold"}, ("threshold",)),
    ({"tie_breaking": "coin"}, ("tie_breaking",)),
    ({"pots": ()}, ("pots",)),
    ({"pots": (PotSpec("", 10, None),)}, ("pots", 0, "name")),
    ({"pots": (PotSpec("x", 0, None),)}, ("pots", 0, "budget_cents")),
    ({"pots": (PotSpec("x", 10, None), PotSpec("y", 10, None))}, ("pots", 1, "unit_id")),
    ({"pots": (PotSpec("x", 10, 999_999),)}, ("pots", 0, "unit_id")),
]


@pytest.mark.parametrize(("fields", "loc"), BAD)
def test_bad_input_is_named_and_nothing_is_stored(fields, loc):
    world = build_world()
    with pytest.raises(ValidationFailed) as caught:
        vote_create(actor=world.manager, call=world.call, spec=spec(world, **fields))
    assert loc in [error.loc for error in caught.value.errors]
    assert not Election.objects.exists()
    assert not Pot.objects.exists()


def test_period_must_be_time_zone_aware_and_in_order():
    world = build_world()
    naive = dt.datetime(2026, 12, 1, 9, 0)
    with pytest.raises(ValidationFailed) as caught:
        vote_create(actor=world.manager, call=world.call, spec=spec(world, opens_at=naive))
    assert [e.loc for e in caught.value.errors] == [("opens_at",)]
    s = spec(world)
    with pytest.raises(ValidationFailed) as caught:
        vote_create(
            actor=world.manager,
            call=world.call,
            spec=spec(world, opens_at=s.closes_at, closes_at=s.opens_at),
        )
    assert [e.loc for e in caught.value.errors] == [("closes_at",)]
    assert not Election.objects.exists()


def test_a_unit_outside_the_call_is_refused():
    world = build_world()
    world.call.units.set([world.colonias[MORELOS]])
    with pytest.raises(ValidationFailed) as caught:
        vote_create(actor=world.manager, call=world.call, spec=spec(world))
    assert [e.loc for e in caught.value.errors] == [("pots", 0, "unit_id")]


def test_only_a_manager_of_the_programme_creates_votes():
    world = build_world()
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        vote_create(actor=AnonymousUser(), call=world.call, spec=spec(world))
    for user in (world.team, world.representative, world.auditor, world.reviewer):
        with pytest.raises(PermissionDenied):
            vote_create(actor=user, call=world.call, spec=spec(world))
    assert not Election.objects.exists()


def test_a_cancelled_call_gets_no_vote():
    world = build_world()
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.CANCELLED)
    world.call.refresh_from_db()
    with pytest.raises(Conflict):
        vote_create(actor=world.manager, call=world.call, spec=spec(world))
    assert not Election.objects.exists()
