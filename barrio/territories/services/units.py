"""Services that change territorial units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from pyproj import Transformer

from barrio.core.unit_features import check_unit_features
from barrio.errors import FieldError, ValidationFailed
from barrio.territories.files import UnitFileOptions, read_unit_file
from barrio.territories.models import TerritorialUnit

# World Cylindrical Equal Area: areas in square metres anywhere on Earth.
_EQUAL_AREA = Transformer.from_crs("EPSG:4326", "EPSG:6933", always_xy=True)


@transaction.atomic
def unit_create(
    *,
    country: str,
    level: str,
    code: str,
    name: str,
    parent: TerritorialUnit | None = None,
    vintage: str = "",
) -> TerritorialUnit:
    """Create a territorial unit, or return the one with the same country, level, code, vintage.

    Raises :class:`ValidationFailed` for an empty code or name, a code with a slash (codes
    build the unit's path) or a parent in another country.
    """
    errors = []
    code, name = code.strip(), name.strip()
    if not code or "/" in code:
        errors.append(FieldError(("code",), _("A code is required and has no slash.")))
    if not name:
        errors.append(FieldError(("name",), _("A name is required.")))
    if parent is not None and parent.country != country:
        errors.append(FieldError(("parent",), _("A unit lies in the country of its parent.")))
    if errors:
        raise ValidationFailed(errors=errors)
    unit, _created = TerritorialUnit.objects.get_or_create(
        country=country,
        level=level,
        code=code,
        vintage=vintage,
        defaults={
            "name": name,
            "parent": parent,
            "path": (parent.path if parent else "") + code + "/",
        },
    )
    return unit


@dataclass(frozen=True)
class UnitImportReport:
    """What an import did (or, in a dry run, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> dict[str, int]:
        """Counts of created, updated and unchanged units."""
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _geometry_json(geometry: Any) -> str:
    """GeoJSON of a geometry with coordinates rounded to 6 decimals (about 10 cm)."""
    if geometry is None:
        return ""
    rounded = shapely.transform(geometry, lambda coords: np.round(coords, 6))
    return shapely.to_geojson(rounded)


def _area_km2(geometry: Any) -> float | None:
    if geometry is None or geometry.is_empty:
        return None
    projected = shapely.transform(geometry, _EQUAL_AREA.transform, interleaved=False)
    return float(projected.area) / 1e6


def units_import(
    *,
    path: Path,
    country: str,
    level: str,
    options: UnitFileOptions,
    parent_level: str | None = None,
    vintage: str = "",
    allow_missing_geometry: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> UnitImportReport:
    """Import a file of units of one ``level``: check every feature, then apply all or nothing.

    New codes are created; known codes whose name, parent or geometry changed are updated
    in place; the same file twice changes nothing. Parents are looked up by code among the
    units of ``country`` (of ``parent_level``, when given), and each unit must lie inside its
    parent. Raises :class:`ValidationFailed` naming each bad feature (``loc`` is
    ``["feature", number, field]``, numbered from 1), with nothing written. ``progress``,
    when given, is told each step (done, total, message), for a task's progress bar.
    """

    def step(done: int, message: object) -> None:
        if progress is not None:
            progress(done, 4, str(message))

    step(0, _("Reading the file."))
    features = read_unit_file(path, options)
    step(1, _("Checking %(count)s features.") % {"count": len(features)})
    parents: dict[str, TerritorialUnit] = {}
    if options.parent_code_field:
        candidates = TerritorialUnit.objects.filter(country=country)
        if parent_level:
            candidates = candidates.filter(level=parent_level)
        wanted = {f.parent_code for f in features if f.parent_code}
        parents = {u.code: u for u in candidates.filter(code__in=wanted)}
    parent_geometries = (
        {
            code: shapely.from_geojson(u.geometry) if u.geometry else None
            for code, u in parents.items()
        }
        if options.parent_code_field
        else None
    )
    problems = check_unit_features(
        features, parents=parent_geometries, require_geometry=not allow_missing_geometry
    )
    if problems:
        raise ValidationFailed(
            _("%(count)s of the %(total)s features cannot be imported; nothing was changed.")
            % {"count": len({p.index for p in problems}), "total": len(features)},
            errors=[FieldError(("feature", p.index + 1, p.field), p.message) for p in problems],
            code="rejected_file",
        )
    step(2, _("Comparing with the units already known."))
    existing = {
        u.code: u
        for u in TerritorialUnit.objects.filter(
            country=country, level=level, vintage=vintage, code__in=[f.code for f in features]
        ).select_related("parent")
    }
    report = UnitImportReport()
    to_create: list[TerritorialUnit] = []
    to_update: list[TerritorialUnit] = []
    for feature in features:
        parent = parents.get(feature.parent_code) if feature.parent_code else None
        geometry_json = _geometry_json(feature.geometry)
        values = {
            "name": feature.name,
            "parent": parent,
            "path": (parent.path if parent else "") + feature.code + "/",
            "geometry": geometry_json,
            "area_km2": _area_km2(feature.geometry),
        }
        unit = existing.get(feature.code)
        if unit is None:
            to_create.append(
                TerritorialUnit(
                    country=country, level=level, code=feature.code, vintage=vintage, **values
                )
            )
            report.created.append(feature.code)
        elif (unit.name, unit.parent_id, unit.geometry) != (
            feature.name,
            parent.pk if parent else None,
            geometry_json,
        ):
            for key, value in values.items():
                setattr(unit, key, value)
            to_update.append(unit)
            report.updated.append(feature.code)
        else:
            report.unchanged.append(feature.code)
    if dry_run:
        return report
    step(3, _("Writing %(count)s units.") % {"count": len(to_create) + len(to_update)})
    with transaction.atomic():
        TerritorialUnit.objects.bulk_create(to_create, batch_size=500)
        TerritorialUnit.objects.bulk_update(
            to_update, ["name", "parent", "path", "geometry", "area_km2"], batch_size=500
        )
    return UnitImportReport(report.created, report.updated, report.unchanged, applied=True)
