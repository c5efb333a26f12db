"""Forms of territories."""

from __future__ import annotations

import json
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UNIT_FILE_SUFFIXES = {".geojson", ".json", ".zip", ".gpkg"}
UNIT_FILE_MAX_BYTES = 100 * 1024 * 1024


class UnitFileForm(forms.Form):
    """A file of territorial units and how to read it."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("GeoJSON, zipped Shapefile or GeoPackage, up to 100 MB."),
    )
    country = forms.RegexField(
        label=_("Country"), regex=r"^[A-Za-z]{2}$", help_text=_("ISO 3166 code, e.g. PE.")
    )
    level = forms.CharField(label=_("Level"), max_length=60, help_text=_("e.g. distrito."))
    code_field = forms.CharField(label=_("Field with the code"), max_length=100)
    name_field = forms.CharField(label=_("Field with the name"), max_length=100)
    parent_code_field = forms.CharField(
        label=_("Field with the parent's code"), max_length=100, required=False
    )
    parent_level = forms.CharField(label=_("Level of the parents"), max_length=60, required=False)
    layer = forms.CharField(label=_("Layer"), max_length=100, required=False)
    encoding = forms.CharField(
        label=_("Text encoding"), max_length=20, required=False, help_text=_("e.g. cp1252.")
    )
    crs = forms.CharField(
        label=_("Coordinate system of a file that declares none"),
        max_length=40,
        required=False,
        help_text=_("e.g. EPSG:6372."),
    )
    vintage = forms.CharField(label=_("Catalogue vintage"), max_length=20, required=False)
    allow_missing_geometry = forms.BooleanField(
        label=_("Accept features without geometry"), required=False
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UNIT_FILE_SUFFIXES:
            raise ValidationError(_("Send a .geojson, .json, .zip or .gpkg file."))
        if upload.size > UNIT_FILE_MAX_BYTES:
            raise ValidationError(_("The file is larger than 100 MB."))
        return upload


TABLE_SUFFIXES = {".csv", ".xlsx"}
TABLE_MAX_BYTES = 20 * 1024 * 1024


class IndicatorFileForm(forms.Form):
    """A table of indicator values and how to read it."""

    file = forms.FileField(label=_("File"), help_text=_("CSV or XLSX, up to 20 MB."))
    country = forms.RegexField(
        label=_("Country"), regex=r"^[A-Za-z]{2}$", help_text=_("ISO 3166 code, e.g. PE.")
    )
    level = forms.CharField(
        label=_("Level"),
        max_length=60,
        required=False,
        help_text=_("Needed when the table names its units; e.g. colonia."),
    )
    form = forms.ChoiceField(
        label=_("Form of the table"),
        choices=[
            ("long", _("Long: unit, indicator, period, value (and group) per row")),
            ("wide", _("Wide: one row per unit, one column per indicator")),
        ],
    )
    period = forms.CharField(
        label=_("Period of a wide table"), max_length=20, required=False, help_text=_("e.g. 2020.")
    )
    sheet = forms.CharField(label=_("Sheet of an XLSX file"), max_length=100, required=False)
    join = forms.ChoiceField(
        label=_("Find the units"),
        choices=[
            ("code", _("By code (column unit_code)")),
            ("name", _("By name within the parent (columns unit_name and parent)")),
            ("location", _("By location: the unit that contains the point (longitude, latitude)")),
        ],
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in TABLE_SUFFIXES:
            raise ValidationError(_("Send a .csv or .xlsx file."))
        if upload.size > TABLE_MAX_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class IndexForm(forms.Form):
    """A composite index as data, and where and for which period to compute it."""

    code = forms.SlugField(label=_("Code"), max_length=80, help_text=_("e.g. need_index."))
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    configuration = forms.CharField(
        label=_("Configuration (JSON)"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_(
            "The tree of the index: orientation, missing-value policy and the groups and "
            "indicators with their direction, normalisation, goal-posts and weights "
            "(see docs/territories.md)."
        ),
    )
    country = forms.RegexField(
        label=_("Country"), regex=r"^[A-Za-z]{2}$", help_text=_("ISO 3166 code, e.g. PE.")
    )
    level = forms.CharField(label=_("Level of the units scored"), max_length=60)
    period = forms.CharField(label=_("Period of the scores"), max_length=20)
    input_periods = forms.CharField(
        label=_("Periods of the indicators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per indicator, such as pct_pobreza_total=2018; an indicator left out "
            "takes its newest period."
        ),
    )

    def clean_configuration(self) -> dict[str, object]:
        try:
            data = json.loads(self.cleaned_data["configuration"])
        except ValueError as error:
            raise ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": str(error)}
            ) from error
        if not isinstance(data, dict):
            raise ValidationError(_("The configuration is a JSON object."))
        return data

    def clean_input_periods(self) -> dict[str, str]:
        periods = {}
        for number, line in enumerate(self.cleaned_data["input_periods"].splitlines(), 1):
            if not line.strip():
                continue
            code, sep, period = line.partition("=")
            if not sep or not code.strip() or not period.strip():
                raise ValidationError(
                    _("Line %(line)s: write INDICATOR=PERIOD.") % {"line": number}
                )
            periods[code.strip()] = period.strip()
        return periods
