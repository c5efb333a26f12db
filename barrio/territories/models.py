"""Territorial units: región → comuna → barrio, alcaldía → colonia, distrito → UTI, …"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritorialUnit(models.Model):
    """A place with an official code, inside its parent (a municipality inside its region…).

    ``path`` lists the codes from the widest ancestor down to this unit, each followed by a
    slash (``"15/1501/150101/"``), so that "this unit and everything inside it" is one
    indexed prefix query, whatever the depth.
    """

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code."))
    level = models.CharField(
        _("level"), max_length=60, help_text=_("For example: región, comuna, alcaldía, colonia.")
    )
    code = models.CharField(
        _("code"), max_length=40, help_text=_("The official code (INEGI, INEI ubigeo, CUT…).")
    )
    name = models.CharField(_("name"), max_length=200)
    vintage = models.CharField(
        _("catalogue vintage"), max_length=20, blank=True, help_text=_("For example: 2022.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=600, db_index=True, editable=False)
    geometry = models.TextField(
        _("geometry"), blank=True, help_text=_("GeoJSON geometry in WGS84 longitude/latitude.")
    )
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "level", "code", "vintage"], name="unit_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def contains(self, other: TerritorialUnit) -> bool:
        """Tell whether ``other`` is this unit or lies inside it."""
        return other.country == self.country and other.path.startswith(self.path)
