"""Messages to beneficiaries: templates per programme in es / en / pt, each household's
preferred language, and campaigns sent to a list of households with a status per recipient.

Recipients keep no phone number and no text: the task worker decrypts the phone and renders
the message in memory when it sends, and records only the outcome.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.decisions import user_field


class MessageLanguage(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")
    PT = "pt", _("Portuguese")


class MessageTemplate(AuditScoped, models.Model):
    """A message with named placeholders (``{given_name}``), in up to three languages."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="message_templates",
    )
    name = models.CharField(_("name"), max_length=100)
    body_es = models.TextField(_("text in Spanish"))
    body_en = models.TextField(_("text in English"), blank=True)
    body_pt = models.TextField(_("text in Portuguese"), blank=True)
    created_by = user_field(_("written by"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="message_template_name")
        ]

    def __str__(self) -> str:
        return self.name

    def body(self, language: str) -> str:
        """The text in ``language``, or in Spanish when there is none in it."""
        return str(getattr(self, f"body_{language}", "") or self.body_es)


class ContactPreference(models.Model):
    """How a household prefers to be written to: its language."""

    household = models.OneToOneField(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="contact_preference",
    )
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact preference")
        verbose_name_plural = _("contact preferences")

    def __str__(self) -> str:
        return self.get_language_display()


class MessageCampaign(AuditScoped, models.Model):
    """One sending of a template to the households that matched some filters."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        FINISHED = "finished", _("Finished")

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="message_campaigns",
    )
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    values = models.JSONField(_("values of the placeholders"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = user_field(_("sent by"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message campaign")
        verbose_name_plural = _("message campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Sending %(number)s") % {"number": self.pk})


class MessageRecipient(models.Model):
    """One household of a campaign and what happened to its message."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(
        MessageCampaign,
        verbose_name=_("sending"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    segments = models.PositiveSmallIntegerField(_("SMS segments"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="message_recipient_once")
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.household_id}"
