"""Polling stations, in-person voters and the double entry of paper ballots.

A :class:`PollingStation` belongs to a vote; officials are assigned to it
(:class:`StationOfficial`, each holding the municipal-team role where the station is). At a
station an official checks a person's identity document and enters that person's ballot:
the person is kept only as the keyed hash of the document (:class:`StationVoter`, unique
per pot, so nobody votes twice at two stations) and the ballot content goes to the same
anonymous :class:`~barrio.participation.models.votes.Ballot` rows as online ballots.

Paper ballots counted at a station are typed in twice, by two different officials
(:class:`PaperEntry`: the sheets one by one, or the totals per project). When both entries
are in, they are compared (:class:`PaperTally`): agreeing sheets become anonymous ballots,
every disagreement is kept for a supervisor, whose resolution counts the rest. Totals per
project (no sheets) cannot become individual ballots: they are kept on the tally and only
rules that add votes up (the greedy family) may count them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.participation.models.votes import Election, Pot


class PollingStation(AuditScoped, models.Model):
    """A place where residents vote in person and paper ballots are counted."""

    election = models.ForeignKey(
        Election, verbose_name=_("vote"), on_delete=models.CASCADE, related_name="stations"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    place = models.CharField(_("place"), max_length=300)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole programme."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_scope = {"programme": "election.call.programme.slug", "call": "election.call.slug"}

    class Meta:
        verbose_name = _("polling station")
        verbose_name_plural = _("polling stations")
        ordering = ["election", "code"]
        constraints = [
            models.UniqueConstraint(fields=["election", "code"], name="station_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class StationOfficial(AuditScoped, models.Model):
    """An official assigned to a station: enters in-person ballots and paper entries."""

    station = models.ForeignKey(
        PollingStation,
        verbose_name=_("polling station"),
        on_delete=models.CASCADE,
        related_name="officials",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    audit_scope = {
        "programme": "station.election.call.programme.slug",
        "call": "station.election.call.slug",
    }

    class Meta:
        verbose_name = _("station official")
        verbose_name_plural = _("station officials")
        ordering = ["station", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["station", "user"], name="station_official_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} · {self.user_id}"


class StationVoter(models.Model):
    """That a person voted in person in a pot: the keyed hash of their document, never
    the document itself nor the ballot."""

    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="station_voters"
    )
    station = models.ForeignKey(
        PollingStation,
        verbose_name=_("polling station"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_index = models.CharField(_("blind index of the document"), max_length=64)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voted_at = models.DateTimeField(_("voted at"))

    class Meta:
        verbose_name = _("in-person voter")
        verbose_name_plural = _("in-person voters")
        ordering = ["pot", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pot", "person_index"], name="station_voter_once_per_pot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pot_id} · {self.station_id}"


class PaperKind(models.TextChoices):
    SHEETS = "sheets", _("Ballot sheets, one row per sheet")
    COUNTS = "counts", _("Totals per project")


class PaperEntry(AuditScoped, models.Model):
    """One official's transcription of a station's paper ballots in one pot (first or second).

    ``content`` is what was typed: for sheets ``[[sheet, {proposal id: value}], …]``, for
    totals ``{proposal id: votes}``; ``sheets`` is the number of ballot sheets.
    """

    station = models.ForeignKey(
        PollingStation,
        verbose_name=_("polling station"),
        on_delete=models.CASCADE,
        related_name="paper_entries",
    )
    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="paper_entries"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PaperKind.choices)
    number = models.PositiveSmallIntegerField(_("entry"))
    sheets = models.PositiveIntegerField(_("ballot sheets"))
    content = models.JSONField(_("content"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    audit_scope = {
        "programme": "station.election.call.programme.slug",
        "call": "station.election.call.slug",
    }

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        ordering = ["station", "pot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["station", "pot", "number"], name="paper_entry_unique"),
            models.CheckConstraint(
                condition=models.Q(number__in=[1, 2]), name="paper_entry_first_or_second"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id} · {self.pot_id} · {self.number}"


class PaperTally(AuditScoped, models.Model):
    """The comparison of a station's two entries in a pot, and what was counted from them.

    ``disagreements`` lists ``{"sheet", "project", "first", "second"}`` (``sheet`` empty for
    totals). ``counts`` holds the counted totals per project of a totals entry (sheets
    become ballots instead); ``counted`` is the number of sheets counted.
    """

    class Status(models.TextChoices):
        COUNTED = "counted", _("Counted")
        DISPUTED = "disputed", _("Disagreements to resolve")

    station = models.ForeignKey(
        PollingStation,
        verbose_name=_("polling station"),
        on_delete=models.CASCADE,
        related_name="tallies",
    )
    pot = models.ForeignKey(
        Pot, verbose_name=_("pot"), on_delete=models.CASCADE, related_name="paper_tallies"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PaperKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    disagreements = models.JSONField(_("disagreements"), default=list)
    counts = models.JSONField(_("counted totals"), default=dict)
    sheets = models.PositiveIntegerField(_("ballot sheets"))
    counted = models.PositiveIntegerField(_("sheets counted"), default=0)
    compared_at = models.DateTimeField(_("compared at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    audit_scope = {
        "programme": "station.election.call.programme.slug",
        "call": "station.election.call.slug",
    }

    class Meta:
        verbose_name = _("paper tally")
        verbose_name_plural = _("paper tallies")
        ordering = ["station", "pot"]
        constraints = [
            models.UniqueConstraint(fields=["station", "pot"], name="paper_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} · {self.pot_id}"
