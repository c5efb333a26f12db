"""Polling stations: set up, officials, and ballots entered in person by an official."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.models import (
    Ballot,
    BallotChoice,
    Election,
    PollingStation,
    StationOfficial,
    StationVoter,
)
from barrio.participation.services import (
    Choice,
    ballot_cast,
    station_ballot_enter,
    station_create,
    station_official_assign,
)
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.paper_factories import officials, paper_vote, station
from barrio.participation.tests.vote_factories import MORELOS, residents

pytestmark = pytest.mark.django_db


def in_person():
    world = build_world()
    election, made, people = paper_vote(world, validation="in_person")
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    return world, election, made, people, pot, ids


def nothing_voted():
    return not (
        StationVoter.objects.exists() or Ballot.objects.exists() or BallotChoice.objects.exists()
    )


def test_an_official_enters_a_ballot_and_only_the_documents_hash_is_kept():
    _world, _election, made, people, pot, ids = in_person()
    cast = station_ballot_enter(
        actor=people[0],
        station=made,
        pot=pot,
        document_type="ine",
        document_number="GRRO 850101 H300",
        choices=[Choice(ids[0]), Choice(ids[1])],
    )
    assert Ballot.objects.get().receipt == cast.receipt
    voter = StationVoter.objects.get()
    assert voter.station == made
    assert voter.entered_by == people[0]
    assert "850101" not in voter.person_index
    assert len(voter.person_index) == 64


def test_the_same_person_cannot_vote_twice_at_two_stations():
    world, election, made, people, pot, ids = in_person()
    other = station(world, election, people[:1], code="M-02")
    station_ballot_enter(
        actor=people[0],
        station=made,
        pot=pot,
        document_type="ine",
        document_number="GRRO850101H300",
        choices=[Choice(ids[0])],
    )
    with pytest.raises(Conflict) as error:
        station_ballot_enter(
            actor=people[0],
            station=other,
            pot=pot,
            document_type="ine",
            document_number="grro-850101-h300",  # the same number, typed otherwise
            choices=[Choice(ids[1])],
        )
    assert error.value.code == "already_voted"
    assert Ballot.objects.count() == 1
    assert StationVoter.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"document_type": "carnet"}, ("document_type",)),
        ({"document_number": " - "}, ("document_number",)),
        ({"choices": []}, ("choices",)),
        ({"choices": [Choice(10**9)]}, ("choices", 0, "proposal")),
        ({"choices": "three"}, ("choices",)),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(fields, loc):
    _world, _election, made, people, pot, ids = in_person()
    values = {
        "document_type": "ine",
        "document_number": "X1",
        "choices": [Choice(ids[0])],
    }
    values.update(fields)
    if values["choices"] == "three":
        values["choices"] = [Choice(i) for i in ids]  # over the limit of two
    with pytest.raises(ValidationFailed) as error:
        station_ballot_enter(actor=people[0], station=made, pot=pot, **values)
    assert loc in [e.loc for e in error.value.errors]
    assert nothing_voted()


def test_only_an_assigned_official_enters_ballots():
    world, _election, made, _people, pot, ids = in_person()
    (unassigned,) = officials(world, 1, prefix="unassigned")
    for actor in (unassigned, world.manager, residents(world, 1)[0]):
        with pytest.raises(PermissionDenied):
            station_ballot_enter(
                actor=actor,
                station=made,
                pot=pot,
                document_type="ine",
                document_number="X1",
                choices=[Choice(ids[0])],
            )
    assert nothing_voted()


def test_in_person_ballots_only_in_an_in_person_vote_and_inside_its_period():
    world = build_world()
    election, made, people = paper_vote(world)  # signed-in residents vote online
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.all()]
    kwargs = {"document_type": "ine", "document_number": "X1", "choices": [Choice(ids[0])]}
    with pytest.raises(Conflict) as error:
        station_ballot_enter(actor=people[0], station=made, pot=pot, **kwargs)
    assert error.value.code == "not_in_person"

    Election.objects.filter(pk=election.pk).update(validation="in_person")
    late = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(Conflict) as error:
        station_ballot_enter(actor=people[0], station=made, pot=pot, now=late, **kwargs)
    assert error.value.code == "vote_not_open"
    assert nothing_voted()


def test_a_vote_held_in_person_takes_no_online_ballot():
    world, _election, _made, _people, pot, ids = in_person()
    (ana,) = residents(world, 1)
    with pytest.raises(Conflict) as error:
        ballot_cast(actor=ana, pot=pot, choices=[Choice(ids[0])])
    assert error.value.code == "in_person_only"
    assert nothing_voted()


def test_station_set_up_checks_every_field_and_stores_nothing_on_error():
    world, election, made, _people, _pot, _ids = in_person()
    with pytest.raises(ValidationFailed) as error:
        station_create(
            actor=world.manager, election=election, code="M-01", name=" ", place="", unit=None
        )
    assert {e.loc for e in error.value.errors} == {("code",), ("name",), ("place",)}
    with pytest.raises(PermissionDenied):
        station_create(
            actor=world.team, election=election, code="M-09", name="n", place="p", unit=None
        )
    with pytest.raises(ValidationFailed) as error:  # no pot of this vote covers Morelos
        station_create(
            actor=world.manager,
            election=election,
            code="M-09",
            name="n",
            place="p",
            unit=world.colonias[MORELOS],
        )
    assert [e.loc for e in error.value.errors] == [("unit_id",)]
    assert list(PollingStation.objects.all()) == [made]


def test_an_official_needs_the_role_where_the_station_is_and_is_assigned_once():
    world, _election, made, people, _pot, _ids = in_person()
    (elsewhere,) = officials(world, 1, colonia=MORELOS)
    with pytest.raises(ValidationFailed):
        station_official_assign(actor=world.manager, station=made, user=elsewhere)
    with pytest.raises(Conflict):
        station_official_assign(actor=world.manager, station=made, user=people[0])
    with pytest.raises(PermissionDenied):
        station_official_assign(actor=people[0], station=made, user=people[1])
    assert StationOfficial.objects.count() == 2
