"""Probable duplicates: two records that may be one person, and a caseworker's decision."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.decisions import user_field


class AdjudicationTask(AuditScoped, models.Model):
    """Two people's records that a rule or the matcher found alike, for a person to decide.

    The pair is stored in order (``member_low`` has the smaller id), and a pair is asked
    once: the unique constraint keeps a decided pair from being asked again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        SAME = "same", _("The same person")
        DIFFERENT = "different", _("Different people")

    class Rule(models.TextChoices):
        EXACT_DOCUMENT = "exact_document", _("Same document (type, number, country)")
        MATCHER = "matcher", _("Probabilistic match of names, birth date, phone and place")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="adjudication_tasks",
    )
    member_low = models.ForeignKey(
        "registry.Member",
        verbose_name=_("first record"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    member_high = models.ForeignKey(
        "registry.Member",
        verbose_name=_("second record"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    probability = models.FloatField(_("match probability"))
    rule = models.CharField(_("found by"), max_length=20, choices=Rule.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = user_field(_("decided by"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member_low", "member_high"], name="adjudication_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(member_low__lt=models.F("member_high")),
                name="adjudication_pair_ordered",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return str(_("Probable duplicate %(number)s") % {"number": self.pk})
