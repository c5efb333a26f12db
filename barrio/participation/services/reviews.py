"""The technical committee's work: members, assignments, declarations, scores, decisions.

Each service checks who acts, validates everything before it writes, and writes in one
transaction: after a refusal nothing has changed. Status changes go through
:func:`record_transition` / :func:`proposal_transition`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, may, scope
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    Call,
    CommitteeMember,
    Proposal,
    ReviewAssignment,
    ReviewDecision,
    ReviewScore,
)
from barrio.participation.selectors.reviews import proposal_aggregate
from barrio.participation.services.lifecycle import proposal_transition, record_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

S = ProposalStatus

#: The decisions the programme takes on a reviewed proposal.
DECISIONS = (S.ADMITTED, S.REJECTED, S.RETURNED)


@dataclass(frozen=True)
class ScoreEntry:
    """A member's score of one criterion, as typed: the value and the reason."""

    value: int | None
    reason: str


def _authenticated(actor: User | AnonymousUser) -> User:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    return actor


def _may_manage(actor: User | AnonymousUser, call: Call) -> User:
    user = _authenticated(actor)
    if not may(user, Action.COMMITTEE_MANAGE, programme=call.programme):
        raise PermissionDenied()
    return user


@transaction.atomic
def committee_member_add(
    *,
    actor: User | AnonymousUser,
    call: Call,
    user: User,
    affiliation: str,
    organisation: str = "",
) -> CommitteeMember:
    """Put ``user`` on the technical committee of ``call``.

    The user must hold the committee-member role in the call's programme (granted over the
    programme or some of its units: the member's scope).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not manage the committee (a programme manager may).
    ValidationFailed
        When the user holds no committee-member role there or the affiliation is unknown.
    Conflict
        When the user is already on the committee.
    """
    manager = _may_manage(actor, call)
    errors = []
    if scope(user, Action.PROPOSAL_REVIEW, call.programme).is_empty:
        errors.append(
            FieldError(
                ("user",),
                _("This person does not hold the committee-member role in the programme."),
            )
        )
    if affiliation not in CommitteeMember.Affiliation.values:
        errors.append(FieldError(("affiliation",), _("Choose one of the affiliations offered.")))
    if errors:
        raise ValidationFailed(errors=errors)
    if CommitteeMember.objects.filter(call=call, user=user).exists():
        raise Conflict(_("This person is already on the committee."), code="already_member")
    return CommitteeMember.objects.create(
        call=call,
        user=user,
        affiliation=affiliation,
        organisation=organisation.strip(),
        added_by=manager,
    )


@transaction.atomic
def review_assign(
    *, actor: User | AnonymousUser, proposal: Proposal, member: CommitteeMember
) -> ReviewAssignment:
    """Give ``proposal`` to ``member`` to score; a submitted proposal goes under review.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not manage the committee.
    ValidationFailed
        When the member sits on another call's committee or the proposal's unit is outside
        the member's scope.
    Conflict
        When the proposal is neither submitted nor under review, or already assigned to them.
    """
    locked = Proposal.objects.select_for_update(of=("self",)).select_related(
        "call__programme", "unit"
    )
    proposal = locked.get(pk=proposal.pk)
    manager = _may_manage(actor, proposal.call)
    if member.call_id != proposal.call_id:
        raise ValidationFailed(
            errors=[FieldError(("member",), _("This member sits on another call's committee."))]
        )
    if not may(
        member.user, Action.PROPOSAL_REVIEW, programme=proposal.call.programme, unit=proposal.unit
    ):
        raise ValidationFailed(
            errors=[
                FieldError(("member",), _("The proposal's unit is outside this member's scope."))
            ]
        )
    if proposal.status not in {S.SUBMITTED, S.UNDER_REVIEW}:
        raise Conflict(
            _("Only a submitted proposal or one under review can be given to the committee."),
            code="not_reviewable",
        )
    if ReviewAssignment.objects.filter(proposal=proposal, member=member).exists():
        raise Conflict(_("This member already has this proposal."), code="already_assigned")
    assignment = ReviewAssignment.objects.create(
        proposal=proposal, member=member, assigned_by=manager
    )
    if proposal.status == S.SUBMITTED:
        record_transition(actor=manager, proposal=proposal, to_status=S.UNDER_REVIEW)
    return assignment


def _own_assignment(actor: User | AnonymousUser, assignment_id: int) -> ReviewAssignment:
    """Lock the assignment; refuse anyone but its member, in scope, on the committee."""
    user = _authenticated(actor)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("proposal__call__programme", "proposal__unit", "member__user")
        .get(pk=assignment_id)
    )
    proposal = assignment.proposal
    if assignment.member.user_id != user.pk or not may(
        user, Action.PROPOSAL_REVIEW, programme=proposal.call.programme, unit=proposal.unit
    ):
        raise PermissionDenied(_("Only the committee member given this proposal may review it."))
    if proposal.status != S.UNDER_REVIEW:
        raise Conflict(_("This proposal is not under review."), code="not_under_review")
    return assignment


