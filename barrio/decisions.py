"""A decision one person makes and another approves: on which inputs, by whom and when.

A targeting run, a target list, a payment plan and an allocation run are each stored with the
fingerprint of their inputs, who made them and when, and who approved them and when; the
person who made one never approves it (four eyes). :class:`Decision` holds those fields and
that check once, for every app; a model keeps what differs as data: the words of its labels
(:class:`Run` says "run by"), its statuses, or ``fingerprint = None`` when it has none.
Every user column is ``related_name="+"``, so no reverse accessor clashes between apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from barrio.errors import Conflict

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def user_field(verbose_name: StrPromise, *, blank: bool = False) -> models.ForeignKey[Any, Any]:
    """A user who did something to a row; the row stays when the user is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=blank,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def status_field(choices: type[models.TextChoices]) -> models.CharField[Any, Any]:
    """A decision's status among ``choices``; a new one is a draft (``"draft"``)."""
    return models.CharField(_("status"), max_length=20, choices=choices.choices, default="draft")


class Decision(models.Model):
    """Abstract: the fingerprint of the inputs, the status, who made and who approved it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    status = status_field(Status)
    created_by = user_field(_("made by"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    approved_by = user_field(_("approved by"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_approved(self) -> bool:
        """Whether someone has approved it (later steps, such as a release, keep it so)."""
        return self.approved_at is not None

    def check_four_eyes(self, actor: User | AnonymousUser, message: str | Promise) -> None:
        """Raise :class:`Conflict` (``four_eyes``) with ``message`` if ``actor`` made it."""
        if self.created_by_id is not None and self.created_by_id == actor.pk:
            raise Conflict(message, code="four_eyes")

    def mark_approved(self, actor: User | AnonymousUser) -> None:
        """Save it as approved by ``actor`` now.

        The calling service has checked the permission, the status, the four eyes and the
        inputs, inside its transaction.
        """
        self.status = self.Status.APPROVED
        self.approved_by = actor if isinstance(actor, User) else None
        self.approved_at = timezone.now()
        self.save(update_fields=["status", "approved_by", "approved_at"])


class Run(Decision):
    """Abstract: a decision an engine computes, so it is "run" rather than "made"."""

    created_by = user_field(_("run by"))
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)

    class Meta:
        abstract = True
