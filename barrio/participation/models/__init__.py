"""Models of participation, one module per subject."""

from barrio.participation.models.calls import Call, ReviewCriterion, WorkKind
from barrio.participation.models.groups import CommunityGroup, GroupMember
from barrio.participation.models.proposals import (
    Attachment,
    BudgetLine,
    Proposal,
    ProposalTransition,
    ProposalVersion,
    Signature,
)

__all__ = [
    "Attachment",
    "BudgetLine",
    "Call",
    "CommunityGroup",
    "GroupMember",
    "Proposal",
    "ProposalTransition",
    "ProposalVersion",
    "ReviewCriterion",
    "Signature",
    "WorkKind",
]