@transaction.atomic
def review_declare(
    *,
    actor: User | AnonymousUser,
    assignment: ReviewAssignment,
    conflict: bool,
    reason: str = "",
) -> ReviewAssignment:
    """Record the member's declaration of a conflict of interest (or of none) before scoring.

    A declared conflict takes the member off the proposal: they cannot score it and any
    score is left out of the aggregate. The declaration is made once.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` is not the member given the proposal, or outside their scope.
    Conflict
        When the proposal is not under review or the declaration was already made.
    ValidationFailed
        When a conflict is declared without saying what it is.
    """
    assignment = _own_assignment(actor, assignment.pk)
    if assignment.declaration != ReviewAssignment.Declaration.PENDING:
        raise Conflict(_("The declaration is already made."), code="already_declared")
    reason = reason.strip()
    if conflict and not reason:
        raise ValidationFailed(
            errors=[FieldError(("reason",), _("Say what the conflict of interest is."))]
        )
    assignment.declaration = (
        ReviewAssignment.Declaration.CONFLICT
        if conflict
        else ReviewAssignment.Declaration.NO_CONFLICT
    )
    assignment.conflict_reason = reason if conflict else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["declaration", "conflict_reason", "declared_at"])
    return assignment


@transaction.atomic
def review_score(
    *,
    actor: User | AnonymousUser,
    assignment: ReviewAssignment,
    scores: Mapping[str, ScoreEntry],
) -> list[ReviewScore]:
    """Save the member's score and reason for every criterion of the call (or correct them).

    Parameters
    ----------
    scores
        ``{criterion code: ScoreEntry}`` for every criterion of the call's checklist; each
        value from 0 to the criterion's highest score, each with a written reason.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` is not the member given the proposal, or outside their scope.
    Conflict
        When the proposal is not under review, the member has not declared yet, or declared
        a conflict of interest.
    ValidationFailed
        Naming each criterion whose score is missing or outside its scale, or whose reason is
        missing; and any unknown criterion.
    """
    assignment = _own_assignment(actor, assignment.pk)
    if assignment.declaration == ReviewAssignment.Declaration.PENDING:
        raise Conflict(
            _("Declare first whether you have a conflict of interest."), code="not_declared"
        )
    if assignment.declaration == ReviewAssignment.Declaration.CONFLICT:
        raise Conflict(
            _("You declared a conflict of interest: you cannot score this proposal."),
            code="conflict_declared",
        )
    criteria = list(assignment.proposal.call.criteria.all())
    known = {criterion.code for criterion in criteria}
    errors = [
        FieldError(("scores", code), _("This criterion is not on the call's checklist."))
        for code in scores
        if code not in known
    ]
    for criterion in criteria:
        entry = scores.get(criterion.code)
        if entry is None or entry.value is None:
            errors.append(FieldError(("scores", criterion.code, "value"), _("Give a score.")))
        elif not 0 <= entry.value <= criterion.scale_max:
            errors.append(
                FieldError(
                    ("scores", criterion.code, "value"),
                    _("The score goes from 0 to %(max)s.") % {"max": criterion.scale_max},
                )
            )
        if entry is None or not entry.reason.strip():
            errors.append(FieldError(("scores", criterion.code, "reason"), _("Write the reason.")))
    if errors:
        raise ValidationFailed(errors=errors)
    saved = []
    for criterion in criteria:
        entry = scores[criterion.code]
        score, _created = ReviewScore.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"value": entry.value, "reason": entry.reason.strip()},
        )
        saved.append(score)
    return saved


@transaction.atomic
def review_decide(
    *, actor: User | AnonymousUser, proposal: Proposal, outcome: str, reason: str = ""
) -> ReviewDecision:
    """Admit, reject or return a proposal under review, keeping the aggregate it rests on.

    The step is taken by :func:`proposal_transition` (the programme manager decides; a
    rejection or a return needs a reason the group reads).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` may not decide.
    ValidationFailed
        When the outcome is not a review decision, a needed reason is missing, or a proposal
        is admitted before any member scored it.
    Conflict
        When the proposal is not under review.
    """
    user = _authenticated(actor)
    if outcome not in DECISIONS:
        raise ValidationFailed(
            errors=[FieldError(("outcome",), _("Choose admit, reject or return."))]
        )
    proposal = Proposal.objects.select_related("call__programme", "unit").get(pk=proposal.pk)
    if proposal.status != S.UNDER_REVIEW:
        raise Conflict(_("This proposal is not under review."), code="not_under_review")
    summary = proposal_aggregate(proposal)
    if outcome == S.ADMITTED and summary.value is None:
        raise ValidationFailed(
            errors=[FieldError(("outcome",), _("No committee member has scored it yet."))]
        )
    proposal_transition(actor=user, proposal=proposal, to_status=outcome, reason=reason)
    return ReviewDecision.objects.create(
        proposal=proposal,
        outcome=outcome,
        reason=reason.strip(),
        aggregate=None if summary.value is None else summary.rounded,
        scored_by=summary.members,
        decided_by=user,
    )
