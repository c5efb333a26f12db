"""The life cycle of a proposal: who may take which step, with which reason, and the record."""

from __future__ import annotations

import pytest
from django.core import mail

from barrio.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import NEXT, ProposalStatus
from barrio.participation.models import ProposalTransition
from barrio.participation.services import proposal_transition
from barrio.participation.tests.factories import build_world, make_proposal

pytestmark = pytest.mark.django_db
S = ProposalStatus


def test_every_status_has_its_next_steps() -> None:
    """The table names every status, and the end states lead nowhere."""
    assert set(NEXT) == set(S.values)
    for end in (S.REJECTED, S.NOT_APPROVED, S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN):
        assert NEXT[end] == frozenset()


def test_manager_starts_review_and_the_step_is_recorded(django_capture_on_commit_callbacks) -> None:
    """The move is recorded with who, from and to, and the group gets an e-mail."""
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        moved = proposal_transition(
            actor=world.manager, proposal=proposal, to_status=S.UNDER_REVIEW
        )
    assert moved.status == S.UNDER_REVIEW
    step = ProposalTransition.objects.get(proposal=proposal)
    assert (step.from_status, step.to_status, step.actor) == (
        S.SUBMITTED,
        S.UNDER_REVIEW,
        world.manager,
    )
    assert [message.to for message in mail.outbox] == [["vecinos@example.org"]]
    assert "En revisión" in mail.outbox[0].subject


def test_rejecting_needs_a_reason_and_changes_nothing_without_one() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.UNDER_REVIEW)
    with pytest.raises(ValidationFailed) as caught:
        proposal_transition(actor=world.manager, proposal=proposal, to_status=S.REJECTED)
    assert caught.value.errors[0].loc == ("reason",)
    proposal.refresh_from_db()
    assert proposal.status == S.UNDER_REVIEW
    assert not ProposalTransition.objects.exists()


def test_a_step_that_cannot_follow_is_a_conflict() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.DRAFT)
    with pytest.raises(Conflict) as caught:
        proposal_transition(actor=world.manager, proposal=proposal, to_status=S.ADMITTED)
    assert caught.value.code == "transition_not_allowed"
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


@pytest.mark.parametrize(
    ("actor", "to_status"),
    [
        ("reviewer", S.ADMITTED),  # the committee scores; the programme decides
        ("representative", S.ADMITTED),
        ("auditor", S.REJECTED),
        ("other_representative", S.WITHDRAWN),  # another colonia's group
    ],
)
def test_only_the_role_of_the_step_may_take_it(actor: str, to_status: str) -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.UNDER_REVIEW if to_status != S.WITHDRAWN else S.DRAFT)
    before = proposal.status
    with pytest.raises(PermissionDenied):
        proposal_transition(
            actor=getattr(world, actor), proposal=proposal, to_status=to_status, reason="x"
        )
    proposal.refresh_from_db()
    assert proposal.status == before


def test_the_group_withdraws_its_own_draft() -> None:
    world = build_world()
    proposal = make_proposal(world)
    moved = proposal_transition(
        actor=world.representative, proposal=proposal, to_status=S.WITHDRAWN
    )
    assert moved.status == S.WITHDRAWN


def test_submitting_is_not_a_decision_and_anonymous_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    world = build_world()
    proposal = make_proposal(world)
    with pytest.raises(ValidationFailed):
        proposal_transition(actor=world.manager, proposal=proposal, to_status=S.SUBMITTED)
    with pytest.raises(NotAuthenticated):
        proposal_transition(actor=AnonymousUser(), proposal=proposal, to_status=S.WITHDRAWN)
