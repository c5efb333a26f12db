"""Residents' votes on a call's approved proposals, their ballots and the allocation runs.

A vote (an *election* in pabulib's words; ``Vote`` is already the assembly's show of hands)
has one or more pots, each a territorial unit or the whole programme with its budget; the
proposals of a pot are frozen on its ballot as :class:`BallotItem` rows when the vote opens.

Who voted and what was voted are stored apart: :class:`Voter` says that a person voted in a
pot (one person, one ballot per pot, enforced by a uniqueness constraint); :class:`Ballot`
and :class:`BallotChoice` hold the content with no link to the person. A ballot's primary key
is a random number, so its order says nothing about when it was cast or by whom. Only when
the vote lets residents change their ballot does the voter row keep the ballot's id,
encrypted, and reading it is done only to replace that ballot; counting never needs it.

An :class:`AllocationRun` is one decision of the engine over the stored ballots: its rule,
parameters, the fingerprint of its inputs, who ran it and who approved it, and one
:class:`AllocationResult` per project with the engine's explanation.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField
from barrio.decisions import Run, status_field
from barrio.participation.models.calls import Call
from barrio.participation.models.proposals import Proposal


def random_ballot_id() -> int:
    """A random positive 63-bit id: ballots carry no order that could link them to voters."""
    return secrets.randbits(62) + 1


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose up to a number of projects")
    KNAPSACK = "knapsack", _("Basket: choose projects up to the budget")
    CUMULATIVE = "cumulative", _("Points: spread a number of points")
    RANKED = "ranked", _("Ranking: rank up to a number of projects")


class AllocationRule(models.TextChoices):
    """The engine's rules (``barrio.core.pb.RULES``), by the names the engine uses."""

    GREEDY = "greedy", _("Most votes first (greedy)")
    GREEDY_NO_SKIP = (
        "greedy-no-skip",
        _("Most votes first, stopping at the first that does not fit"),
    )
    GREEDY_THRESHOLD = "greedy-threshold", _("Most votes first, above a minimum of votes")
    MES = "mes", _("Method of Equal Shares")
    MES_ADD1 = "mes-add1", _("Method of Equal Shares, budget raised until exhaustive")
    MES_ADD1_GREEDY = (
        "mes-add1-greedy",
        _("Method of Equal Shares, budget raised, completed by most votes"),
    )
    MES_ADD1_COMPARISON = (
        "mes-add1-comparison",
        _("Method of Equal Shares compared with most votes (as in Wieliczka)"),
    )
    PHRAGMEN = "phragmen", _("Sequential Phragmén")


class Election(AuditScoped, models.Model):
    """A vote of a call: its period, ballot kind and limits, pots, and the rule that decides.

    ``max_choices`` is the *k* of approval ("choose up to k") and ranked ("rank up to k")
    ballots and an optional limit on basket ballots; ``points`` is the *N* of cumulative
    ballots ("spread N points"), with ``max_points_per_project`` an optional cap per project.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", pgettext_lazy("status of a vote", "Results published")

    class Validation(models.TextChoices):
        SIGNED_IN_RESIDENT = "signed_in_resident", _("Signed-in residents of the unit")
        # Census list with one-time codes (issue 8, second half).
        CENSUS = "census", _("People on the census list, with a code sent to them")
        # Polling stations and paper ballots (issue 8, second half).
        IN_PERSON = "in_person", _("In person at a polling station, by an identity document")

    class TieBreak(models.TextChoices):
        BY_ID = "id", _("By project reference")
        EQUAL_SHARES = "equalshares", _("Lowest cost, then most votes, then a seeded lot")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="elections"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    ballot_kind = models.CharField(_("kind of ballot"), max_length=20, choices=BallotKind.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("most projects a ballot may choose"), null=True, blank=True
    )
    points = models.PositiveIntegerField(_("points to spread"), null=True, blank=True)
    max_points_per_project = models.PositiveIntegerField(
        _("most points per project"), null=True, blank=True
    )
    validation = models.CharField(
        _("who may vote"),
        max_length=30,
        choices=Validation.choices,
        default=Validation.SIGNED_IN_RESIDENT,
    )
    allow_change = models.BooleanField(_("ballots may be changed until the close"), default=False)
    rule = models.CharField(_("rule"), max_length=30, choices=AllocationRule.choices)
    tie_breaking = models.CharField(
        _("tie-breaking"), max_length=20, choices=TieBreak.choices, default=TieBreak.BY_ID
    )
    seed = models.PositiveIntegerField(_("seed of the lot"), default=0)
    threshold = models.PositiveIntegerField(_("minimum votes"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    audit_scope = {"programme": "call.programme.slug", "call": "call.slug"}

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="election_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Pot(AuditScoped, models.Model):
    """Money of a vote for one unit's projects (``unit`` empty: the whole programme)."""

    election = models.ForeignKey(
        Election, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="pots"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole programme."),
    )
    budget_cents = models.BigIntegerField(_("budget (cents)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    audit_scope = {"programme": "election.call.programme.slug", "call": "election.call.slug"}

    class Meta:
        verbose_name = _("pot")
        verbose_name_plural = _("pots")
        ordering = ["election", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "unit"], name="pot_unique_unit"),
            models.CheckConstraint(condition=models.Q(budget_cents__gt=0), name="pot_budget_gt_0"),
        ]

    def __str__(self) -> str:
        return self.name


