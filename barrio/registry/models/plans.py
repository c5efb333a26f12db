"""Cash assistance: payment details, payment plans and their files, reconciliation, verification.

A plan pays one cycle's entitlement to the households of an approved target list. It is
approved, authorized and released by three different people; on release the list of each
provider is built as encrypted files (the password is shown once and stored nowhere). A
household has at most one payment a cycle that is not an exclusion (a constraint too). The
provider's result file is applied by a reconciliation import; a verification draws a
seeded sample of paid households to contact and records what they answered.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField
from barrio.decisions import Decision, status_field, user_field

#: Why a household of the list gets no payment, in words (codes of the services).
EXCLUSION_REASONS = {
    "not_active": _("the household is no longer active"),
    "open_duplicate": _("a probable duplicate of a member is still open"),
    "no_payment_details": _("the household has no payment details"),
    "payment_details_incomplete": _("the payment details lack what the provider needs"),
}


class DeliveryAccount(AuditScoped, models.Model):
    """How a household is paid: a provider and the fields it needs (encrypted, as JSON)."""

    household = models.OneToOneField(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="delivery_account",
    )
    provider = models.CharField(_("provider"), max_length=40)
    mechanism = models.CharField(_("delivery mechanism"), max_length=20)
    details = EncryptedTextField(_("payment details"))
    updated_by = user_field(_("recorded by"))
    updated_at = models.DateTimeField(_("recorded at"), auto_now=True)

    audit_scope = {"household": "household_id"}

    class Meta:
        verbose_name = _("payment details")
        verbose_name_plural = _("payment details")

    def __str__(self) -> str:
        return f"{self.household_id} · {self.provider}"


class PaymentPlan(AuditScoped, Decision):
    """The payments of one cycle to the households of one approved target list."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for approval")
        APPROVED = "approved", _("Approved, waiting for authorization")
        AUTHORIZED = "authorized", _("Authorized, waiting for release")
        RELEASED = "released", _("Released")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="payment_plans",
    )
    cycle = models.ForeignKey(
        "registry.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    target_list = models.ForeignKey(
        "registry.TargetList",
        verbose_name=_("target list"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    currency = models.CharField(_("currency"), max_length=3)
    total_cents = models.BigIntegerField(_("total (cents)"))
    payment_count = models.PositiveIntegerField(_("payments"))
    excluded_count = models.PositiveIntegerField(_("households left out"))
    fingerprint = None  # type: ignore[assignment]
    status = status_field(Status)
    authorized_by = user_field(_("authorized by"), blank=True)
    authorized_at = models.DateTimeField(_("authorized at"), null=True, blank=True)
    released_by = user_field(_("released by"), blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Payment plan %(number)s") % {"number": self.pk})


class Payment(models.Model):
    """One household's payment of a plan: its entitlement, provider, status and result."""

    class Status(models.TextChoices):
        EXCLUDED = "excluded", _("Left out")
        PENDING = "pending", _("Waiting for release")
        SENT = "sent", _("Sent to the provider")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Not delivered")

    plan = models.ForeignKey(
        PaymentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="payments"
    )
    cycle = models.ForeignKey(
        "registry.Cycle", verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    amount_cents = models.BigIntegerField(_("entitlement (cents)"))
    currency = models.CharField(_("currency"), max_length=3)
    provider = models.CharField(_("provider"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    excluded_reason = models.CharField(_("why left out"), max_length=40, blank=True)
    delivered_cents = models.BigIntegerField(_("delivered (cents)"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    failure_reason = models.CharField(_("why it failed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "household"],
                condition=~models.Q(status="excluded"),
                name="payment_once_a_cycle",
            )
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="payment_cycle_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reason_text(self) -> str:
        """Why the household is left out, in words."""
        return str(EXCLUSION_REASONS.get(self.excluded_reason, self.excluded_reason))


class PaymentFile(AuditScoped, models.Model):
    """A provider's payment list of a released plan, encrypted (XLSX or CSV in an AES ZIP)."""

    plan = models.ForeignKey(
        PaymentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="files"
    )
    provider = models.CharField(_("provider"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("encrypted content"))
    row_count = models.PositiveIntegerField(_("payments"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    audit_scope = {"plan": "plan_id"}

    class Meta:
        verbose_name = _("payment list file")
        verbose_name_plural = _("payment list files")
        ordering = ["provider", "file_name"]

    def __str__(self) -> str:
        return self.file_name


class ReconciliationImport(models.Model):
    """A provider's result file applied to the programme's payments (or refused).

    A file sent from the page waits, encrypted (``payload``), until a task worker has
    checked it and applied or rejected it; then the file is dropped and only the counts, or
    each problem as ``{"loc": [...], "msg": ...}`` (``errors``, without the values), stay.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, waiting to be checked")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="reconciliation_imports",
    )
    file_name = models.CharField(_("file name"), max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    payload = EncryptedTextField(blank=True, default="")
    errors = models.JSONField(_("problems"), default=list, blank=True)
    job_id = models.CharField(max_length=64, blank=True, default="")
    row_count = models.PositiveIntegerField(_("rows"))
    changed_count = models.PositiveIntegerField(_("payments changed"))
    created_by = user_field(_("imported by"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation import")
        verbose_name_plural = _("reconciliation imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class Verification(models.Model):
    """A seeded random sample of a cycle's delivered payments, to contact the households."""

    cycle = models.ForeignKey(
        "registry.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    seed = models.PositiveIntegerField(_("seed"))
    size = models.PositiveIntegerField(_("households to contact"))
    population = models.PositiveIntegerField(_("delivered payments"))
    created_by = user_field(_("drawn by"))
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Verification %(number)s") % {"number": self.pk})


class VerificationContact(models.Model):
    """One household of a verification sample and what it answered."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("Not contacted yet")
        RECEIVED = "received", _("Received the full amount")
        RECEIVED_LESS = "received_less", _("Received less than the amount")
        NOT_RECEIVED = "not_received", _("Did not receive it")
        UNREACHABLE = "unreachable", _("Could not be reached")

    verification = models.ForeignKey(
        Verification,
        verbose_name=_("verification"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="+"
    )
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = user_field(_("recorded by"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification contact")
        verbose_name_plural = _("verification contacts")
        ordering = ["verification", "pk"]

    def __str__(self) -> str:
        return f"{self.verification_id} · {self.payment_id}"
