"""Cash assistance: eligibility rules and target lists, budgets, cycles and exchange rates.

A rule is versioned: saving a rule of the same name makes a new version and leaves the old
one as it was, so a target list always points at the exact rule that made it. A target
list keeps the fingerprint of its inputs and one entry per household saying why it is in
or out; it is approved by a programme manager other than who made it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.decisions import Decision, user_field


class EligibilityRule(AuditScoped, models.Model):
    """One version of a declarative rule (see :mod:`barrio.core.cash.eligibility`)."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="eligibility_rules",
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    targeting_run = models.ForeignKey(
        "planning.TargetingRun",
        verbose_name=_("approved targeting run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Its selected units are the field 'lives in a selected unit'."),
    )
    created_by = user_field(_("made by"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "version"], name="eligibility_rule_version_unique"
            )
        ]

    def __str__(self) -> str:
        return str(
            _("%(name)s, version %(version)s") % {"name": self.name, "version": self.version}
        )


class TargetList(AuditScoped, Decision):
    """The households a rule puts in, on the data of one moment, with why for each."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="target_lists",
    )
    rule = models.ForeignKey(
        EligibilityRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="target_lists",
    )
    parameters = models.JSONField(_("parameters"))
    household_count = models.PositiveIntegerField(_("households considered"))
    eligible_count = models.PositiveIntegerField(_("eligible households"))
    selected_count = models.PositiveIntegerField(_("households in the list"))
    quotas = models.JSONField(_("quotas"), default=list)

    class Meta:
        verbose_name = _("target list")
        verbose_name_plural = _("target lists")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Target list %(number)s") % {"number": self.pk})


class TargetListEntry(models.Model):
    """Whether one household is in a target list, its rank and score, and why."""

    target_list = models.ForeignKey(
        TargetList, verbose_name=_("target list"), on_delete=models.CASCADE, related_name="entries"
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="target_entries",
    )
    eligible = models.BooleanField(_("eligible"))
    selected = models.BooleanField(_("in the list"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.FloatField(_("score"))
    reason = models.CharField(_("reason"), max_length=30)
    failed_condition = models.PositiveSmallIntegerField(
        _("condition not met"), null=True, blank=True
    )
    value = models.JSONField(_("value of the condition's field"), null=True, blank=True)
    quota = models.PositiveSmallIntegerField(_("quota"), null=True, blank=True)

    class Meta:
        verbose_name = _("target list entry")
        verbose_name_plural = _("target list entries")
        ordering = ["target_list", models.F("rank").asc(nulls_last=True), "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_list", "household"], name="target_list_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_list} · {self.household_id}"


class CashBudget(AuditScoped, models.Model):
    """The money a programme has for cash transfers: its cycles' budgets never add up to more."""

    programme = models.OneToOneField(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="cash_budget",
    )
    currency = models.CharField(_("currency"), max_length=3)
    total_cents = models.BigIntegerField(_("budget (cents)"))
    updated_by = user_field(_("set by"))
    updated_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("cash budget")
        verbose_name_plural = _("cash budgets")

    def __str__(self) -> str:
        return str(_("Cash budget of %(programme)s") % {"programme": self.programme})


class Cycle(AuditScoped, models.Model):
    """A round of payments: its dates, its budget and the formula of each household's amount."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="cash_cycles",
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    currency = models.CharField(_("currency"), max_length=3)
    budget_cents = models.BigIntegerField(_("budget (cents)"))
    formula = models.JSONField(_("entitlement formula"))
    created_by = user_field(_("made by"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment cycle")
        verbose_name_plural = _("payment cycles")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class ExchangeRate(AuditScoped, models.Model):
    """Euros for one unit of a currency on a date, as a manager entered it (for reports)."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="exchange_rates",
    )
    currency = models.CharField(_("currency"), max_length=3)
    on = models.DateField(_("date"))
    eur_per_unit = models.DecimalField(_("euros per unit"), max_digits=20, decimal_places=10)
    entered_by = user_field(_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "currency", "on"], name="exchange_rate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.on}: {self.eur_per_unit} EUR"
