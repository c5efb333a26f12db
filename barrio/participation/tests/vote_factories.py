"""Votes for the voting tests: approved proposals, residents, an open vote of the world's call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.participation.models import Election, Proposal
from barrio.participation.services import PotSpec, VoteSpec, vote_create, vote_open
from barrio.participation.tests.factories import World, make_proposal

GUERRERO = "015-001"
MORELOS = "015-002"


def residents(world: World, count: int, colonia: str = GUERRERO, prefix: str = "v") -> list[User]:
    """``count`` users with the resident role in ``colonia``."""
    people = []
    for number in range(count):
        user = make_user(f"{prefix}{number}.{colonia}@example.org")
        grant(user, Role.RESIDENT, world.programme, world.colonias[colonia])
        people.append(user)
    return people


def approved_proposals(world: World, costs: list[int], colonia: str = GUERRERO) -> list[Proposal]:
    """Approved proposals of the world's group, one per cost (in cents), in ``colonia``."""
    made = []
    for number, cost in enumerate(costs):
        proposal = make_proposal(
            world,
            status="approved",
            title=f"Proyecto {colonia} {number + 1}",
            total_cents=cost,
            reference=f"P-{colonia}-{number + 1:02d}",
        )
        if colonia != GUERRERO:
            proposal.unit = world.colonias[colonia]
            proposal.save(update_fields=["unit"])
        made.append(proposal)
    return made


def spec(world: World, **fields: Any) -> VoteSpec:
    """A valid approval vote over Guerrero, open from an hour ago for a day."""
    now = timezone.now()
    values: dict[str, Any] = {
        "title": "Consulta 2026",
        "opens_at": now - dt.timedelta(hours=1),
        "closes_at": now + dt.timedelta(days=1),
        "ballot_kind": "approval",
        "rule": "greedy",
        "max_choices": 2,
        "pots": (PotSpec("Guerrero", 200_000_000, world.colonias[GUERRERO].pk),),
    }
    values.update(fields)
    return VoteSpec(**values)


def open_vote(world: World, costs: list[int] | None = None, **fields: Any) -> Election:
    """An open vote over Guerrero whose ballot holds one approved proposal per cost."""
    approved_proposals(world, costs or [100_000_000, 80_000_000, 50_000_000])
    election = vote_create(actor=world.manager, call=world.call, spec=spec(world, **fields))
    return vote_open(actor=world.manager, election=election)
