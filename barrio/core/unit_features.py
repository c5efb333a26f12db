"""Check the features of a file of territorial units before anything is written.

Plain data in: one :class:`UnitFeature` per feature of the file (its position, code, name,
parent code and geometry in WGS84), and the parents already known. Plain data out: every
problem, each naming the feature and the reason. Nothing is repaired silently; the caller
applies the file only when the list is empty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["OUTSIDE_TOLERANCE", "UnitFeature", "UnitProblem", "check_unit_features"]

#: Share of a unit's area that may lie outside its parent before it counts as outside: the
#: polygons of different sources are simplified differently, so borders never match exactly.
OUTSIDE_TOLERANCE = 0.05


@dataclass(frozen=True)
class UnitFeature:
    """One feature of a file of units.

    ``index`` is the feature's position in the file (0-based); ``geometry`` is in WGS84
    longitude/latitude, or ``None`` when the feature has none.
    """

    index: int
    code: str
    name: str
    parent_code: str | None
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class UnitProblem:
    """Why one feature (``index``) is refused; ``field`` names the property at fault."""

    index: int
    field: str
    code: str
    message: str


def check_unit_features(
    features: Sequence[UnitFeature],
    *,
    parents: Mapping[str, BaseGeometry | None] | None = None,
    require_geometry: bool = True,
) -> list[UnitProblem]:
    """Return every problem of ``features``, in file order; empty when the file may be applied.

    Parameters
    ----------
    features
        The features of the file, with their codes already read as text.
    parents
        Parent code → parent geometry (or ``None`` when it has none) of the units the features
        may lie in. ``None`` means the file names no parents.
    require_geometry
        Whether a feature without geometry is a problem.

    Returns
    -------
    list of UnitProblem
        Missing or duplicate codes, missing names, missing, empty or invalid geometries
        (with shapely's reason), coordinates outside longitude/latitude ranges (a file in
        another CRS read as WGS84), unknown parents, and units lying outside their parent.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> features = [
    ...     UnitFeature(0, "01", "Norte", "1", box(0, 0, 1, 1)),
    ...     UnitFeature(1, "01", "Sur", "1", box(0, 1, 1, 2)),
    ...     UnitFeature(2, "03", "Lejos", "9", box(5, 5, 6, 6)),
    ... ]
    >>> problems = check_unit_features(features, parents={"1": box(0, 0, 1, 2)})
    >>> [(p.index, p.field, p.code) for p in problems]
    [(0, 'code', 'duplicate_code'), (1, 'code', 'duplicate_code'), (2, 'parent', 'unknown_parent')]
    """
    problems: list[UnitProblem] = []
    positions: dict[str, list[int]] = defaultdict(list)
    for feature in features:
        if feature.code:
            positions[feature.code].append(feature.index)
    for feature in features:
        problems.extend(_check_one(feature, positions, parents, require_geometry))
    return sorted(problems, key=lambda p: (p.index, p.field))


def _check_one(
    feature: UnitFeature,
    positions: Mapping[str, list[int]],
    parents: Mapping[str, BaseGeometry | None] | None,
    require_geometry: bool,
) -> Iterable[UnitProblem]:
    """The problems of one feature (see :func:`check_unit_features`)."""
    index = feature.index
    if not feature.code:
        yield UnitProblem(index, "code", "missing_code", "The feature has no code.")
    elif "/" in feature.code:
        yield UnitProblem(index, "code", "bad_code", "A code may not contain a slash.")
    elif len(positions[feature.code]) > 1:
        others = ", ".join(str(i + 1) for i in positions[feature.code] if i != index)
        yield UnitProblem(
            index,
            "code",
            "duplicate_code",
            f"The code {feature.code} is also used by feature(s) {others}.",
        )
    if not feature.name:
        yield UnitProblem(index, "name", "missing_name", "The feature has no name.")
    yield from _check_geometry(feature, require_geometry)
    if parents is not None:
        yield from _check_parent(feature, parents)


def _check_geometry(feature: UnitFeature, require_geometry: bool) -> Iterable[UnitProblem]:
    """Missing, empty, invalid or out-of-range geometries."""
    geometry = feature.geometry
    if geometry is None:
        if require_geometry:
            yield UnitProblem(
                feature.index, "geometry", "missing_geometry", "The feature has no geometry."
            )
        return
    if geometry.is_empty:
        yield UnitProblem(feature.index, "geometry", "empty_geometry", "The geometry is empty.")
        return
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        yield UnitProblem(
            feature.index,
            "geometry",
            "not_a_polygon",
            f"A unit is an area; this geometry is a {geometry.geom_type}.",
        )
        return
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        yield UnitProblem(
            feature.index,
            "geometry",
            "out_of_range",
            "Coordinates lie outside longitude/latitude; give the file's coordinate system.",
        )
        return
    if not shapely.is_valid(geometry):
        yield UnitProblem(
            feature.index,
            "geometry",
            "invalid_geometry",
            f"The geometry is not valid: {shapely.is_valid_reason(geometry)}.",
        )


def _check_parent(
    feature: UnitFeature, parents: Mapping[str, BaseGeometry | None]
) -> Iterable[UnitProblem]:
    """Unknown parents, and units lying outside their parent."""
    if not feature.parent_code:
        yield UnitProblem(feature.index, "parent", "missing_parent", "The feature names no parent.")
        return
    if feature.parent_code not in parents:
        yield UnitProblem(
            feature.index,
            "parent",
            "unknown_parent",
            f"No unit has the parent code {feature.parent_code}.",
        )
        return
    parent = parents[feature.parent_code]
    geometry = feature.geometry
    if parent is None or geometry is None or geometry.is_empty or not shapely.is_valid(geometry):
        return
    area = geometry.area
    if area <= 0:
        return
    outside = shapely.difference(geometry, parent).area / area
    if outside > OUTSIDE_TOLERANCE:
        yield UnitProblem(
            feature.index,
            "geometry",
            "outside_parent",
            f"{outside:.0%} of the unit lies outside its parent {feature.parent_code}.",
        )
