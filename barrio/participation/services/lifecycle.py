"""Moving a proposal through its life cycle, with a record and a message for each step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import NEEDS_REASON, ProposalStatus, may_follow
from barrio.participation.models import Proposal, ProposalTransition
from barrio.participation.permissions import may_decide

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def record_transition(
    *, actor: User | None, proposal: Proposal, to_status: str, reason: str = ""
) -> ProposalTransition:
    """Move ``proposal`` to ``to_status`` and record who did it, when and why.

    For the services of this app, which have checked who may take the step: it checks only
    that the step may follow the proposal's status and that a reason is given where the
    decision goes against the group. The group is told by e-mail once the change is
    committed.

    Raises
    ------
    Conflict
        When ``to_status`` may not follow the proposal's status.
    ValidationFailed
        When a reason is needed and missing.
    """
    current = proposal.status
    if not may_follow(current, to_status):
        raise Conflict(
            _("A proposal that is “%(current)s” cannot become “%(following)s”.")
            % {
                "current": ProposalStatus(current).label,
                "following": ProposalStatus(to_status).label,
            },
            code="transition_not_allowed",
        )
    reason = reason.strip()
    if to_status in NEEDS_REASON and not reason:
        raise ValidationFailed(
            errors=[FieldError(("reason",), _("Say why: the group reads this reason."))]
        )
    proposal.status = to_status
    proposal.save(update_fields=["status", "updated_at"])
    step = ProposalTransition.objects.create(
        proposal=proposal, from_status=current, to_status=to_status, reason=reason, actor=actor
    )
    transaction.on_commit(lambda: notify_group(step))
    return step


@transaction.atomic
def proposal_transition(
    *, actor: User | AnonymousUser, proposal: Proposal, to_status: str, reason: str = ""
) -> Proposal:
    """Take a decision on ``proposal``: review, admit, reject, return, approve, ballot, select.

    Parameters
    ----------
    actor
        Who decides; the step needs the role of
        ``barrio.participation.permissions.ACTION_FOR_STATUS`` in the proposal's unit
        (withdrawing needs the group's representative).
    proposal
        The proposal, which is locked while it moves.
    to_status
        A :class:`ProposalStatus` value that may follow the current one.
    reason
        Required to reject, return or not approve; shown to the group.

    Raises
    ------
    NotAuthenticated, PermissionDenied, Conflict, ValidationFailed
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if to_status not in ProposalStatus.values or to_status == ProposalStatus.SUBMITTED:
        raise ValidationFailed(
            errors=[FieldError(("to_status",), _("Choose one of the decisions offered."))]
        )
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("call__programme", "group__programme", "group__unit", "unit")
        .get(pk=proposal.pk)
    )
    if not may_decide(actor, locked, to_status):
        raise PermissionDenied()
    record_transition(actor=actor, proposal=locked, to_status=to_status, reason=reason)
    return locked


def notify_group(step: ProposalTransition) -> None:
    """E-mail the group (or its representative) that its proposal changed status.

    Written in the programme's first language; sent through the configured e-mail backend
    (the console in the embedded default). Holds no personal data beyond the group's name.
    """
    proposal = step.proposal
    group = proposal.group
    recipient = group.email or group.representative.email
    if not recipient:
        return
    languages = proposal.call.programme.languages or [settings.LANGUAGE_CODE]
    with translation.override(languages[0]):
        subject = _("Your proposal “%(title)s” is now: %(status)s") % {
            "title": proposal.title,
            "status": ProposalStatus(step.to_status).label,
        }
        lines = [
            _("Group: %(group)s") % {"group": group.name},
            _("Call: %(call)s") % {"call": proposal.call.title},
            _("New status: %(status)s") % {"status": ProposalStatus(step.to_status).label},
        ]
        if step.reason:
            lines.append(_("Reason: %(reason)s") % {"reason": step.reason})
    send_mail(subject, "\n".join(lines), None, [recipient], fail_silently=False)
