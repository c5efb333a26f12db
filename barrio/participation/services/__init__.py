"""Services of participation (the functions that change state), one module per subject."""

from barrio.participation.services.lifecycle import proposal_transition, record_transition

# Committee review, assemblies and minutes (the review half).
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
    "committee_member_add",
    "proposal_transition",
    "record_transition",
    "review_assign",
    "review_decide",
    "review_declare",
    "review_score",
]
