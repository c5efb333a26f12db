"""Services of participation (the functions that change state), one module per subject."""

# Calls, groups, proposals (the calls half of issue 7); reviews, assemblies, minutes (the
# review half).
# Votes, ballots and allocation runs (issue 8).
from barrio.participation.services.allocation import (
    RunSpec,
    allocation_run_approve,
    allocation_run_create,
    allocation_run_start,
    vote_close_and_allocate,
)
from barrio.participation.services.assemblies import (
    assembly_close,
    assembly_create,
    attendance_record,
    committee_elect,
    tally_record,
    vote_cast,
)
from barrio.participation.services.attachments import (
    attachment_add,
    attachment_remove,
    signature_add,
    signature_remove,
)
from barrio.participation.services.ballots import CastBallot, Choice, ballot_cast
from barrio.participation.services.calls import call_create, call_publish, call_update
from barrio.participation.services.groups import (
    group_member_add,
    group_member_remove,
    group_register,
)
from barrio.participation.services.lifecycle import proposal_transition, record_transition
from barrio.participation.services.minutes import assembly_minutes_pdf, review_minutes_pdf
from barrio.participation.services.paper import (  # paper ballots (issue 8)
    paper_entry_import,
    paper_entry_import_start,
    paper_tally_resolve,
)
from barrio.participation.services.proposals import (
    proposal_create,
    proposal_submit,
    proposal_update,
)
from barrio.participation.services.reviews import (
    ScoreEntry,
    committee_member_add,
    review_assign,
    review_decide,
    review_declare,
    review_score,
)
from barrio.participation.services.stations import (  # polling stations (issue 8)
    station_ballot_enter,
    station_create,
    station_official_assign,
)
from barrio.participation.services.votes import (
    PotSpec,
    VoteSpec,
    vote_close,
    vote_create,
    vote_open,
)

__all__ = [
    "CastBallot",
    "Choice",
    "PotSpec",
    "RunSpec",
    "ScoreEntry",
    "VoteSpec",
    "allocation_run_approve",
    "allocation_run_create",
    "allocation_run_start",
    "assembly_close",
    "assembly_create",
    "assembly_minutes_pdf",
    "attachment_add",
    "attachment_remove",
    "attendance_record",
    "ballot_cast",
    "call_create",
    "call_publish",
    "call_update",
    "committee_elect",
    "committee_member_add",
    "group_member_add",
    "group_member_remove",
    "group_register",
    "paper_entry_import",
    "paper_entry_import_start",
    "paper_tally_resolve",
    "proposal_create",
    "proposal_submit",
    "proposal_transition",
    "proposal_update",
    "record_transition",
    "review_assign",
    "review_decide",
    "review_declare",
    "review_minutes_pdf",
    "review_score",
    "signature_add",
    "signature_remove",
    "station_ballot_enter",
    "station_create",
    "station_official_assign",
    "tally_record",
    "vote_cast",
    "vote_close",
    "vote_close_and_allocate",
    "vote_create",
    "vote_open",
]
