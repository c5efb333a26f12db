"""The demo's committee review and assembly: on the demo call's proposals, once."""

from __future__ import annotations

import pytest

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant
from barrio.demo.reviews import MANAGER, MEMBER, TEAM, load_review_demo
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    Assembly,
    CommitteeMember,
    ResidentCommittee,
    ReviewScore,
)
from barrio.participation.selectors.assemblies import approved_proposals_with_committees
from barrio.participation.tests.factories import build_world, make_proposal

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_demo_review_scores_admits_and_an_assembly_approves_once() -> None:
    world = build_world()
    grant(world.team, Role.MUNICIPAL_TEAM, world.programme, world.colonias["015-001"])
    for title in ("Parque", "Luminarias", "Centro comunitario"):
        make_proposal(world, status=S.SUBMITTED, title=title)
    users = {MANAGER: world.manager, MEMBER: world.reviewer, TEAM: world.team}
    load_review_demo(world.programme, users)
    approved = list(approved_proposals_with_committees(world.programme))
    assert len(approved) == 1
    assert ResidentCommittee.objects.filter(proposal=approved[0]).count() == 3
    assert ReviewScore.objects.count() == 3 * 2
    counts = (CommitteeMember.objects, Assembly.objects, ReviewScore.objects)
    before = tuple(manager.count() for manager in counts)
    load_review_demo(world.programme, users)
    assert tuple(manager.count() for manager in counts) == before


def test_demo_review_does_nothing_without_a_call() -> None:
    world = build_world()
    world.call.delete()
    load_review_demo(world.programme, {MANAGER: world.manager, MEMBER: world.reviewer})
    assert not CommitteeMember.objects.exists()
