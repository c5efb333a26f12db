"""Read files of territorial units (GeoJSON, zipped Shapefile, GeoPackage) into plain features.

The file's coordinate system is read from the file and every geometry is reprojected to WGS84;
text is decoded with the file's declared encoding or the one given (e.g. ``cp1252`` for old
Shapefiles). Nothing is checked here beyond reading: :mod:`barrio.core.unit_features` checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio
from django.utils.translation import gettext as _
from pyogrio.errors import DataLayerError, DataSourceError

from barrio.core.unit_features import UnitFeature
from barrio.errors import FieldError, ValidationFailed

WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class UnitFileOptions:
    """Which properties of the file hold what, and how to read it."""

    code_field: str
    name_field: str
    parent_code_field: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None  # the CRS of a file that does not declare one


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def read_unit_file(path: Path, options: UnitFileOptions) -> list[UnitFeature]:
    """Read every feature of the file at ``path`` as a :class:`UnitFeature` in WGS84.

    Raises :class:`ValidationFailed` when the file cannot be read (truncated, not a spatial
    file, unknown layer), when a named field is missing (listing those the file has), or when
    the file has no coordinate system and none is given while its coordinates are not
    longitude/latitude.
    """
    try:
        frame = pyogrio.read_dataframe(
            str(path), layer=options.layer, encoding=options.encoding, use_arrow=False
        )
    except (DataSourceError, DataLayerError, ValueError, OSError) as error:
        raise ValidationFailed(
            _("The file could not be read as a spatial file: %(reason)s")
            % {"reason": str(error).splitlines()[0][:300]},
            errors=[FieldError(("file",), _("The file could not be read."))],
            code="unreadable_file",
        ) from error
    fields = [options.code_field, options.name_field]
    if options.parent_code_field:
        fields.append(options.parent_code_field)
    missing = [field for field in fields if field not in frame.columns]
    if missing:
        available = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("file", field),
                    _("The file has no field %(field)s; it has: %(available)s.")
                    % {"field": field, "available": available},
                )
                for field in missing
            ],
            code="missing_field",
        )
    if frame.crs is None and options.crs:
        frame = frame.set_crs(options.crs)
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(WGS84)
    features = []
    for index, record in enumerate(frame.to_dict("records")):
        geometry = record.get("geometry")
        features.append(
            UnitFeature(
                index=index,
                code=_text(record[options.code_field]),
                name=_text(record[options.name_field]),
                parent_code=_text(record[options.parent_code_field]) or None
                if options.parent_code_field
                else None,
                geometry=geometry if geometry is not None else None,
            )
        )
    return features