class BallotItem(models.Model):
    """A proposal on a pot's ballot, with its cost frozen when the vote opened."""

    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="items"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="ballot_items"
    )
    cost_cents = models.BigIntegerField(_("cost (cents)"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("ballot item")
        verbose_name_plural = _("ballot items")
        ordering = ["pot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pot", "proposal"], name="ballot_item_unique"),
            models.CheckConstraint(condition=models.Q(cost_cents__gt=0), name="ballot_item_cost"),
        ]

    def __str__(self) -> str:
        return f"{self.pot_id} · {self.proposal_id}"


class Voter(models.Model):
    """That a person voted in a pot: one row per person and pot, never the ballot's content."""

    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="voters"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A census voter (validation by census list and one-time code) instead of a user.
    census_entry = models.ForeignKey(
        "participation.CensusEntry",
        verbose_name=_("census entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=20, default="online")
    # Only when the vote allows changes: which ballot to replace (encrypted; see the module).
    ballot_ref = EncryptedTextField(_("ballot to replace"), blank=True)
    voted_at = models.DateTimeField(_("voted at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["pot", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pot", "user"], name="voter_once_per_pot"),
            models.UniqueConstraint(
                fields=["pot", "census_entry"], name="census_voter_once_per_pot"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) ^ models.Q(census_entry__isnull=True),
                name="voter_user_or_census_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pot_id} · {self.user_id or self.census_entry_id}"


class Ballot(models.Model):
    """The anonymous content of one ballot in one pot, with the receipt its voter was given."""

    id = models.BigIntegerField(primary_key=True, default=random_ballot_id, editable=False)
    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="ballots"
    )
    receipt = models.CharField(_("receipt code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["pot", "id"]

    def __str__(self) -> str:
        return self.receipt


class BallotChoice(models.Model):
    """One project on a ballot: 1 (approval, basket), the points given, or the rank (1 first)."""

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="choices"
    )
    item = models.ForeignKey(
        BallotItem, verbose_name=_("project"), on_delete=models.PROTECT, related_name="choices"
    )
    value = models.PositiveIntegerField(_("points or rank"), default=1)

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        ordering = ["ballot", "value", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "item"], name="ballot_choice_unique"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="ballot_choice_value"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.item_id}"


class AllocationRun(AuditScoped, Run):
    """One decision of the engine over a closed vote's ballots, to approve before publishing."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved and published")

    election = models.ForeignKey(
        Election, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="runs"
    )
    rule = models.CharField(_("rule"), max_length=30, choices=AllocationRule.choices)
    parameters = models.JSONField(_("parameters"))
    fingerprint = models.CharField(_("fingerprint of the inputs"), max_length=100)
    voter_count = models.PositiveIntegerField(_("ballots"))
    total_cost_cents = models.BigIntegerField(_("total funded (cents)"))
    seconds = models.FloatField(_("seconds the engine took"))
    status = status_field(Status)

    audit_scope = {"programme": "election.call.programme.slug", "call": "election.call.slug"}

    class Meta:
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election"],
                condition=models.Q(status="approved"),
                name="allocation_one_approved_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.election} · {self.rule}"


class AllocationResult(models.Model):
    """One project's outcome in a run: votes, cost, funded or not, and the engine's reason."""

    run = models.ForeignKey(
        AllocationRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        BallotItem, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    votes = models.PositiveIntegerField(_("votes"))
    score = models.BigIntegerField(_("score"))
    cost_cents = models.BigIntegerField(_("cost (cents)"))
    funded = models.BooleanField(_("funded"))
    round = models.PositiveIntegerField(_("round"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=30)
    explanation = models.JSONField(_("explanation"), default=dict)

    class Meta:
        verbose_name = _("allocation result")
        verbose_name_plural = _("allocation results")
        ordering = ["run", models.F("round").asc(nulls_last=True), "-votes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "item"], name="allocation_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.item_id}"
