"""Calls for proposals: what may be proposed, where, by whom, until when, and how it is judged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped


class WorkKind(models.TextChoices):
    """Kinds of works the programmes fund (Mexico City's PCMB list, Chile's QMB works)."""

    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
    PARK = "park", _("Park or garden")
    SITE_MUSEUM = "site_museum", _("Site museum")
    RECREATION = "recreation", _("Recreation or sports area")
    STREETS_LIGHTING = "streets_lighting", _("Streets, pavements and lighting")
    URBAN_IMAGE = "urban_image", _("Urban image and facades")
    ECOLOGICAL = "ecological", _("Ecological works")
    SERVICES = "services", _("Water, drainage and other services")
    OTHER = "other", _("Other works")


class Call(AuditScoped, models.Model):
    """A programme's call for proposals, with the dates of each of its steps.

    The steps follow one another: submission, committee review, assemblies, voting, results.
    Dates are stored in UTC and shown in the programme's time zone; a step is open between
    its opening and closing instants.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="calls",
    )
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submission_opens_at = models.DateTimeField(_("submission opens"))
    submission_closes_at = models.DateTimeField(_("submission closes"))
    review_closes_at = models.DateTimeField(_("committee review closes"))
    assemblies_close_at = models.DateTimeField(_("assemblies close"))
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    results_at = models.DateTimeField(_("results published"))
    units = models.ManyToManyField(
        "territories.TerritorialUnit",
        verbose_name=_("eligible units"),
        related_name="calls",
        blank=True,
    )
    targeting_run = models.ForeignKey(
        "planning.TargetingRun",
        verbose_name=_("targeting run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("When set, the eligible units are the units this approved run selected."),
    )
    kinds = models.JSONField(
        _("kinds of work allowed"), default=list, help_text=_("Codes of the allowed kinds.")
    )
    max_project_cents = models.BigIntegerField(_("maximum per project (cents)"))
    total_cents = models.BigIntegerField(_("total of the call (cents)"))
    required_documents = models.JSONField(
        _("required documents"),
        default=list,
        help_text=_("Names of the documents each proposal must attach."),
    )
    min_group_members = models.PositiveSmallIntegerField(
        _("minimum resident members of a group"), default=5
    )
    min_signatures = models.PositiveSmallIntegerField(_("minimum supporting signatures"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-submission_opens_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="call_unique_slug"),
            models.CheckConstraint(
                condition=models.Q(submission_opens_at__lt=models.F("submission_closes_at")),
                name="call_submission_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(max_project_cents__gt=0)
                & models.Q(total_cents__gte=models.F("max_project_cents")),
                name="call_amounts_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewCriterion(models.Model):
    """One criterion of a call's review checklist, with its weight and its scale."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it asks"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, help_text=_("Scores go from 0 to this number.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_unique_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0) & models.Q(scale_max__gt=0),
                name="criterion_weight_scale_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name
