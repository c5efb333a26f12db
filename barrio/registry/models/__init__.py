"""Models of the registry, by subject: households and people, imports, duplicates."""

from barrio.registry.models.adjudication import AdjudicationTask

# Grievances, data changes, referrals (issue 10 part B).
from barrio.registry.models.grievances import (
    DataChangeRequest,
    Grievance,
    GrievanceEvent,
    Referral,
)
from barrio.registry.models.households import (
    Consent,
    Document,
    Household,
    Member,
    RegistrationDraft,
)
from barrio.registry.models.imports import ColumnMapping, ImportBatch

__all__ = [
    "AdjudicationTask",
    "ColumnMapping",
    "Consent",
    "DataChangeRequest",
    "Document",
    "Grievance",
    "GrievanceEvent",
    "Household",
    "ImportBatch",
    "Member",
    "Referral",
    "RegistrationDraft",
]
