"""Neighbourhood assemblies: who came, how they voted on each proposal, whom they elected.

In Mexico City's PCMB the assembly of the colonia approves a proposal and elects the
residents' committees that administer the money, supervise the works and look after the
community's development. Attendees' and committee members' names are personal data
(encrypted); a blind index keeps one person once per assembly and per committee.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField
from barrio.participation.models.calls import Call
from barrio.participation.models.proposals import Proposal


class Assembly(AuditScoped, models.Model):
    """One assembly of a unit's residents, with its quorum rule and its agenda."""

    class Voting(models.TextChoices):
        INDIVIDUAL = "individual", _("Each attendee's vote")
        TALLY = "tally", _("Counted tallies")

    class Status(models.TextChoices):
        OPEN = "open", _("Being recorded")
        CLOSED = "closed", _("Closed")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="assemblies"
    )
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="assemblies",
    )
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    quorum_min_attendees = models.PositiveIntegerField(_("minimum attendees"), default=0)
    quorum_share_percent = models.PositiveSmallIntegerField(
        _("minimum share of the base (%)"), default=0
    )
    quorum_base = models.PositiveIntegerField(
        _("base of the share"),
        default=0,
        help_text=_("The group's members or the unit's registered residents."),
    )
    voting = models.CharField(
        _("how votes are recorded"),
        max_length=20,
        choices=Voting.choices,
        default=Voting.TALLY,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    audit_scope = {"programme": "call.programme.slug", "call": "call.slug"}

    class Meta:
        verbose_name = _("assembly")
        verbose_name_plural = _("assemblies")
        ordering = ["-held_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum_share_percent__lte=100), name="assembly_share_percent"
            )
        ]

    def __str__(self) -> str:
        return self.place


class AgendaItem(AuditScoped, models.Model):
    """A proposal on an assembly's agenda, its tally and, once closed, the result."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Not decided yet")
        APPROVED = "approved", _("Approved")
        NOT_APPROVED = "not_approved", _("Not approved")

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="agenda"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    votes_for = models.PositiveIntegerField(_("votes for"), default=0)
    votes_against = models.PositiveIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveIntegerField(_("abstentions"), default=0)
    result = models.CharField(
        _("result"), max_length=20, choices=Result.choices, default=Result.PENDING
    )

    audit_scope = {"programme": "assembly.call.programme.slug", "call": "assembly.call.slug"}

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "proposal"], name="agenda_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.assembly_id} · {self.proposal_id}"


class Attendee(AuditScoped, models.Model):
    """A person at an assembly. One person is listed once (``person_index``)."""

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.CASCADE, related_name="attendees"
    )
    full_name = EncryptedTextField(_("full name"))
    person_index = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    audit_scope = {"programme": "assembly.call.programme.slug", "call": "assembly.call.slug"}

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["assembly", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "person_index"], name="attendee_once_per_assembly"
            )
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Vote(AuditScoped, models.Model):
    """One attendee's vote on one agenda item; a second vote of the same person is refused."""

    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstention")

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="votes"
    )
    attendee = models.ForeignKey(
        Attendee, verbose_name=_("attendee"), on_delete=models.CASCADE, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    audit_scope = {
        "programme": "item.assembly.call.programme.slug",
        "call": "item.assembly.call.slug",
    }

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "attendee"], name="vote_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.choice}"


class ResidentCommittee(AuditScoped, models.Model):
    """A committee of residents elected by an assembly to run one approved proposal."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Administration committee")
        SUPERVISION = "supervision", _("Supervision committee")
        COMMUNITY_DEVELOPMENT = "community_development", _("Community development committee")

    assembly = models.ForeignKey(
        Assembly, verbose_name=_("assembly"), on_delete=models.PROTECT, related_name="committees"
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="resident_committees",
    )
    kind = models.CharField(_("committee"), max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(_("elected at"), auto_now_add=True)

    audit_scope = {"programme": "assembly.call.programme.slug", "call": "assembly.call.slug"}

    class Meta:
        verbose_name = _("residents' committee")
        verbose_name_plural = _("residents' committees")
        ordering = ["proposal", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kind"], name="committee_once_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ResidentCommitteeMember(AuditScoped, models.Model):
    """An elected member of a residents' committee, with their role (name encrypted)."""

    class Role(models.TextChoices):
        PRESIDENT = "president", _("President")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(
        ResidentCommittee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    full_name = EncryptedTextField(_("full name"))
    person_index = models.CharField(max_length=64, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    audit_scope = {
        "programme": "committee.assembly.call.programme.slug",
        "call": "committee.assembly.call.slug",
    }

    class Meta:
        verbose_name = _("committee member elected")
        verbose_name_plural = _("committee members elected")
        ordering = ["committee", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person_index"], name="elected_once_per_committee"
            ),
            models.UniqueConstraint(
                fields=["committee", "role"],
                condition=~models.Q(role="member"),
                name="one_officer_per_role",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pk)
