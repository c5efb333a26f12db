"""The technical committee of a call: its members, their assignments, declarations and scores.

Mexico City's Comité Técnico Mixto has ten members, five officials and five experts
(academics and civil society). Each member sees only the proposals assigned to them,
declares whether they have a conflict of interest before scoring, and scores every
criterion of the call's checklist with a written reason. The programme then admits,
rejects or returns the proposal; the decision keeps the aggregate it was taken on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models.calls import Call, ReviewCriterion
from barrio.participation.models.proposals import Proposal


class CommitteeMember(AuditScoped, models.Model):
    """A member of a call's technical committee: a user holding the committee-member role."""

    class Affiliation(models.TextChoices):
        OFFICIAL = "official", _("Official")
        ACADEMIC = "academic", _("Academic")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="committee"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    affiliation = models.CharField(_("affiliation"), max_length=20, choices=Affiliation.choices)
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("E.g. the ministry or school.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    audit_scope = {"programme": "call.programme.slug", "call": "call.slug"}

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["call", "affiliation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="committee_member_once")
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class ReviewAssignment(AuditScoped, models.Model):
    """One proposal given to one committee member to score.

    Before scoring, the member declares whether they have a conflict of interest; a declared
    conflict takes them off the proposal (the assignment stays, as the record of it).
    """

    class Declaration(models.TextChoices):
        PENDING = "pending", _("Not declared yet")
        NO_CONFLICT = "no_conflict", _("No conflict of interest")
        CONFLICT = "conflict", _("Conflict of interest")

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    member = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("committee member"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    declaration = models.CharField(
        _("declaration"), max_length=20, choices=Declaration.choices, default=Declaration.PENDING
    )
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    audit_scope = {"programme": "proposal.call.programme.slug", "call": "proposal.call.slug"}

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.member_id}"


class ReviewScore(AuditScoped, models.Model):
    """A member's score of one criterion of one proposal, with the reason (required)."""

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        ReviewCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_scope = {
        "programme": "assignment.proposal.call.programme.slug",
        "call": "assignment.proposal.call.slug",
    }

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["assignment", "criterion__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class ReviewDecision(AuditScoped, models.Model):
    """The programme's decision on a reviewed proposal, with the aggregate it was taken on."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="review_decisions",
    )
    outcome = models.CharField(_("decision"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    aggregate = models.DecimalField(
        _("aggregate score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    scored_by = models.PositiveSmallIntegerField(_("members who scored"), default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    audit_scope = {"programme": "proposal.call.programme.slug", "call": "proposal.call.slug"}

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.outcome}"

    @property
    def outcome_label(self) -> str:
        """The decision in words (admitted, rejected, returned for correction)."""
        return str(ProposalStatus(self.outcome).label)
