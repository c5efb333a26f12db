"""Many ballots at once, each thread on its own database connection: every ballot counted
exactly once, a person's second ballot sent at the same instant refused with the clear error.

This runs on both databases CI uses. On PostgreSQL the threads really write at the same time
and the uniqueness constraints decide (a second insert of the same voter waits for the first
and then fails); on SQLite (a file, in WAL mode, with IMMEDIATE transactions, see settings)
the writers queue for the database's lock, which checks that nobody fails with "database is
locked" and that the order of arrival changes nothing. Nothing is skipped on either.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from barrio.errors import BarrioError
from barrio.participation.models import Ballot, BallotChoice, CensusEntry, Voter
from barrio.participation.services import Choice, ballot_cast
from barrio.participation.services.codes import census_ballot_cast, census_identify
from barrio.participation.tests.census_factories import census_person_maker
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.vote_factories import open_vote, residents

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each of ``calls`` in its own thread, all released at once; each returns its value
    or the error it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        try:
            barrier.wait(timeout=60)
            return call()
        except Exception as error:  # each outcome, error or not, is checked by the test
            return error
        finally:
            connections.close_all()  # each thread had its own connection

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_online_ballots_are_each_counted_once():
    world = build_world()
    election = open_vote(world, allow_change=False)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    people = residents(world, 12)
    # Twelve people; four of them send their ballot twice at the same instant.
    plan = [(person, ids[n % 3]) for n, person in enumerate(people)]
    plan += [(person, ids[(n + 1) % 3]) for n, person in enumerate(people[:4])]
    plan.sort(key=lambda pair: pair[0].pk)  # the two ballots of a person start together
    outcomes = run_at_once(
        [
            lambda person=person, proposal=proposal: ballot_cast(
                actor=person, pot=pot, choices=[Choice(proposal)]
            )
            for person, proposal in plan
        ]
    )
    unexpected = [
        o for o in outcomes if isinstance(o, Exception) and not isinstance(o, BarrioError)
    ]
    assert not unexpected, unexpected
    refused = [o for o in outcomes if isinstance(o, BarrioError)]
    assert [error.code for error in refused] == ["already_voted"] * 4
    receipts = [o.receipt for o in outcomes if not isinstance(o, BarrioError)]
    assert len(receipts) == len(set(receipts)) == 12
    assert Voter.objects.filter(pot=pot).count() == 12
    assert sorted(Ballot.objects.filter(pot=pot).values_list("receipt", flat=True)) == sorted(
        receipts
    )
    # Each stored ballot is one of the plan's: counting from the stored choices gives one
    # ballot per person, whichever of a person's two arrived first.
    counted = Counter(BallotChoice.objects.values_list("item__proposal_id", flat=True))
    assert sum(counted.values()) == 12
    assert connection.vendor in {"sqlite", "postgresql"}


def test_concurrent_census_ballots_with_the_same_code_count_once():
    world = build_world()
    election = open_vote(world, validation="census")
    # The maker's people have no unit; this vote's one pot is Guerrero's: place them there.
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    make = census_person_maker(election)
    people = [make(True) for _ in range(6)]
    CensusEntry.objects.update(unit=pot.unit)
    entries = [
        census_identify(
            election=election,
            document_number=p["document_number"],
            birth_date=dt.date.fromisoformat(p["birth_date"]),
        )
        for p in people
    ]
    # Every person sends the same ballot twice at once with the one code they were sent.
    calls = [
        lambda entry=entry, code=person["code"], n=n: census_ballot_cast(
            pot=pot, entry=entry, code=code, choices=[Choice(ids[n % 3])]
        )
        for n, (entry, person) in enumerate(zip(entries, people, strict=True))
        for _twice in range(2)
    ]
    outcomes = run_at_once(calls)
    unexpected = [
        o for o in outcomes if isinstance(o, Exception) and not isinstance(o, BarrioError)
    ]
    assert not unexpected, unexpected
    refused = [o for o in outcomes if isinstance(o, BarrioError)]
    assert len(refused) == 6
    assert {error.code for error in refused} <= {"code_used", "already_voted"}
    assert Voter.objects.filter(pot=pot).count() == 6
    assert Ballot.objects.filter(pot=pot).count() == 6
    assert BallotChoice.objects.count() == 6
