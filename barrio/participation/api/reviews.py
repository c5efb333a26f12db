"""API of the committee review: a member's queue, declaration and scores; the committee, the
assignments, the overview with aggregates and the decisions for the programme's staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from barrio.participation import services
from barrio.participation.models import Call, Proposal, ReviewAssignment
from barrio.participation.selectors import reviews as selectors
from barrio.participation.selectors.calls import call_get_for_user

router = Router()


@contextmanager
def in_body() -> Iterator[None]:
    """Name a service's field errors as the API names them (``["body", field, ...]``)."""
    try:
        yield
    except ValidationFailed as error:
        errors = [FieldError(("body", *e.loc), e.msg) for e in error.errors]
        raise ValidationFailed(error.message, errors=errors, code=error.code) from error


class ScoreOut(Schema):
    criterion: str
    value: int
    reason: str


class AssignmentOut(Schema):
    id: int
    proposal_id: int
    proposal_title: str
    unit: str
    status: str
    member_id: int
    declaration: str
    declared_at: dt.datetime | None
    scores: list[ScoreOut]


class DeclarationIn(Schema):
    conflict: bool
    reason: str = Field("", max_length=2000)


class ScoreIn(Schema):
    criterion: str = Field(..., max_length=40)
    value: int | None = None
    reason: str = Field("", max_length=4000)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(..., max_length=50)


class MemberIn(Schema):
    user_id: int
    affiliation: str = Field(..., max_length=20)
    organisation: str = Field("", max_length=200)


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    affiliation: str
    organisation: str


class AssignIn(Schema):
    member_id: int


class DecisionIn(Schema):
    outcome: str = Field(..., max_length=20, description="admitted, rejected or returned")
    reason: str = Field("", max_length=4000)


class DecisionOut(Schema):
    proposal_id: int
    outcome: str
    reason: str
    aggregate: float | None
    scored_by: int
    created_at: dt.datetime


class ReviewRowOut(Schema):
    proposal_id: int
    title: str
    unit: str
    status: str
    aggregate: float | None
    scored_by: int
    assigned: int
    conflicts: int
    decisions: list[DecisionOut]


def assignment_out(assignment: ReviewAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.pk,
        proposal_id=assignment.proposal_id,
        proposal_title=assignment.proposal.title,
        unit=assignment.proposal.unit.name,
        status=assignment.proposal.status,
        member_id=assignment.member_id,
        declaration=assignment.declaration,
        declared_at=assignment.declared_at,
        scores=[
            ScoreOut(criterion=s.criterion.code, value=s.value, reason=s.reason)
            for s in assignment.scores.select_related("criterion")
        ],
    )


def _assignment(request: HttpRequest, assignment_id: int) -> ReviewAssignment:
    return selectors.assignment_get_for_user(user=request.user, assignment_id=assignment_id)


def _call(request: HttpRequest, call_id: int) -> Call:
    return call_get_for_user(user=request.user, call_id=call_id)


def _managed_proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    """A proposal of a call whose committee the caller manages; NotFound otherwise."""
    proposal = (
        Proposal.objects.filter(pk=proposal_id).select_related("call__programme", "unit").first()
    )
    if proposal is None:
        raise NotFound()
    call = _call(request, proposal.call_id)
    if not selectors.may_see_review(request.user, call.programme):
        raise NotFound()
    return proposal


