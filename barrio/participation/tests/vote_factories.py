"""Votes for the voting tests: approved proposals, residents, an open vote of the world's call."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from barrio.accounts.models import Programme, Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.participation.models import (
    AllocationRun,
    Call,
    CommunityGroup,
    Election,
    Proposal,
    WorkKind,
)
from barrio.participation.services import (
    PotSpec,
    RunSpec,
    VoteSpec,
    allocation_run_approve,
    allocation_run_create,
    vote_close,
    vote_create,
    vote_open,
)
from barrio.participation.tests.factories import World, make_proposal
from barrio.territories.models import TerritorialUnit

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


@dataclass
class VotesOf:
    """Votes of a programme in each state, for the permission matrix (ids only)."""

    call_id: int
    draft_id: int
    open_id: int
    open_pot_id: int
    open_proposal_id: int
    closed_id: int
    run_id: int
    run_b_id: int
    published_id: int
    published_pot_id: int
    published_proposal_id: int
    approved_run_id: int
    new_draft: Callable[[], int]  # a draft vote with an approved proposal of its own
    new_expired: Callable[[], int]  # an open vote whose period is over
    new_run: Callable[[], tuple[int, int]]  # (vote, draft run by another manager) to approve
    # Census list and one-time codes: an open census vote, and a fresh person on its census
    # for each try (``True``: with a code sent, in ``"code"``).
    census_id: int = 0
    census_pot_id: int = 0
    census_proposal_id: int = 0
    new_census_person: Callable[[bool], dict[str, Any]] | None = None


def programme_votes(
    programme: Programme, unit: TerritorialUnit, manager: User, approver: User
) -> VotesOf:
    """A published call of ``programme`` and votes in every state, with one programme-wide
    pot each (any resident of the programme votes there); ``approver`` runs the allocations
    that ``manager`` may approve and approves what ``manager`` runs."""
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        slug="matrix-call",
        title="Call",
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
        programme=programme, name="Group", unit=unit, representative=manager
    )
    counter = itertools.count()

    def draft(**fields: Any) -> Election:
        proposal = Proposal.objects.create(
            call=call,
            group=group,
            unit=unit,
            title=f"Project {next(counter)}",
            kind=WorkKind.PARK,
            total_cents=5_000,
            status="approved",
        )
        values: dict[str, Any] = {
            "title": "Vote",
            "opens_at": now - dt.timedelta(hours=1),
            "closes_at": now + dt.timedelta(days=1),
            "ballot_kind": "approval",
            "rule": "greedy",
            "max_choices": 3,
            "allow_change": True,
            "pots": (PotSpec("All", 10_000, None),),
        }
        values.update(fields)
        election = vote_create(actor=approver, call=call, spec=VoteSpec(**values))
        election.matrix_proposal_id = proposal.pk  # type: ignore[attr-defined]
        return election

    def opened() -> Election:
        election = draft()
        proposal_id = election.matrix_proposal_id  # type: ignore[attr-defined]
        election = vote_open(actor=approver, election=election)
        election.matrix_proposal_id = proposal_id  # type: ignore[attr-defined]
        return election

    def expired() -> Election:
        election = opened()
        Election.objects.filter(pk=election.pk).update(closes_at=timezone.now())
        election.refresh_from_db()
        return election

    def closed() -> Election:
        election = expired()
        return vote_close(actor=approver, election=election)

    def new_run() -> tuple[int, int]:
        election = closed()
        return election.pk, allocation_run_create(actor=approver, election=election).pk

    open_vote_ = opened()
    closed_vote = closed()
    run = allocation_run_create(actor=approver, election=closed_vote)
    run_b = allocation_run_create(actor=approver, election=closed_vote, spec=RunSpec(rule="mes"))
    published_vote, published_run = new_run()
    allocation_run_approve(actor=manager, run=AllocationRun.objects.get(pk=published_run))
    published = Election.objects.get(pk=published_vote)
    from barrio.participation.tests.census_factories import census_person_maker

    census = draft(validation=Election.Validation.CENSUS)
    census_proposal = census.matrix_proposal_id  # type: ignore[attr-defined]
    census = vote_open(actor=approver, election=census)
    return VotesOf(
        call_id=call.pk,
        draft_id=draft().pk,
        open_id=open_vote_.pk,
        open_pot_id=open_vote_.pots.get().pk,
        open_proposal_id=open_vote_.matrix_proposal_id,  # type: ignore[attr-defined]
        closed_id=closed_vote.pk,
        run_id=run.pk,
        run_b_id=run_b.pk,
        published_id=published.pk,
        published_pot_id=published.pots.get().pk,
        published_proposal_id=published.pots.get().items.get().proposal_id,
        approved_run_id=published_run,
        new_draft=lambda: draft().pk,
        new_expired=lambda: expired().pk,
        new_run=new_run,
        census_id=census.pk,
        census_pot_id=census.pots.get().pk,
        census_proposal_id=census_proposal,
        new_census_person=census_person_maker(census),
    )


def second_manager(world: World) -> User:
    """Another programme manager: the one who approves what ``world.manager`` runs."""
    other = make_user("second.manager@example.org")
    grant(other, Role.PROGRAMME_MANAGER, world.programme)
    return other


def close_and_publish(world: World, election: Election, rule: str = "greedy") -> AllocationRun:
    """Close ``election`` just after its period, decide it by ``rule`` (the manager) and
    publish the run (a second manager approves it)."""
    closed = vote_close(
        actor=world.manager, election=election, now=election.closes_at + dt.timedelta(seconds=1)
    )
    run = allocation_run_create(actor=world.manager, election=closed, spec=RunSpec(rule=rule))
    return allocation_run_approve(actor=second_manager(world), run=run)
