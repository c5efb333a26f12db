"""Proposals of community groups, their budget, attachments, signatures, versions and steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models.calls import Call, WorkKind
from barrio.participation.models.groups import CommunityGroup


class Proposal(AuditScoped, models.Model):
    """A group's project for one unit in one call.

    While it is a draft (or returned for correction) the group edits it; submitting freezes
    the content as a numbered :class:`ProposalVersion`, and from then on only its status moves,
    each move recorded as a :class:`ProposalTransition`.
    """

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="proposals"
    )
    group = models.ForeignKey(
        CommunityGroup,
        verbose_name=_("community group"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    reference = models.CharField(
        _("reference"), max_length=30, blank=True, help_text=_("Given on first submission.")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind of work"), max_length=30, choices=WorkKind.choices)
    location = models.JSONField(
        _("location"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON point or polygon in longitude and latitude (WGS 84)."),
    )
    diagnosis = models.TextField(_("diagnosis of the problem"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)
    beneficiary_count = models.PositiveIntegerField(_("number of beneficiaries"), default=0)
    timeline = models.JSONField(
        _("timeline"),
        default=list,
        help_text=_("Activities, each with its first and last month."),
    )
    total_cents = models.BigIntegerField(_("total (cents)"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_scope = {"programme": "call.programme.slug", "call": "call.slug"}

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["call", "status"], name="proposal_call_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_cents__gte=0), name="proposal_total_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """One line of a proposal's budget: quantity × unit cost, in the programme's currency."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    concept = models.CharField(_("concept"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit of measure"), max_length=30)
    unit_cost_cents = models.BigIntegerField(_("unit cost (cents)"))
    total_cents = models.BigIntegerField(_("total (cents)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["proposal", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0)
                & models.Q(unit_cost_cents__gte=0)
                & models.Q(total_cents__gte=0),
                name="budget_line_amounts_positive",
            )
        ]

    def __str__(self) -> str:
        return self.concept


class ProposalVersion(models.Model):
    """The frozen content of a proposal at one submission."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("number"))
    content = models.JSONField(_("content"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.number}"


class ProposalTransition(models.Model):
    """One step of a proposal's life cycle: from which status to which, who, when and why."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ProposalStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal transition")
        verbose_name_plural = _("proposal transitions")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Attachment(models.Model):
    """A photo or a PDF attached to a proposal; its type is checked from its content."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        PDF = "pdf", _("PDF document")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    document = models.CharField(
        _("required document"),
        max_length=200,
        blank=True,
        help_text=_("Which of the call's required documents this file is, if any."),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="participation/attachments/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    """A resident's support for a proposal. Name and document are personal data (encrypted);
    the blind index keeps one signature per person and proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="signatures"
    )
    full_name = EncryptedTextField(_("full name"))
    document_number = EncryptedTextField(_("document number"), blank=True)
    person_index = models.CharField(max_length=64, editable=False)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("lives in"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporting signature")
        verbose_name_plural = _("supporting signatures")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person_index"], name="signature_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)
