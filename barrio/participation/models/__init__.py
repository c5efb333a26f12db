"""Models of participation, one module per subject."""

from barrio.participation.models.assemblies import (
    AgendaItem,
    Assembly,
    Attendee,
    ResidentCommittee,
    ResidentCommitteeMember,
    Vote,
)
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
from barrio.participation.models.reviews import (
    CommitteeMember,
    ReviewAssignment,
    ReviewDecision,
    ReviewScore,
)

__all__ = [
    "AgendaItem",
    "Assembly",
    "Attachment",
    "Attendee",
    "BudgetLine",
    "Call",
    "CommitteeMember",
    "CommunityGroup",
    "GroupMember",
    "Proposal",
    "ProposalTransition",
    "ProposalVersion",
    "ResidentCommittee",
    "ResidentCommitteeMember",
    "ReviewAssignment",
    "ReviewCriterion",
    "ReviewDecision",
    "ReviewScore",
    "Signature",
    "Vote",
    "WorkKind",
]
