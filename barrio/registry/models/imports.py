"""Imports of households: the saved column mappings of other agencies' files, and each batch."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField
from barrio.decisions import user_field


class ColumnMapping(AuditScoped, models.Model):
    """How another agency's file says what the template says, saved under a name.

    ``columns`` maps a template column to the file's column (``{"given_names": "Nombres"}``);
    ``values`` maps, per template column, the file's values to ours
    (``{"sex": {"F": "female", "M": "male"}}``); ``date_format`` reads its dates
    (``%d/%m/%Y``); ``sheet`` names the sheet to read and ``repeat_group`` the KoboToolbox
    repeat group that holds the members.
    """

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="column_mappings",
    )
    name = models.SlugField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)
    date_format = models.CharField(_("date format"), max_length=30, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    repeat_group = models.CharField(_("repeat group of the members"), max_length=100, blank=True)
    created_by = user_field(_("created by"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="column_mapping_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(AuditScoped, models.Model):
    """One file sent for import: checked, summarised, and applied all at once or not at all.

    The file itself is kept encrypted (``payload``) only until the batch is applied or
    rejected; ``errors`` lists each problem as ``{"loc": [...], "msg": ...}`` without the
    values; ``summary`` holds the counts of the dry run.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CHECKED = "checked", _("Checked, ready to apply")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Spreadsheet (XLSX)")
        CSV = "csv", _("Comma-separated values (CSV)")
        KOBO = "kobo", _("KoboToolbox export (JSON)")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    mapping = models.ForeignKey(
        ColumnMapping,
        verbose_name=_("column mapping"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batches",
    )
    fingerprint = models.CharField(_("fingerprint of the rows"), max_length=64, blank=True)
    payload = EncryptedTextField(blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    created_by = user_field(_("sent by"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
