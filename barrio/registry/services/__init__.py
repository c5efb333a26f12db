"""Services of the registry (every change of households, people, imports and duplicates)."""

from barrio.registry.services.adjudication import (
    Pair,
    adjudication_decide,
    adjudication_tasks_open,
    exact_document_pairs,
)
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
from barrio.registry.services.imports import (
    column_mapping_save,
    household_import,
    import_batch_create,
    import_batch_run,
)

__all__ = [
    "Pair",
    "adjudication_decide",
    "adjudication_tasks_open",
    "column_mapping_save",
    "consent_record",
    "consent_withdraw",
    "draft_delete",
    "draft_save",
    "exact_document_pairs",
    "household_import",
    "household_register",
    "household_set_collectors",
    "household_update",
    "import_batch_create",
    "import_batch_run",
    "member_add",
]
