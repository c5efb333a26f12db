"""Polling stations and paper tables for the tests of stations and paper ballots."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from barrio.accounts.models import Programme, Role, RoleGrant
from barrio.accounts.tests.factories import grant, make_user
from barrio.participation.models import (
    Call,
    CommunityGroup,
    Election,
    PollingStation,
    Proposal,
    WorkKind,
)
from barrio.participation.services import (
    PotSpec,
    VoteSpec,
    paper_entry_import,
    station_create,
    station_official_assign,
    vote_create,
    vote_open,
)
from barrio.participation.tests.factories import World
from barrio.participation.tests.vote_factories import GUERRERO, open_vote
from barrio.territories.models import TerritorialUnit


def officials(
    world: World, count: int, colonia: str = GUERRERO, prefix: str = "official"
) -> list[User]:
    """``count`` users with the municipal-team role in ``colonia``."""
    people = []
    for number in range(count):
        user = make_user(f"{prefix}{number}.{colonia}@example.org")
        grant(user, Role.MUNICIPAL_TEAM, world.programme, world.colonias[colonia])
        people.append(user)
    return people


def station(
    world: World, election: Election, people: Sequence[User], code: str = "M-01"
) -> PollingStation:
    """A station of ``election`` in Guerrero with ``people`` as its officials."""
    made = station_create(
        actor=world.manager,
        election=election,
        code=code,
        name=f"Mesa {code}",
        place="Jardín Guerrero",
        unit=world.colonias[GUERRERO],
    )
    for person in people:
        station_official_assign(actor=world.manager, station=made, user=person)
    return made


def paper_vote(world: World, **fields: Any) -> tuple[Election, PollingStation, list[User]]:
    """An open vote over Guerrero (three projects) and a station with two officials."""
    election = open_vote(world, **fields)
    people = officials(world, 2)
    return election, station(world, election, people), people


def table(tmp_path: Path, rows: Sequence[Sequence[Any]], name: str = "papel.csv") -> Path:
    """Write ``rows`` (the header first) as a CSV file and return its path."""
    path = tmp_path / name
    path.write_text("\n".join(",".join(str(c) for c in row) for row in rows) + "\n")
    return path


def sheet_rows(
    election: Election, sheets: Sequence[Sequence[int]], station_code: str = "M-01"
) -> list[list[Any]]:
    """A sheets table: one row per sheet with its value for each project of the ballot."""
    pot = election.pots.get()
    refs = [item.proposal.reference for item in pot.items.order_by("position")]
    rows: list[list[Any]] = [["station", "sheet", *refs]]
    for number, values in enumerate(sheets, start=1):
        rows.append([station_code, number, *[v or "" for v in values]])
    return rows


@dataclass
class StationsOf:
    """An open in-person vote of a programme with stations, for the permission matrix."""

    vote_id: int
    pot_id: int
    proposal_id: int
    station_id: int  # every whole-programme member of the municipal team is its official
    new_station: Callable[[], int]  # a fresh station with the same officials
    new_official: Callable[[], User]  # a fresh member of the municipal team
    new_disputed: Callable[[], int]  # a fresh station whose two entries disagree
    new_document: Callable[[], str]


def programme_stations(programme: Programme, unit: TerritorialUnit, manager: User) -> StationsOf:
    """An open in-person vote of ``programme`` (a programme-wide pot, one project), a
    station whose officials are the programme's municipal team, and fresh ones on demand."""
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        slug="paper-matrix-call",
        title="Paper call",
        status=Call.Status.PUBLISHED,
        submission_opens_at=now - dt.timedelta(days=90),
        submission_closes_at=now - dt.timedelta(days=60),
        review_closes_at=now - dt.timedelta(days=50),
        assemblies_close_at=now - dt.timedelta(days=40),
        results_at=now + dt.timedelta(days=40),
        max_project_cents=10_000,
        total_cents=100_000,
    )
    group = CommunityGroup.objects.create(
        programme=programme, name="Mesa", unit=unit, representative=manager
    )
    proposal = Proposal.objects.create(
        call=call,
        group=group,
        unit=unit,
        title="Paper project",
        kind=WorkKind.PARK,
        total_cents=5_000,
        status="approved",
        reference="PM-0001",
    )
    spec = VoteSpec(
        title="In person",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
        ballot_kind="approval",
        rule="greedy",
        max_choices=1,
        validation="in_person",
        pots=(PotSpec("All", 10_000, None),),
    )
    election = vote_open(actor=manager, election=vote_create(actor=manager, call=call, spec=spec))
    pot = election.pots.get()
    counter = itertools.count()
    typists = []
    for name in ("typist-a", "typist-b"):
        typist = make_user(f"{name}@paper.example.org")
        grant(typist, Role.MUNICIPAL_TEAM, programme)
        typists.append(typist)

    def new_station(people: Sequence[User] | None = None) -> int:
        made = station_create(
            actor=manager,
            election=election,
            code=f"S-{next(counter)}",
            name="Mesa",
            place="Plaza",
            unit=None,
        )
        team = RoleGrant.objects.filter(
            programme=programme, role=Role.MUNICIPAL_TEAM, unit=None
        ).values_list("user", flat=True)
        for user in people if people is not None else User.objects.filter(pk__in=team):
            station_official_assign(actor=manager, station=made, user=user)
        return made.pk

    def new_official() -> User:
        user = make_user(f"official-{next(counter)}@paper.example.org")
        grant(user, Role.MUNICIPAL_TEAM, programme)
        return user

    def new_disputed() -> int:
        made = PollingStation.objects.get(pk=new_station(typists))
        with tempfile.TemporaryDirectory() as folder:
            for typist, value in zip(typists, (1, ""), strict=True):
                path = table(Path(folder), [["station", "sheet", "PM-0001"], [made.code, 1, value]])
                paper_entry_import(actor=typist, station=made, pot=pot, kind="sheets", path=path)
        return made.pk

    return StationsOf(
        vote_id=election.pk,
        pot_id=pot.pk,
        proposal_id=proposal.pk,
        station_id=new_station(),
        new_station=new_station,
        new_official=new_official,
        new_disputed=new_disputed,
        new_document=lambda: f"DOC{next(counter)}",
    )
