"""Programmes, the organisations taking part in them, and personal API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField


class Programme(AuditScoped, models.Model):
    """A neighbourhood-improvement programme: the root of every scope in Barrio.

    A programme runs in one country, counts money in one currency and keeps its dates in one
    time zone; ``territorial_levels`` names the levels it works at, from the widest down
    (e.g. región → comuna → barrio).
    """

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code."))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code."))
    time_zone = models.CharField(_("time zone"), max_length=64)
    languages = models.JSONField(_("languages"), default=list)
    territorial_levels = models.JSONField(_("territorial levels"), default=list)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    units = models.ManyToManyField(
        "territories.TerritorialUnit",
        verbose_name=_("territory"),
        blank=True,
        related_name="programmes",
        help_text=_("The widest units the programme covers, e.g. its municipalities."),
    )
    is_public = models.BooleanField(
        _("shown on the public portal"),
        default=True,
        help_text=_("Public programmes appear on the transparency portal, without personal data."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_scope = {"programme": "slug"}

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A body taking part in programmes: ministry, municipality, agency, NGO, group, …"""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or national agency")
        MUNICIPALITY = "municipality", _("Municipality or city department")
        AGENCY = "agency", _("International agency")
        NGO = "ngo", _("Non-governmental organisation")
        COMMUNITY_GROUP = "community_group", _("Community group or neighbourhood council")
        FINANCIAL_SERVICE_PROVIDER = "fsp", _("Financial service provider")
        ACADEMIA = "academia", _("University or research centre")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2)
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programmes"), related_name="organisations", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token of a machine client; only a hash of it is stored.

    The token is shown once, when created: ``barrio_<prefix>_<secret>``. The prefix lets a
    person recognise it in a list; the SHA-256 digest of the whole token finds it on use.
    Its scope says whether it may only read (GET) or also change data; either way it acts
    with its owner's roles, never more.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    second_factor = models.BooleanField(
        _("created after a second factor"),
        default=False,
        help_text=_("Only such tokens work for users whose roles read personal data."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        """Tell whether the token may still be used: not revoked and not expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class Role(models.TextChoices):
    """The roles of Barrio; each is granted to a user within a scope."""

    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    MUNICIPAL_TEAM = "municipal_team", _("Municipal or neighbourhood team")
    COMMITTEE_MEMBER = "committee_member", _("Technical committee member")
    COMMUNITY_REPRESENTATIVE = "community_representative", _("Community representative")
    RESIDENT = "resident", _("Resident")
    CASEWORKER = "caseworker", _("Caseworker")
    PAYMENTS_OFFICER = "payments_officer", _("Payments officer")
    AUDITOR = "auditor", _("Auditor or evaluator")
    # Grievances (issue 10 part B): handles sensitive cases (protection, fraud, personal data).
    PROTECTION_FOCAL = "protection_focal", _("Protection focal point")


class RoleGrant(AuditScoped, models.Model):
    """A role given to a user within a programme, or within one unit of it and what it holds.

    ``unit`` empty means the whole programme. A grant ends at ``expires_on`` (inclusive) or
    when revoked; ended grants stay, for the record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="grants"
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole programme."),
    )
    expires_on = models.DateField(_("expires on"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["programme", "role", "user"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.programme}"

    @property
    def is_active(self) -> bool:
        """Tell whether the grant is in force today (not revoked, not expired)."""
        return self.revoked_at is None and self.expires_on >= dt.date.today()


class Profile(models.Model):
    """Personal details of a user beyond the sign-in data; encrypted at rest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class AccessDenial(models.Model):
    """A refused request: who (if known), what, when and why; never a personal value.

    Recorded for signed-in users and for requests that presented credentials, so that a
    role used outside its scope or a guessed id of another municipality leaves a trace.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("address"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"))
    code = models.CharField(_("code"), max_length=60)
    remote_addr = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refused access")
        verbose_name_plural = _("refused accesses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}"
