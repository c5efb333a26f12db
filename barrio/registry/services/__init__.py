"""Services of the registry (every change of households, people, imports and duplicates)."""

from barrio.registry.services.households import (
    consent_record,
    consent_withdraw,
    draft_delete,
    draft_save,
    household_register,
    household_set_collectors,
    household_update,
    member_add,
)

__all__ = [
    "consent_record",
    "consent_withdraw",
    "draft_delete",
    "draft_save",
    "household_register",
    "household_set_collectors",
    "household_update",
    "member_add",
]
