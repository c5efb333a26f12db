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

# Census list and one-time codes (issue 8, second half).
from barrio.participation.models.census import CensusEntry, CodeAttempt, OneTimeCode
from barrio.participation.models.groups import CommunityGroup, GroupMember

# Census and paper files waiting for a task worker.
from barrio.participation.models.imports import PendingImport

# Polling stations and paper ballots (issue 8, second half).
from barrio.participation.models.paper import (
    PaperEntry,
    PaperKind,
    PaperTally,
    PollingStation,
    StationOfficial,
    StationVoter,
)
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

# Residents' votes, ballots and allocation runs (issue 8).
from barrio.participation.models.votes import (
    AllocationResult,
    AllocationRule,
    AllocationRun,
    Ballot,
    BallotChoice,
    BallotItem,
    BallotKind,
    Election,
    Pot,
    Voter,
)

__all__ = [
    "AgendaItem",
    "AllocationResult",
    "AllocationRule",
    "AllocationRun",
    "Assembly",
    "Attachment",
    "Attendee",
    "Ballot",
    "BallotChoice",
    "BallotItem",
    "BallotKind",
    "BudgetLine",
    "Call",
    "CensusEntry",
    "CodeAttempt",
    "CommitteeMember",
    "CommunityGroup",
    "Election",
    "GroupMember",
    "OneTimeCode",
    "PaperEntry",
    "PaperKind",
    "PaperTally",
    "PendingImport",
    "PollingStation",
    "Pot",
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
    "StationOfficial",
    "StationVoter",
    "Vote",
    "Voter",
    "WorkKind",
]
