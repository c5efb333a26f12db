"""Read queries of the committee review, limited to what the acting user may see.

A committee member sees only the proposals assigned to them, and of those only the ones in
their scope; the programme's staff see the review of the proposals in theirs, with each
proposal's aggregate score.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from barrio.accounts.permissions import RULES, Action, may, scope
from barrio.accounts.selectors import grant_list_for_user
from barrio.core.review import Criterion, Score, aggregate, member_totals
from barrio.errors import NotFound
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    Call,
    CommitteeMember,
    Proposal,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.accounts.models import Programme

__all__ = [
    "AggregateSummary",
    "ReviewRow",
    "assignment_get_for_user",
    "committee_candidates",
    "committee_list",
    "may_manage_committee",
    "may_see_review",
    "proposal_aggregate",
    "review_overview",
    "review_queue_for_user",
]

S = ProposalStatus


@dataclass(frozen=True)
class AggregateSummary:
    """A proposal's aggregate (0–100, ``None`` before any score), and how many scored it."""

    value: Fraction | None
    members: int
    per_member: dict[int, Fraction]

    @property
    def rounded(self) -> Decimal | None:
        """The aggregate to two decimals (half up), as stored with a decision."""
        if self.value is None:
            return None
        exact = Decimal(self.value.numerator) / Decimal(self.value.denominator)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _checklist(criteria: list[ReviewCriterion]) -> list[Criterion]:
    return [Criterion(c.code, c.weight, c.scale_max) for c in criteria]


def summarise(
    criteria: list[ReviewCriterion], assignments: list[ReviewAssignment]
) -> AggregateSummary:
    """Compute the aggregate from prefetched assignments (with ``scores__criterion``).

    Members who declared a conflict of interest are left out.
    """
    scores = [
        Score(str(a.member_id), s.criterion.code, s.value)
        for a in assignments
        if a.declaration != ReviewAssignment.Declaration.CONFLICT
        for s in a.scores.all()
    ]
    checklist = _checklist(criteria)
    totals = member_totals(checklist, scores)
    return AggregateSummary(
        aggregate(checklist, scores), len(totals), {int(k): v for k, v in totals.items()}
    )


def _scores() -> Prefetch:
    return Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))


def _with_scores() -> Prefetch:
    return Prefetch(
        "review_assignments",
        queryset=ReviewAssignment.objects.select_related("member__user").prefetch_related(
            _scores()
        ),
    )


def proposal_aggregate(proposal: Proposal) -> AggregateSummary:
    """Return the committee's aggregate score of ``proposal`` (no permission check: callers
    are services and selectors that made theirs)."""
    fresh = Proposal.objects.prefetch_related(_with_scores()).get(pk=proposal.pk)
    return summarise(list(proposal.call.criteria.all()), list(fresh.review_assignments.all()))


def may_manage_committee(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may name committee members and give them proposals."""
    return may(user, Action.COMMITTEE_MANAGE, programme=programme)


def may_see_review(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may see the review of some proposals of ``programme``."""
    return not scope(user, Action.PROPOSAL_STAFF_VIEW, programme).is_empty


def review_queue_for_user(
    *, user: User | AnonymousUser, programme: Programme
) -> QuerySet[ReviewAssignment]:
    """Return the member's own assignments in ``programme``, in their scope, oldest first.

    Only the proposals assigned to ``user`` and lying in a unit their committee-member role
    reaches; an empty queryset for anybody else.
    """
    own_scope = scope(user, Action.PROPOSAL_REVIEW, programme)
    if not user.is_authenticated or own_scope.is_empty:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(member__user=user, proposal__call__programme=programme)
        .filter(own_scope.unit_q("proposal__unit"))
        .select_related("proposal__call", "proposal__unit", "proposal__group", "member")
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )


def assignment_get_for_user(*, user: User | AnonymousUser, assignment_id: int) -> ReviewAssignment:
    """Return the member's own assignment ``assignment_id``; :class:`NotFound` for anybody
    else (others may not know it exists)."""
    if not user.is_authenticated:
        raise NotFound()
    assignment = (
        ReviewAssignment.objects.filter(pk=assignment_id, member__user_id=user.pk)
        .select_related("proposal__call__programme", "proposal__unit", "proposal__group")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
        .first()
    )
    if assignment is None or not may(
        user,
        Action.PROPOSAL_REVIEW,
        programme=assignment.proposal.call.programme,
        unit=assignment.proposal.unit,
    ):
        raise NotFound()
    return assignment


def committee_candidates(*, user: User | AnonymousUser, call: Call) -> list[User]:
    """Return the users who hold a role that reviews in the call's programme and are not on
    its committee yet (for the manager who names the committee; empty for anybody else)."""
    if not may_manage_committee(user, call.programme):
        return []
    reviewing = RULES[Action.PROPOSAL_REVIEW]
    seated = set(CommitteeMember.objects.filter(call=call).values_list("user_id", flat=True))
    grants = grant_list_for_user(user=user, programme=call.programme)
    found: dict[int, User] = {}
    for grant in grants:
        if grant.role in reviewing and grant.user_id not in seated:
            found.setdefault(grant.user_id, grant.user)
    return list(found.values())


def committee_list(call: Call) -> QuerySet[CommitteeMember]:
    """Return the call's committee members, officials first, with their user."""
    return CommitteeMember.objects.filter(call=call).select_related("user")


@dataclass(frozen=True)
class ReviewRow:
    """One proposal of the staff's review overview."""

    proposal: Proposal
    assignments: list[ReviewAssignment]
    summary: AggregateSummary

    @property
    def conflicts(self) -> int:
        """How many assigned members declared a conflict of interest."""
        return sum(a.declaration == ReviewAssignment.Declaration.CONFLICT for a in self.assignments)


REVIEWED = (S.SUBMITTED, S.UNDER_REVIEW, S.ADMITTED, S.REJECTED, S.RETURNED)


def review_overview(*, user: User | AnonymousUser, call: Call) -> list[ReviewRow]:
    """Return the call's proposals in review or decided, in the staff member's scope, each
    with its assignments and aggregate, best aggregate first.

    Raises
    ------
    NotFound
        When ``user`` may see the review of no proposal of the programme.
    """
    staff_scope = scope(user, Action.PROPOSAL_STAFF_VIEW, call.programme)
    if staff_scope.is_empty:
        raise NotFound()
    proposals = (
        Proposal.objects.filter(call=call, status__in=REVIEWED)
        .filter(staff_scope.unit_q("unit"))
        .select_related("unit", "group")
        .prefetch_related(_with_scores(), "review_decisions")
        .order_by("pk")
    )
    criteria = list(call.criteria.all())
    rows = []
    for proposal in proposals:
        assignments = list(proposal.review_assignments.all())
        rows.append(ReviewRow(proposal, assignments, summarise(criteria, assignments)))
    rows.sort(key=lambda row: (row.summary.value is None, -(row.summary.value or 0)))
    return rows
