"""Committee and assembly pieces on top of :func:`factories.build_world`."""

from __future__ import annotations

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.participation.models import CommitteeMember, Proposal, ReviewAssignment
from barrio.participation.services import (
    ScoreEntry,
    committee_member_add,
    review_assign,
    review_declare,
    review_score,
)
from barrio.participation.tests.factories import World


def add_member(world: World, user=None, *, affiliation: str = "official") -> CommitteeMember:
    """Put ``user`` (default: the world's reviewer) on the call's committee."""
    return committee_member_add(
        actor=world.manager,
        call=world.call,
        user=user or world.reviewer,
        affiliation=affiliation,
        organisation="SEDUVI",
    )


def second_reviewer(world: World, email: str = "academica@example.org"):
    """Another committee member of the programme, on the committee."""
    user = make_user(email)
    grant(user, Role.COMMITTEE_MEMBER, world.programme)
    return user, add_member(world, user, affiliation="academic")


def scored(
    world: World, proposal: Proposal, member: CommitteeMember, values: dict[str, int]
) -> ReviewAssignment:
    """Assign, declare no conflict and score ``values`` ({criterion code: value})."""
    assignment = review_assign(actor=world.manager, proposal=proposal, member=member)
    review_declare(actor=member.user, assignment=assignment, conflict=False)
    review_score(
        actor=member.user,
        assignment=assignment,
        scores={code: ScoreEntry(value, f"Razón de {code}.") for code, value in values.items()},
    )
    return assignment
