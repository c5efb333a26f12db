"""Models of the registry, by subject: households and people, imports, duplicates."""

from barrio.registry.models.adjudication import AdjudicationTask
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
    "Document",
    "Household",
    "ImportBatch",
    "Member",
    "RegistrationDraft",
]
