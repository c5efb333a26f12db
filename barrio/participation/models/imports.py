"""Files sent from a page and waiting for a task worker: a census list, a paper entry.

The file is kept encrypted (it may hold personal data: a census list does) only until its
job has run; the task deletes the row whether the import succeeded or failed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.crypto import EncryptedTextField
from barrio.participation.models.votes import Election


class PendingImport(models.Model):
    """A census file or a station's paper table, kept encrypted until it is imported."""

    class Kind(models.TextChoices):
        CENSUS = "census", _("Census list")
        PAPER = "paper", _("Paper ballots")

    election = models.ForeignKey(
        Election, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    # The file's bytes, base64 text, encrypted at rest.
    payload = EncryptedTextField(blank=True)
    # Plain values only: the station, the pot and the kind of a paper table.
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.file_name
