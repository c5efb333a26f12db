"""Models of the registry, by subject: households and people, imports, duplicates."""

from barrio.registry.models.households import (
    Consent,
    Document,
    Household,
    Member,
    RegistrationDraft,
)
from barrio.registry.models.imports import ColumnMapping, ImportBatch

__all__ = [
    "ColumnMapping",
    "Consent",
    "Document",
    "Household",
    "ImportBatch",
    "Member",
    "RegistrationDraft",
]
