"""Territorial units: región → comuna → barrio, alcaldía → colonia, distrito → UTI, …"""

from __future__ import annotations

from django.conf import settings
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


class Indicator(models.Model):
    """What is measured in the units: a rate of poverty, a population, a social index…"""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
        HIGHER_IS_WORSE = "higher_is_worse", _("Higher is worse")
        NEUTRAL = "neutral", _("Neither (a size or a count)")

    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        RATE = "rate", _("Rate")
        PERCENTAGE = "percentage", _("Percentage")
        INDEX = "index", _("Index")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    vintage = models.CharField(_("vintage"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.NEUTRAL
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNT)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """The value of an indicator in a unit, for a period and, optionally, a population group.

    ``group`` is empty for the whole population, or a dimension and a value such as
    ``status:migrant``, ``sex:female`` or ``age:15-29``.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("territorial unit"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    period = models.CharField(_("period"), max_length=20)
    group = models.CharField(_("population group"), max_length=60, blank=True)
    value = models.FloatField(_("value"))

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "period", "group"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "period", "group"])]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit} · {self.period}"


class CompositeIndex(models.Model):
    """A composite index configured as data; its scores are the values of its own indicator.

    ``spec`` is the index tree (see :mod:`barrio.core.indices.spec_data`). Each computation
    is an :class:`IndexRun` that keeps the fingerprint of its inputs.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("configuration"))
    indicator = models.OneToOneField(
        Indicator,
        verbose_name=_("indicator of the scores"),
        on_delete=models.PROTECT,
        related_name="composite_index",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("composite index")
        verbose_name_plural = _("composite indices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IndexRun(models.Model):
    """One computation of an index: for which units and period, from which inputs.

    Computing again with the same configuration and the same input values gives the same
    ``fingerprint`` and the same scores.
    """

    index = models.ForeignKey(
        CompositeIndex, verbose_name=_("index"), on_delete=models.CASCADE, related_name="runs"
    )
    period = models.CharField(_("period"), max_length=20)
    input_periods = models.JSONField(_("periods of the inputs"))
    spec = models.JSONField(_("configuration used"))
    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    unit_count = models.PositiveIntegerField(_("units"))
    scored_count = models.PositiveIntegerField(_("units with a score"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("index computation")
        verbose_name_plural = _("index computations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.index} · {self.period}"


class FileUpload(models.Model):
    """A file sent from an import page, kept for the task worker that imports it."""

    file = models.FileField(_("file"))
    options = models.JSONField(_("options"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file.name


class UnitFileUpload(FileUpload):
    """A file of units (GeoJSON, zipped Shapefile, GeoPackage)."""

    file = models.FileField(_("file"), upload_to="imports/units/%Y/%m/")

    class Meta(FileUpload.Meta):
        verbose_name = _("file of units")
        verbose_name_plural = _("files of units")


class IndicatorFileUpload(FileUpload):
    """A table of indicator values (CSV, XLSX)."""

    file = models.FileField(_("file"), upload_to="imports/indicators/%Y/%m/")

    class Meta(FileUpload.Meta):
        verbose_name = _("table of indicator values")
        verbose_name_plural = _("tables of indicator values")


class UnitNameChoice(models.Model):
    """A person's answer to "which unit does this name mean?", remembered for next imports.

    Tables without codes (Mexico City's 2018 participatory budget, for one) name their units
    as some older catalogue spelled them; when the matcher cannot tell, a person chooses, and
    every later import of the same name within the same parent uses that choice.
    """

    country = models.CharField(_("country"), max_length=2)
    level = models.CharField(_("level"), max_length=60)
    parent = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("inside"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("name as written"), max_length=200)
    name_key = models.CharField(_("normalised name"), max_length=200)
    unit = models.ForeignKey(
        TerritorialUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="name_choices",
        help_text=_("Empty while nobody has chosen."),
    )
    first_row = models.PositiveIntegerField(_("first seen in row"), default=0)
    source = models.CharField(_("first seen in"), max_length=200, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("choice of a unit for a name")
        verbose_name_plural = _("choices of units for names")
        ordering = ["country", "level", "parent__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "level", "parent", "name_key"], name="unit_name_choice_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
