"""A programme's decisions over its territory: which units it works in, and with how much.

Both are stored with their parameters, the fingerprint of their inputs, who made them and who
approved them, and one row per unit that says why the unit is in or out.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.decisions import Run, user_field


class TargetingRun(AuditScoped, Run):
    """One ranking of a programme's units by an index, with filters, quotas and limits."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="targeting_runs",
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level of the units"), max_length=60)
    indicator = models.ForeignKey(
        "territories.Indicator",
        verbose_name=_("ranking indicator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=20)
    parameters = models.JSONField(_("parameters"))
    unit_count = models.PositiveIntegerField(_("candidate units"))
    eligible_count = models.PositiveIntegerField(_("eligible units"))
    selected_count = models.PositiveIntegerField(_("selected units"))
    total_cost_cents = models.BigIntegerField(_("total cost (cents)"), default=0)

    class Meta:
        verbose_name = _("targeting run")
        verbose_name_plural = _("targeting runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class TargetingDecision(models.Model):
    """Whether one unit is in a run, its rank among the eligible units, and why."""

    run = models.ForeignKey(
        TargetingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="decisions"
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.FloatField(_("value"), null=True, blank=True)
    stratum = models.CharField(_("stratum"), max_length=40, blank=True)
    group = models.CharField(_("quota group"), max_length=40, blank=True)
    population = models.BigIntegerField(_("population"), null=True, blank=True)
    cost_cents = models.BigIntegerField(_("cost (cents)"), default=0)
    selected = models.BooleanField(_("selected"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    params = models.JSONField(_("reason details"), default=dict)

    class Meta:
        verbose_name = _("targeting decision")
        verbose_name_plural = _("targeting decisions")
        ordering = ["run", models.F("rank").asc(nulls_last=True), "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit"], name="targeting_decision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run} · {self.unit}"


class Apportionment(AuditScoped, models.Model):
    """An amount split among units by a formula, in exact cents."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="apportionments",
    )
    name = models.CharField(_("name"), max_length=200)
    targeting_run = models.ForeignKey(
        TargetingRun,
        verbose_name=_("units of the targeting run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="apportionments",
    )
    level = models.CharField(_("level of the units"), max_length=60)
    total_cents = models.BigIntegerField(_("amount (cents)"))
    floor_cents = models.BigIntegerField(_("floor per unit (cents)"), default=0)
    formula = models.JSONField(_("formula"))
    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    created_by = user_field(_("made by"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("budget apportionment")
        verbose_name_plural = _("budget apportionments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ApportionmentShare(models.Model):
    """One unit's part of an apportionment, and how it was reached."""

    apportionment = models.ForeignKey(
        Apportionment,
        verbose_name=_("apportionment"),
        on_delete=models.CASCADE,
        related_name="shares",
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cents = models.BigIntegerField(_("amount (cents)"))
    floor_applied = models.BooleanField(_("raised to the floor"))
    remainder_cent = models.BooleanField(_("got a remainder cent"))
    parts = models.JSONField(_("parts of the formula"))

    class Meta:
        verbose_name = _("apportioned share")
        verbose_name_plural = _("apportioned shares")
        ordering = ["apportionment", "-cents", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["apportionment", "unit"], name="apportionment_share_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.apportionment} · {self.unit}"
