"""Grievances and the orientation centre: cases, their history, data-change requests and
referrals to partner organisations.

A case belongs to a programme and a territorial unit (where the person lives, or the
orientation centre's district) and, when the person is registered, to a household. The
person's contact details, the description and the resolution are encrypted at rest. Every
status change and assignment is a :class:`GrievanceEvent` (who, when, from what to what).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.core.grievances import is_overdue
from barrio.crypto import EncryptedTextField
from barrio.decisions import user_field


class GrievanceCategory(models.TextChoices):
    """What a case is about. Protection, fraud and personal data are sensitive."""

    PAYMENT = "payment", _("Payment not received or wrong amount")
    REGISTRATION = "registration", _("Registration or eligibility")
    DATA_CORRECTION = "data_correction", _("Correction of the household's data")
    INFORMATION = "information", _("Request for information or orientation")
    SERVICE = "service", _("Quality of the service or staff conduct")
    PROTECTION = "protection", _("Protection: violence, exploitation or threats")
    FRAUD = "fraud", _("Fraud, corruption or misuse of funds")
    PERSONAL_DATA = "personal_data", _("Misuse or breach of personal data")
    OTHER = "other", _("Other")


#: Categories whose cases only the roles of ``grievance.sensitive`` see.
SENSITIVE_CATEGORIES = frozenset(
    {GrievanceCategory.PROTECTION, GrievanceCategory.FRAUD, GrievanceCategory.PERSONAL_DATA}
)

#: Calendar days to answer a case, by category (protection cannot wait).
DEADLINE_DAYS: dict[str, int] = {
    GrievanceCategory.PROTECTION: 1,
    GrievanceCategory.PAYMENT: 5,
    GrievanceCategory.PERSONAL_DATA: 5,
    GrievanceCategory.INFORMATION: 3,
    GrievanceCategory.DATA_CORRECTION: 10,
    GrievanceCategory.REGISTRATION: 10,
    GrievanceCategory.FRAUD: 15,
    GrievanceCategory.SERVICE: 15,
    GrievanceCategory.OTHER: 15,
}


class Grievance(AuditScoped, models.Model):
    """A case brought to the programme: a complaint, a request, a report."""

    class Channel(models.TextChoices):
        DESK = "desk", _("Registration desk")
        ORIENTATION_CENTRE = "orientation_centre", _("Orientation centre")
        PHONE = "phone", _("Phone line")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSIGNED = "assigned", _("Assigned")
        IN_PROGRESS = "in_progress", _("In progress")
        ON_HOLD = "on_hold", _("On hold")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievances",
    )
    category = models.CharField(_("category"), max_length=30, choices=GrievanceCategory.choices)
    sensitive = models.BooleanField(_("sensitive"), default=False, editable=False)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    contact_name = EncryptedTextField(_("name of the person"), blank=True)
    contact_phone = EncryptedTextField(_("phone"), blank=True)
    contact_email = EncryptedTextField(_("e-mail"), blank=True)
    description = EncryptedTextField(_("what the person says"))
    assigned_to = user_field(_("assigned to"), blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"))
    resolution = EncryptedTextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1 to 5)"), null=True, blank=True
    )
    created_by = user_field(_("recorded by"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["programme", "due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="grievance_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return str(_("Case %(number)s") % {"number": self.pk})

    @property
    def is_overdue(self) -> bool:
        """Tell whether the case is still open after its deadline."""
        return is_overdue(self.status, self.due_at, timezone.now())


class GrievanceEvent(models.Model):
    """One step of a case's history: a status change or an assignment, by whom and when."""

    grievance = models.ForeignKey(
        Grievance, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Grievance.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Grievance.Status.choices)
    assigned_to = user_field(_("assigned to"), blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    actor = user_field(_("by"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["grievance", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class DataChangeRequest(AuditScoped, models.Model):
    """A household asks to correct one of its values; a second person approves or rejects.

    The old value (as it was when asked) and the new one are encrypted. Approval applies
    the change through the registry's services; a request whose old value no longer
    matches the record (changed meanwhile) cannot be approved.
    """

    class Field(models.TextChoices):
        ADDRESS = "address", _("Address")
        PHONE = "phone", _("Phone")
        GIVEN_NAMES = "given_names", _("Given names")
        FAMILY_NAME_1 = "family_name_1", _("First family name")
        FAMILY_NAME_2 = "family_name_2", _("Second family name")
        BIRTH_DATE = "birth_date", _("Birth date")
        DOCUMENT_NUMBER = "document_number", _("Document number")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved and applied")
        REJECTED = "rejected", _("Rejected")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="data_change_requests",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="data_change_requests",
    )
    member = models.ForeignKey(
        "registry.Member",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    grievance = models.ForeignKey(
        Grievance,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_change_requests",
    )
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    old_value = EncryptedTextField(_("value before"), blank=True)
    new_value = EncryptedTextField(_("new value"), blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_by = user_field(_("asked by"))
    decided_by = user_field(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data-change request")
        verbose_name_plural = _("data-change requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return str(_("Data-change request %(number)s") % {"number": self.pk})


class Referral(AuditScoped, models.Model):
    """A household or a case sent to a service of a partner organisation, and what came of it."""

    class Service(models.TextChoices):
        HEALTH = "health", _("Health")
        LEGAL = "legal", _("Legal aid and documentation")
        EMPLOYMENT = "employment", _("Employment and livelihoods")
        HOUSING = "housing", _("Housing and shelter")
        EDUCATION = "education", _("Education")
        PROTECTION = "protection", _("Protection")

    class Status(models.TextChoices):
        MADE = "made", _("Made")
        ACCEPTED = "accepted", _("Accepted by the organisation")
        ATTENDED = "attended", _("Attended")
        CLOSED = "closed", _("Closed")
        REFUSED = "refused", _("Refused")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    grievance = models.ForeignKey(
        Grievance,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.MADE
    )
    note = EncryptedTextField(_("note"), blank=True)
    made_on = models.DateField(_("made on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    attended_on = models.DateField(_("attended on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = user_field(_("made by"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-made_on", "-pk"]

    def __str__(self) -> str:
        return str(_("Referral %(number)s") % {"number": self.pk})