@router.get(
    "/programmes/{slug}/review/assignments",
    response=list[AssignmentOut],
    summary="List my review assignments",
)
def review_queue_api(request: HttpRequest, slug: str) -> list[AssignmentOut]:
    """The proposals assigned to the caller as a committee member, in their scope, only."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    queue = selectors.review_queue_for_user(user=request.user, programme=programme)
    return [assignment_out(a) for a in queue]


@router.post(
    "/review/assignments/{assignment_id}/declaration",
    response=AssignmentOut,
    summary="Declare a conflict of interest or none",
)
def review_declare_api(request: HttpRequest, assignment_id: int, body: DeclarationIn) -> Any:
    """Declare, once and before scoring, whether the caller has a conflict of interest."""
    with in_body():
        assignment = services.review_declare(
            actor=request.user,
            assignment=_assignment(request, assignment_id),
            conflict=body.conflict,
            reason=body.reason,
        )
    return assignment_out(assignment)


@router.put(
    "/review/assignments/{assignment_id}/scores",
    response=AssignmentOut,
    summary="Score every criterion with a reason",
)
def review_score_api(request: HttpRequest, assignment_id: int, body: ScoresIn) -> Any:
    """Save (or correct) a score within the scale and a reason for every criterion."""
    assignment = _assignment(request, assignment_id)
    entries = {s.criterion: services.ScoreEntry(s.value, s.reason) for s in body.scores}
    if len(entries) != len(body.scores):
        raise ValidationFailed(
            errors=[FieldError(("body", "scores"), _("A criterion is scored twice."))]
        )
    with in_body():
        services.review_score(actor=request.user, assignment=assignment, scores=entries)
    return assignment_out(_assignment(request, assignment_id))


@router.get(
    "/calls/{call_id}/review", response=list[ReviewRowOut], summary="Review overview of a call"
)
def review_overview_api(request: HttpRequest, call_id: int) -> list[ReviewRowOut]:
    """Each proposal in review or decided, in the caller's staff scope, with its aggregate
    (0–100), best first."""
    rows = selectors.review_overview(user=request.user, call=_call(request, call_id))
    return [
        ReviewRowOut(
            proposal_id=row.proposal.pk,
            title=row.proposal.title,
            unit=row.proposal.unit.name,
            status=row.proposal.status,
            aggregate=float(row.summary.rounded) if row.summary.rounded is not None else None,
            scored_by=row.summary.members,
            assigned=len(row.assignments),
            conflicts=row.conflicts,
            decisions=[decision_out(d) for d in row.proposal.review_decisions.all()],
        )
        for row in rows
    ]


def decision_out(decision: Any) -> DecisionOut:
    return DecisionOut(
        proposal_id=decision.proposal_id,
        outcome=decision.outcome,
        reason=decision.reason,
        aggregate=float(decision.aggregate) if decision.aggregate is not None else None,
        scored_by=decision.scored_by,
        created_at=decision.created_at,
    )


@router.post(
    "/calls/{call_id}/committee", response={201: MemberOut}, summary="Add a committee member"
)
def committee_member_add_api(request: HttpRequest, call_id: int, body: MemberIn) -> Any:
    """Put a user holding the committee-member role on the call's committee."""
    call = _call(request, call_id)
    if not selectors.may_manage_committee(request.user, call.programme):
        raise PermissionDenied()
    candidates = {u.pk: u for u in selectors.committee_candidates(user=request.user, call=call)}
    user = candidates.get(body.user_id)
    if user is None:
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "user_id"),
                    _("This person does not hold the committee-member role in the programme."),
                )
            ]
        )
    with in_body():
        member = services.committee_member_add(
            actor=request.user,
            call=call,
            user=user,
            affiliation=body.affiliation,
            organisation=body.organisation,
        )
    return Status(
        201,
        MemberOut(
            id=member.pk,
            user_id=member.user_id,
            name=str(member),
            affiliation=member.affiliation,
            organisation=member.organisation,
        ),
    )


@router.post(
    "/proposals/{proposal_id}/review-assignments",
    response={201: AssignmentOut},
    summary="Give a proposal to a committee member",
)
def review_assign_api(request: HttpRequest, proposal_id: int, body: AssignIn) -> Any:
    """Give the proposal to a member of its call's committee (a submitted proposal goes under
    review)."""
    proposal = _managed_proposal(request, proposal_id)
    member = selectors.committee_list(proposal.call).filter(pk=body.member_id).first()
    if member is None:
        raise ValidationFailed(
            errors=[FieldError(("body", "member_id"), _("No member of this committee has it."))]
        )
    with in_body():
        assignment = services.review_assign(actor=request.user, proposal=proposal, member=member)
    return Status(201, assignment_out(assignment))


@router.post(
    "/proposals/{proposal_id}/review-decision",
    response={201: DecisionOut},
    summary="Admit, reject or return a proposal",
)
def review_decide_api(request: HttpRequest, proposal_id: int, body: DecisionIn) -> Any:
    """Take the programme's decision on a proposal under review; rejecting or returning needs
    reasons, which the group reads."""
    proposal = _managed_proposal(request, proposal_id)
    with in_body():
        decision = services.review_decide(
            actor=request.user, proposal=proposal, outcome=body.outcome, reason=body.reason
        )
    return Status(201, decision_out(decision))
