"""Who may do what in participation, over and above the role table of accounts.

The role table (``barrio.accounts.permissions.RULES``) says which roles may take an action and
where; the functions here add what depends on the object: a group's proposal is its
representative's, and a decision follows the step the proposal is in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from barrio.accounts.permissions import Action, may
from barrio.participation.lifecycle import ProposalStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.participation.models import CommunityGroup, Proposal

S = ProposalStatus

#: Which action moves a proposal into each status (submission has its own service).
ACTION_FOR_STATUS: dict[str, Action] = {
    S.UNDER_REVIEW: Action.PROPOSAL_DECIDE,
    S.ADMITTED: Action.PROPOSAL_DECIDE,
    S.REJECTED: Action.PROPOSAL_DECIDE,
    S.RETURNED: Action.PROPOSAL_DECIDE,
    S.APPROVED: Action.ASSEMBLY_RECORD,
    S.NOT_APPROVED: Action.ASSEMBLY_RECORD,
    S.ON_BALLOT: Action.PROPOSAL_DECIDE,
    S.SELECTED: Action.PROPOSAL_DECIDE,
    S.NOT_SELECTED: Action.PROPOSAL_DECIDE,
}


def may_speak_for_group(user: User | AnonymousUser, group: CommunityGroup) -> bool:
    """Tell whether ``user`` is the group's representative with the role in force there."""
    return (
        user.is_authenticated
        and group.representative_id == user.pk
        and may(user, Action.PROPOSAL_SUBMIT, programme=group.programme, unit=group.unit)
    )


def may_decide(user: User | AnonymousUser, proposal: Proposal, to_status: str) -> bool:
    """Tell whether ``user`` may move ``proposal`` to ``to_status`` on behalf of the programme.

    Withdrawing is the group's own decision; every other step is the programme's, taken by
    the role the step needs, in the proposal's unit.
    """
    if to_status == S.WITHDRAWN:
        return may_speak_for_group(user, proposal.group)
    action = ACTION_FOR_STATUS.get(to_status)
    if action is None:
        return False
    return may(user, action, programme=proposal.call.programme, unit=proposal.unit)
