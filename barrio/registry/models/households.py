"""Households, their members, identity documents and consent; drafts of the desk's form.

Personal values (names, birth date, address, phone, document numbers) are encrypted at rest.
Exact look-ups go through blind indexes kept beside them: a document number, a phone, and
each word of a person's names (so a name can be searched word by word, exactly).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedDateField, EncryptedTextField
from barrio.decisions import user_field
from barrio.registry.choices import (
    ConsentPurpose,
    DocumentType,
    Relationship,
    ResidenceStatus,
    Sex,
)


class Household(AuditScoped, models.Model):
    """People who live together and are assisted together, in one unit of a programme.

    ``head``, ``primary_collector`` and ``alternate_collector`` are members of the
    household: who answers for it, who receives its payments, and who may in their place.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DUPLICATE = "duplicate", _("Duplicate of another household")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    external_id = models.CharField(
        _("identifier at the source"),
        max_length=100,
        blank=True,
        help_text=_("The household's identifier in the survey or file it came from."),
    )
    address = EncryptedTextField(_("address"), blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=20, choices=ResidenceStatus.choices
    )
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    vulnerability = models.JSONField(_("vulnerability criteria"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    head = models.ForeignKey(
        "registry.Member",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_collector = models.ForeignKey(
        "registry.Member",
        verbose_name=_("primary collector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alternate_collector = models.ForeignKey(
        "registry.Member",
        verbose_name=_("alternate collector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    import_batch = models.ForeignKey(
        "registry.ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    created_by = user_field(_("registered by"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["programme", "residence_status"])]

    def __str__(self) -> str:
        return str(_("Household %(number)s") % {"number": self.pk})


class Member(AuditScoped, models.Model):
    """A person of a household: names as given and family names apart, and who they are.

    ``name_index`` holds the blind index of each word of the names (16 hex digits each,
    space-separated); ``phone_index`` that of the phone's last nine digits.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    external_id = models.CharField(_("identifier at the source"), max_length=100, blank=True)
    given_names = EncryptedTextField(_("given names"))
    family_name_1 = EncryptedTextField(_("first family name"))
    family_name_2 = EncryptedTextField(_("second family name"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, help_text=_("ISO 3166 code."))
    relationship = models.CharField(
        _("relationship to the head"), max_length=20, choices=Relationship.choices
    )
    disability = models.BooleanField(_("has a disability"), default=False)
    pregnancy = models.BooleanField(_("is pregnant"), default=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    name_index = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_scope = {"programme": "household.programme.slug"}

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household", "pk"]

    def __str__(self) -> str:
        return str(_("Person %(number)s") % {"number": self.pk})


class Document(AuditScoped, models.Model):
    """An identity document of a member; its number is encrypted, with a blind index."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="documents"
    )
    type = models.CharField(_("type"), max_length=30, choices=DocumentType.choices)
    number = EncryptedTextField(_("number"))
    number_index = models.CharField(max_length=64, db_index=True)
    issuing_country = models.CharField(
        _("issuing country"), max_length=2, help_text=_("ISO 3166 code.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_scope = {"programme": "member.household.programme.slug"}

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["member", "pk"]

    def __str__(self) -> str:
        return str(self.get_type_display())


class Consent(AuditScoped, models.Model):
    """A person's consent to one use of their household's data: when, and who recorded it."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="consents"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("given by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    given_on = models.DateField(_("given on"))
    recorded_by = user_field(_("recorded by"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    audit_scope = {"programme": "household.programme.slug"}

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["household", "purpose"]

    def __str__(self) -> str:
        return str(self.get_purpose_display())


class RegistrationDraft(models.Model):
    """A registration not yet sent, kept for its author only (its content encrypted)."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = EncryptedTextField(_("content"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("registration draft")
        verbose_name_plural = _("registration drafts")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return str(_("Draft %(number)s") % {"number": self.pk})
