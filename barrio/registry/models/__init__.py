"""Models of the registry, by subject: households and people, imports, duplicates."""

from barrio.registry.models.households import (
    Consent,
    Document,
    Household,
    Member,
    RegistrationDraft,
)

__all__ = ["Consent", "Document", "Household", "Member", "RegistrationDraft"]
