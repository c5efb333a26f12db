"""Services of participation (the functions that change state), one module per subject."""

# Calls, groups, proposals (the calls half of issue 7); reviews, assemblies, minutes (the
# review half).
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
from barrio.participation.services.calls import call_create, call_publish, call_update
from barrio.participation.services.groups import (
    group_member_add,
    group_member_remove,
    group_register,
)
from barrio.participation.services.lifecycle import proposal_transition, record_transition
from barrio.participation.services.minutes import assembly_minutes_pdf, review_minutes_pdf
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

__all__ = [
    "ScoreEntry",
    "assembly_close",
    "assembly_create",
    "assembly_minutes_pdf",
    "attachment_add",
    "attachment_remove",
    "attendance_record",
    "call_create",
    "call_publish",
    "call_update",
    "committee_elect",
    "committee_member_add",
    "group_member_add",
    "group_member_remove",
    "group_register",
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
    "tally_record",
    "vote_cast",
]
