"""Services of participation (the functions that change state), one module per subject."""

from barrio.participation.services.lifecycle import proposal_transition, record_transition

__all__ = ["proposal_transition", "record_transition"]
