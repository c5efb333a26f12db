"""The census list of a vote and the one-time codes its voters identify with (issue 8, §2a).

A programme imports, per vote, the list of people who may vote: document type and number,
birth date, and optionally a phone, an e-mail and the code of the unit they live in. Every
personal value is encrypted at rest; the document number is found again through its blind
index (``document_index``), unique per vote, so importing the same file twice adds nothing.

A voter identifies with the document number and birth date and receives a one-time code by
SMS or e-mail (:class:`OneTimeCode`): only the code's keyed hash is stored; it expires, allows
a few attempts and is used once, when the ballot is cast. The :class:`~.votes.Voter` row of a
census voter names the census entry instead of a user account.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedDateField, EncryptedTextField
from barrio.participation.models.votes import Election


class CensusEntry(AuditScoped, models.Model):
    """A person who may vote in a vote, as imported by the programme (encrypted)."""

    election = models.ForeignKey(
        Election, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="census"
    )
    document_type = models.CharField(_("type of document"), max_length=30)
    document_number = EncryptedTextField(_("document number"))
    document_index = models.CharField(_("blind index of the document"), max_length=64)
    birth_date = EncryptedDateField(_("date of birth"))
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    row = models.PositiveIntegerField(_("row in the imported file"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    audit_scope = {"programme": "election.call.programme.slug"}

    class Meta:
        verbose_name = _("census entry")
        verbose_name_plural = _("census entries")
        ordering = ["election", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "document_index"], name="census_entry_once_per_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.election_id} · #{self.pk}"


class OneTimeCode(models.Model):
    """A code sent to a census voter: its keyed hash, where it went, its expiry and use."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    entry = models.ForeignKey(
        CensusEntry, verbose_name=_("census entry"), on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(_("keyed hash of the code"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["entry", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} · {self.channel}"


class CodeAttempt(models.Model):
    """One request to the code endpoints of census votes (asking for a code, voting with
    it) from one client address, for the per-address rate limit.

    The address is kept only as its keyed hash; rows older than the limit's window are
    deleted as new ones come.
    """

    class Step(models.TextChoices):
        SEND = "send", _("Asking for a code")
        VERIFY = "verify", _("Voting with a code")

    address_hash = models.CharField(_("keyed hash of the address"), max_length=64)
    step = models.CharField(_("step"), max_length=10, choices=Step.choices)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("code attempt")
        verbose_name_plural = _("code attempts")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["address_hash", "step", "created_at"], name="code_attempt_address")
        ]

    def __str__(self) -> str:
        return f"{self.step} · {self.created_at:%Y-%m-%d %H:%M}"
