"""The committee review: members, assignments, declarations, scores and decisions.

After every refusal, nothing has changed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    CommitteeMember,
    ProposalTransition,
    ReviewAssignment,
    ReviewDecision,
    ReviewScore,
)
from barrio.participation.selectors.reviews import (
    assignment_get_for_user,
    proposal_aggregate,
    review_overview,
    review_queue_for_user,
)
from barrio.participation.services import (
    ScoreEntry,
    committee_member_add,
    review_assign,
    review_decide,
    review_declare,
    review_score,
)
from barrio.participation.tests.factories import build_world, make_proposal
from barrio.participation.tests.review_factories import add_member, scored, second_reviewer

pytestmark = pytest.mark.django_db
S = ProposalStatus
GOOD = {"feasibility": ScoreEntry(4, "Predio municipal."), "impact": ScoreEntry(5, "Sin parques.")}


def _snapshot():
    return (
        CommitteeMember.objects.count(),
        list(ReviewAssignment.objects.values_list("pk", "declaration")),
        list(ReviewScore.objects.values_list("pk", "value", "reason")),
        ReviewDecision.objects.count(),
        ProposalTransition.objects.count(),
    )


def test_member_must_hold_the_committee_role_and_sit_once() -> None:
    world = build_world()
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        committee_member_add(
            actor=world.manager, call=world.call, user=world.team, affiliation="official"
        )
    assert caught.value.errors[0].loc == ("user",)
    with pytest.raises(ValidationFailed):
        committee_member_add(
            actor=world.manager, call=world.call, user=world.reviewer, affiliation="royalty"
        )
    with pytest.raises(PermissionDenied):
        committee_member_add(
            actor=world.team, call=world.call, user=world.reviewer, affiliation="official"
        )
    assert _snapshot() == before
    add_member(world)
    with pytest.raises(Conflict):
        add_member(world)
    assert CommitteeMember.objects.count() == 1


def test_assigning_a_submitted_proposal_puts_it_under_review() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    member = add_member(world)
    review_assign(actor=world.manager, proposal=proposal, member=member)
    proposal.refresh_from_db()
    assert proposal.status == S.UNDER_REVIEW
    step = ProposalTransition.objects.get(proposal=proposal)
    assert (step.to_status, step.actor) == (S.UNDER_REVIEW, world.manager)


def test_assignment_outside_the_members_scope_or_of_a_draft_is_refused() -> None:
    world = build_world()
    limited = make_user("vecina.experta@example.org")
    grant(limited, Role.COMMITTEE_MEMBER, world.programme, world.colonias["015-002"])
    member = add_member(world, limited, affiliation="civil_society")
    proposal = make_proposal(world, status=S.SUBMITTED)  # in colonia 015-001
    draft = make_proposal(world, status=S.DRAFT)
    before = _snapshot()
    with pytest.raises(ValidationFailed) as caught:
        review_assign(actor=world.manager, proposal=proposal, member=member)
    assert caught.value.errors[0].loc == ("member",)
    with pytest.raises(Conflict):
        review_assign(actor=world.manager, proposal=draft, member=add_member(world))
    with pytest.raises(PermissionDenied):
        review_assign(actor=world.reviewer, proposal=proposal, member=member)
    assert _snapshot()[1:] == before[1:]
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_member_sees_only_their_assigned_proposals_in_scope() -> None:
    world = build_world()
    mine = make_proposal(world, status=S.SUBMITTED, title="Mío")
    theirs = make_proposal(world, status=S.SUBMITTED, title="Ajeno")
    unassigned = make_proposal(world, status=S.SUBMITTED, title="Sin asignar")
    member = add_member(world)
    _other_user, other = second_reviewer(world)
    own = review_assign(actor=world.manager, proposal=mine, member=member)
    foreign = review_assign(actor=world.manager, proposal=theirs, member=other)
    queue = review_queue_for_user(user=world.reviewer, programme=world.programme)
    assert [a.proposal.title for a in queue] == ["Mío"]
    assert assignment_get_for_user(user=world.reviewer, assignment_id=own.pk) == own
    with pytest.raises(NotFound):
        assignment_get_for_user(user=world.reviewer, assignment_id=foreign.pk)
    assert review_queue_for_user(user=world.manager, programme=world.programme).count() == 0
    assert unassigned.title not in {a.proposal.title for a in queue}
    # The member's role withdrawn from the unit: the assignment leaves the queue too.
    world.reviewer.role_grants.update(revoked_at="2020-01-01T00:00Z")
    assert review_queue_for_user(user=world.reviewer, programme=world.programme).count() == 0


def test_scoring_needs_declaration_every_criterion_in_scale_and_a_reason() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    member = add_member(world)
    assignment = review_assign(actor=world.manager, proposal=proposal, member=member)
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        review_score(actor=world.reviewer, assignment=assignment, scores=GOOD)
    assert caught.value.code == "not_declared"
    review_declare(actor=world.reviewer, assignment=assignment, conflict=False)
    bad = {"feasibility": ScoreEntry(6, "Demasiado."), "impact": ScoreEntry(3, "  ")}
    with pytest.raises(ValidationFailed) as invalid:
        review_score(actor=world.reviewer, assignment=assignment, scores=bad)
    assert {e.loc for e in invalid.value.errors} == {
        ("scores", "feasibility", "value"),
        ("scores", "impact", "reason"),
    }
    with pytest.raises(ValidationFailed) as unknown:
        review_score(
            actor=world.reviewer,
            assignment=assignment,
            scores={"feasibility": GOOD["feasibility"], "beauty": ScoreEntry(1, "x")},
        )
    assert ("scores", "beauty") in {e.loc for e in unknown.value.errors}
    assert ("scores", "impact", "value") in {e.loc for e in unknown.value.errors}
    assert ReviewScore.objects.count() == 0
    assert _snapshot()[0] == before[0]
    saved = review_score(actor=world.reviewer, assignment=assignment, scores=GOOD)
    assert [(s.criterion.code, s.value) for s in saved] == [("feasibility", 4), ("impact", 5)]


def test_somebody_not_assigned_or_not_on_the_committee_cannot_review() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    member = add_member(world)
    assignment = review_assign(actor=world.manager, proposal=proposal, member=member)
    other_user, _other = second_reviewer(world)  # on the committee, not assigned
    outsider = make_user("fuera@example.org")
    grant(outsider, Role.COMMITTEE_MEMBER, world.programme)  # the role, not on the committee
    before = _snapshot()
    for actor in (other_user, outsider, world.manager):
        with pytest.raises(PermissionDenied):
            review_declare(actor=actor, assignment=assignment, conflict=False)
        with pytest.raises(PermissionDenied):
            review_score(actor=actor, assignment=assignment, scores=GOOD)
    assert _snapshot() == before


def test_a_declared_conflict_takes_the_member_off_the_proposal() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    member = add_member(world)
    assignment = review_assign(actor=world.manager, proposal=proposal, member=member)
    with pytest.raises(ValidationFailed):
        review_declare(actor=world.reviewer, assignment=assignment, conflict=True)
    review_declare(
        actor=world.reviewer, assignment=assignment, conflict=True, reason="Vivo en el predio."
    )
    assignment.refresh_from_db()
    assert assignment.declaration == ReviewAssignment.Declaration.CONFLICT
    assert assignment.conflict_reason == "Vivo en el predio."
    assert assignment.declared_at is not None
    before = _snapshot()
    with pytest.raises(Conflict) as caught:
        review_score(actor=world.reviewer, assignment=assignment, scores=GOOD)
    assert caught.value.code == "conflict_declared"
    with pytest.raises(Conflict):
        review_declare(actor=world.reviewer, assignment=assignment, conflict=False)
    assert _snapshot() == before


def test_aggregate_leaves_out_conflicts_and_the_overview_ranks_by_it() -> None:
    world = build_world()
    first = make_proposal(world, status=S.SUBMITTED, title="Primero")
    second = make_proposal(world, status=S.SUBMITTED, title="Segundo")
    member = add_member(world)
    _user, other = second_reviewer(world)
    scored(world, first, member, {"feasibility": 5, "impact": 3})
    scored(world, first, other, {"feasibility": 4, "impact": 4})
    scored(world, second, member, {"feasibility": 1, "impact": 1})
    summary = proposal_aggregate(first)
    assert summary.value == 82
    assert summary.members == 2
    rows = review_overview(user=world.manager, call=world.call)
    assert [row.proposal.title for row in rows] == ["Primero", "Segundo"]
    assert rows[1].summary.value == 20
    with pytest.raises(NotFound):
        review_overview(user=world.representative, call=world.call)


def test_manager_admits_with_the_aggregate_kept() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    scored(world, proposal, add_member(world), {"feasibility": 5, "impact": 4})
    decision = review_decide(actor=world.manager, proposal=proposal, outcome=S.ADMITTED)
    proposal.refresh_from_db()
    assert proposal.status == S.ADMITTED
    assert decision.aggregate == Decimal("92.00")
    assert decision.scored_by == 1
    assert [t.to_status for t in proposal.transitions.all()][-1] == S.ADMITTED


@pytest.mark.parametrize(
    ("status", "outcome", "reason", "actor", "error"),
    [
        (S.SUBMITTED, S.ADMITTED, "", "manager", Conflict),  # not under review
        (S.ADMITTED, S.REJECTED, "No.", "manager", Conflict),
        (S.UNDER_REVIEW, S.REJECTED, "", "manager", ValidationFailed),  # reason missing
        (S.UNDER_REVIEW, S.APPROVED, "", "manager", ValidationFailed),  # not a review outcome
        (S.UNDER_REVIEW, S.ADMITTED, "", "reviewer", PermissionDenied),  # members score only
        (S.UNDER_REVIEW, S.ADMITTED, "", "team", PermissionDenied),
    ],
)
def test_bad_decisions_change_nothing(status, outcome, reason, actor, error) -> None:
    world = build_world()
    proposal = make_proposal(world, status=status)
    if status == S.UNDER_REVIEW:
        member = add_member(world)
        assignment = ReviewAssignment.objects.create(proposal=proposal, member=member)
        review_declare(actor=world.reviewer, assignment=assignment, conflict=False)
        review_score(actor=world.reviewer, assignment=assignment, scores=GOOD)
    before = _snapshot()
    with pytest.raises(error):
        review_decide(
            actor=getattr(world, actor), proposal=proposal, outcome=outcome, reason=reason
        )
    proposal.refresh_from_db()
    assert proposal.status == status
    assert _snapshot() == before


def test_admitting_before_any_score_is_refused() -> None:
    world = build_world()
    proposal = make_proposal(world, status=S.SUBMITTED)
    review_assign(actor=world.manager, proposal=proposal, member=add_member(world))
    with pytest.raises(ValidationFailed):
        review_decide(actor=world.manager, proposal=proposal, outcome=S.ADMITTED)
    returned = review_decide(
        actor=world.manager, proposal=proposal, outcome=S.RETURNED, reason="Falta el plano."
    )
    assert returned.aggregate is None
