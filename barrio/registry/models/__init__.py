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
from barrio.registry.models.messages import (  # messages (issue 10 part B)
    ContactPreference,
    MessageCampaign,
    MessageRecipient,
    MessageTemplate,
)

# Cash assistance (issue 10, part A).
from barrio.registry.models.payments import (  # isort: skip
    CashBudget,
    Cycle,
    EligibilityRule,
    ExchangeRate,
    TargetList,
    TargetListEntry,
)
from barrio.registry.models.plans import (  # isort: skip
    DeliveryAccount,
    Payment,
    PaymentFile,
    PaymentPlan,
    ReconciliationImport,
    Verification,
    VerificationContact,
)

__all__ = [
    "AdjudicationTask",
    "CashBudget",  # cash assistance (issue 10, part A)
    "ColumnMapping",
    "Consent",
    "ContactPreference",
    "Cycle",  # cash assistance
    "DataChangeRequest",
    "DeliveryAccount",  # cash assistance
    "Document",
    "EligibilityRule",  # cash assistance
    "ExchangeRate",  # cash assistance
    "Grievance",
    "GrievanceEvent",
    "Household",
    "ImportBatch",
    "Member",
    "MessageCampaign",
    "MessageRecipient",
    "MessageTemplate",
    "Payment",  # cash assistance
    "PaymentFile",  # cash assistance
    "PaymentPlan",  # cash assistance
    "ReconciliationImport",  # cash assistance
    "Referral",
    "RegistrationDraft",
    "TargetList",
    "TargetListEntry",
    "Verification",  # cash assistance
    "VerificationContact",  # cash assistance
]
