"""The registry's models in the audit log: every change recorded, personal values masked."""

from __future__ import annotations

from auditlog.registry import auditlog

from barrio.registry.models import (  # grievances (issue 10 part B)
    AdjudicationTask,
    CashBudget,
    ColumnMapping,
    Consent,
    Cycle,
    DataChangeRequest,
    DeliveryAccount,
    Document,
    EligibilityRule,
    ExchangeRate,
    Grievance,
    GrievanceEvent,
    Household,
    ImportBatch,
    Member,
    MessageCampaign,
    MessageTemplate,
    PaymentFile,
    PaymentPlan,
    Referral,
    TargetList,
)


def register_models() -> None:
    """Register the registry's models with django-auditlog (once, when apps are ready).

    Encrypted values are masked whole; blind indexes and fingerprints are left out, since
    a hash of a document number is as personal as the number to whoever holds the key.
    """
    auditlog.register(Household, mask_fields=["address"], exclude_fields=["source_fingerprint"])
    auditlog.register(
        Member,
        mask_fields=["given_names", "family_name_1", "family_name_2", "birth_date", "phone"],
        exclude_fields=["phone_index", "name_index"],
    )
    auditlog.register(Document, mask_fields=["number"], exclude_fields=["number_index"])
    auditlog.register(Consent)
    auditlog.register(ColumnMapping)
    auditlog.register(AdjudicationTask)
    auditlog.register(ImportBatch, exclude_fields=["payload", "errors", "summary", "fingerprint"])
    # Grievances, data changes, referrals (issue 10 part B): encrypted values masked whole.
    auditlog.register(
        Grievance,
        mask_fields=[
            "contact_name",
            "contact_phone",
            "contact_email",
            "description",
            "resolution",
        ],
    )
    auditlog.register(GrievanceEvent, mask_fields=["note"])
    auditlog.register(DataChangeRequest, mask_fields=["old_value", "new_value"])
    auditlog.register(Referral, mask_fields=["note"])
    auditlog.register(MessageTemplate)
    auditlog.register(MessageCampaign)
    # Cash assistance (issue 10, part A): rules and lists; entries are written in bulk.
    auditlog.register(EligibilityRule)
    auditlog.register(TargetList, exclude_fields=["quotas"])
    auditlog.register(CashBudget)
    auditlog.register(Cycle)
    auditlog.register(ExchangeRate)
    # Cash assistance: payment details masked; plans' sign-offs; files (content left out).
    auditlog.register(DeliveryAccount, mask_fields=["details"])
    auditlog.register(PaymentPlan)
    auditlog.register(PaymentFile, exclude_fields=["content"])
