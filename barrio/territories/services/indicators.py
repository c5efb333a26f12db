"""Services that define indicators and import their values from tables."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _

from barrio.errors import FieldError, ValidationFailed
from barrio.territories.models import Indicator, IndicatorValue, TerritorialUnit
from barrio.territories.services.names import NamedRow, rows_match_units
from barrio.territories.tables import Table, read_table

LONG_COLUMNS = ("unit_code", "indicator", "period", "value")
#: Columns that name the unit instead of giving its code (``join="name"``).
NAME_COLUMNS = ("unit_name", "parent")
#: Columns that place the row by its coordinates (``join="location"``), WGS84 degrees.
LOCATION_COLUMNS = ("longitude", "latitude")
Join = Literal["code", "name", "location"]


class Cell(NamedTuple):
    """One value of the table, wherever it stood (long or wide form)."""

    row: int
    column: str
    unit_code: str
    indicator: str
    period: str
    group: str
    text: str


@transaction.atomic
def indicator_define(
    *,
    code: str,
    name: str,
    measure: str = "",
    source: str = "",
    vintage: str = "",
    direction: str = Indicator.Direction.NEUTRAL,
    kind: str = Indicator.Kind.COUNT,
    description: str = "",
) -> Indicator:
    """Create the indicator ``code``, or update its definition.

    Raises :class:`ValidationFailed` for an unknown direction or kind.
    """
    errors = []
    if direction not in Indicator.Direction.values:
        errors.append(FieldError(("direction",), _("Unknown direction.")))
    if kind not in Indicator.Kind.values:
        errors.append(FieldError(("kind",), _("Unknown kind of indicator.")))
    if errors:
        raise ValidationFailed(errors=errors)
    indicator, _created = Indicator.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "measure": measure,
            "source": source,
            "vintage": vintage,
            "direction": direction,
            "kind": kind,
            "description": description,
        },
    )
    return indicator


@dataclass
class IndicatorImportReport:
    """What an import of indicator values did, or would do in a dry run."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    applied: bool = False
    indicators: list[str] = field(default_factory=list)
    #: Rows joined per stage when units are named (exact, normalised, chosen, ...).
    joined: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        """Counts of created, updated, unchanged and empty (missing) values."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "empty": self.empty,
        }


def parse_number(text: str) -> float:
    """Read a number written as ``1234.5``, ``1234,5`` or ``1 234,5``.

    Raises ``ValueError`` for anything else (text, ``1.234,5`` with both separators, NaN).
    """
    compact = text.replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." in compact:
        raise ValueError(text)
    number = float(compact.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _unit_columns(join: Join) -> tuple[str, ...]:
    return {"code": ("unit_code",), "name": NAME_COLUMNS, "location": LOCATION_COLUMNS}[join]


def _cells(
    table: Table, form: Literal["long", "wide"], period: str | None, join: Join = "code"
) -> tuple[list[Cell], list[FieldError]]:
    """Flatten the table to one :class:`Cell` per value, whatever its form.

    With ``join="name"`` a cell's ``unit_code`` is the row number until the names are
    matched to units.
    """
    errors: list[FieldError] = []
    cells: list[Cell] = []
    unit_columns = _unit_columns(join)

    def unit_of(number: int, row: dict[str, str]) -> str:
        return row["unit_code"] if join == "code" else str(number)

    if form == "long":
        wanted = (*unit_columns, *LONG_COLUMNS[1:])
        missing = [c for c in wanted if c not in table.header]
        if missing:
            return [], [
                FieldError(("row", 1, c), _("The long form needs this column.")) for c in missing
            ]
        for number, row in table.rows:
            cells.append(
                Cell(
                    number,
                    "value",
                    unit_of(number, row),
                    row["indicator"],
                    row["period"],
                    row.get("group", ""),
                    row["value"],
                )
            )
            if not row["period"]:
                errors.append(FieldError(("row", number, "period"), _("The period is empty.")))
    else:
        missing = [c for c in unit_columns if c not in table.header]
        if missing:
            return [], [
                FieldError(("row", 1, c), _("The wide form needs this column.")) for c in missing
            ]
        if not period:
            return [], [FieldError(("period",), _("Give the period of a wide table."))]
        skip = {"unit_code", "unit_name", "group", *unit_columns}
        columns = [c for c in table.header if c not in skip]
        for number, row in table.rows:
            for column in columns:
                cells.append(
                    Cell(
                        number,
                        column,
                        unit_of(number, row),
                        column,
                        period,
                        row.get("group", ""),
                        row[column],
                    )
                )
    return cells, errors


def indicators_import(
    *,
    path: Path,
    country: str,
    level: str | None = None,
    form: Literal["long", "wide"] = "long",
    period: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    join: Join = "code",
) -> IndicatorImportReport:
    """Import indicator values from a CSV or XLSX table; all or nothing.

    The long form has the columns ``unit_code, indicator, period, value`` (and optionally
    ``group``); the wide form has ``unit_code`` and one column per indicator code, for one
    ``period``. Units are found by code in ``country`` (and ``level``). Empty cells are
    missing values and are skipped. With ``join="name"`` the table names its units in the
    columns ``unit_name`` and ``parent`` (the parent's code or name) instead of ``unit_code``,
    and :func:`rows_match_units` finds them (``level`` is then required); a name it cannot
    match is a problem of its row and waits on the names page for a person's choice, which
    later imports use. Every problem is reported with its row and column
    (unknown unit or indicator, a value that is not a number, a percentage outside 0–100, a
    negative count, the same value given twice) and nothing is written; the same table twice
    changes nothing.
    """
    table = read_table(path, sheet=sheet)
    if join != "code" and not level:
        raise ValidationFailed(
            errors=[FieldError(("level",), _("Give the level of the units the table names."))]
        )
    cells, errors = _cells(table, form, period, join)
    if errors:
        raise ValidationFailed(errors=errors, code="rejected_file")
    wanted_indicators = {cell.indicator for cell in cells}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=wanted_indicators)}
    report = IndicatorImportReport()
    units: dict[str, TerritorialUnit] = {}
    ambiguous: set[str] = set()
    if join == "name":
        assert level is not None
        units, report.joined, errors = _units_by_name(table, country, level, path.name)
    elif join == "location":
        assert level is not None
        units, report.joined, errors = _units_by_location(table, country, level)
    else:
        units_query = TerritorialUnit.objects.filter(
            country=country, code__in={cell.unit_code for cell in cells}
        )
        if level:
            units_query = units_query.filter(level=level)
        for found in units_query:
            if found.code in units:
                ambiguous.add(found.code)
            units[found.code] = found
    parsed: dict[tuple[int, int, str, str], tuple[int, str, float]] = {}
    seen: dict[tuple[int, int, str, str], int] = {}
    for number, column, unit_code, indicator_code, when, group, text in cells:
        where = ("row", number, column)
        indicator = indicators.get(indicator_code)
        unit = units.get(unit_code)
        if not text:
            report.empty += 1
            continue
        if indicator is None:
            errors.append(
                FieldError(
                    where, _("No indicator has the code %(code)s.") % {"code": indicator_code}
                )
            )
            continue
        if unit is None:
            if join == "code":
                errors.append(
                    FieldError(
                        ("row", number, "unit_code"),
                        _("No unit has the code %(code)s.") % {"code": unit_code},
                    )
                )
            continue
        if unit_code in ambiguous:
            errors.append(
                FieldError(
                    ("row", number, "unit_code"),
                    _("Several units have the code %(code)s; give the level.")
                    % {"code": unit_code},
                )
            )
            continue
        try:
            value = parse_number(text)
        except ValueError:
            errors.append(FieldError(where, _("%(text)s is not a number.") % {"text": text[:40]}))
            continue
        if indicator.kind == Indicator.Kind.PERCENTAGE and not 0 <= value <= 100:
            errors.append(FieldError(where, _("A percentage lies between 0 and 100.")))
            continue
        if indicator.kind == Indicator.Kind.COUNT and value < 0:
            errors.append(FieldError(where, _("A count cannot be negative.")))
            continue
        key = (indicator.pk, unit.pk, when, group)
        if key in seen:
            errors.append(
                FieldError(
                    where, _("This value is also given in row %(row)s.") % {"row": seen[key]}
                )
            )
            continue
        seen[key] = number
        parsed[key] = (number, column, value)
    if errors:
        raise ValidationFailed(
            _("%(count)s problems in the table; nothing was changed.") % {"count": len(errors)},
            errors=errors,
            code="rejected_file",
        )
    existing = {
        (v.indicator_id, v.unit_id, v.period, v.group): v
        for v in IndicatorValue.objects.filter(
            indicator__in=indicators.values(), unit__in=units.values()
        )
    }
    to_create, to_update = [], []
    for (indicator_id, unit_id, when, group), (_number, _column, value) in parsed.items():
        current = existing.get((indicator_id, unit_id, when, group))
        if current is None:
            to_create.append(
                IndicatorValue(
                    indicator_id=indicator_id,
                    unit_id=unit_id,
                    period=when,
                    group=group,
                    value=value,
                )
            )
        elif current.value != value:
            current.value = value
            to_update.append(current)
        else:
            report.unchanged += 1
    report.created, report.updated = len(to_create), len(to_update)
    report.indicators = sorted(
        {code for code, i in indicators.items() if any(k[0] == i.pk for k in parsed)}
    )
    if dry_run:
        return report
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(to_create, batch_size=2000)
        IndicatorValue.objects.bulk_update(to_update, ["value"], batch_size=2000)
    report.applied = True
    return report


def _units_by_name(
    table: Table, country: str, level: str, source: str
) -> tuple[dict[str, TerritorialUnit], dict[str, int], list[FieldError]]:
    """Match each row's named unit; return units by row number, counts per stage, errors."""
    rows = [
        NamedRow(number, row.get("parent", ""), row.get("unit_name", ""))
        for number, row in table.rows
    ]
    matches = rows_match_units(country=country, level=level, rows=rows, source=source)
    joined: dict[str, int] = {}
    units: dict[str, TerritorialUnit] = {}
    errors: list[FieldError] = []
    for row, match in zip(rows, matches, strict=True):
        joined[match.kind] = joined.get(match.kind, 0) + 1
        if match.unit is not None:
            units[str(row.row)] = match.unit
            continue
        if match.parent is None:
            errors.append(
                FieldError(
                    ("row", row.row, "parent"),
                    _("No unit has the code or name %(parent)s.") % {"parent": row.parent},
                )
            )
            continue
        errors.append(
            FieldError(
                ("row", row.row, "unit_name"),
                _(
                    "No unit of level %(level)s is named %(name)s in %(parent)s; choose it on "
                    "the names page."
                )
                % {"level": level, "name": row.name, "parent": row.parent},
            )
        )
    return units, joined, errors


def _units_by_location(
    table: Table, country: str, level: str
) -> tuple[dict[str, TerritorialUnit], dict[str, int], list[FieldError]]:
    """Find the unit of ``level`` whose polygon contains each row's point."""
    errors: list[FieldError] = []
    points: list[tuple[int, float, float]] = []
    for number, row in table.rows:
        try:
            longitude = parse_number(row.get("longitude", ""))
            latitude = parse_number(row.get("latitude", ""))
        except ValueError:
            errors.append(
                FieldError(("row", number, "longitude"), _("Give the point in decimal degrees."))
            )
            continue
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            errors.append(
                FieldError(("row", number, "latitude"), _("This point is not on the Earth."))
            )
            continue
        points.append((number, longitude, latitude))
    shaped = list(TerritorialUnit.objects.filter(country=country, level=level).exclude(geometry=""))
    tree = shapely.STRtree([shapely.from_geojson(u.geometry) for u in shaped])
    found = (
        tree.query(shapely.points([(x, y) for _n, x, y in points]), predicate="within")
        if points
        else np.empty((2, 0), dtype=int)
    )
    inside: dict[int, list[int]] = {}
    for point_index, unit_index in zip(found[0].tolist(), found[1].tolist(), strict=True):
        inside.setdefault(point_index, []).append(unit_index)
    units: dict[str, TerritorialUnit] = {}
    joined = {"spatial": 0, "unmatched": 0}
    for position, (number, longitude, latitude) in enumerate(points):
        hits = inside.get(position, [])
        if len(hits) == 1:
            units[str(number)] = shaped[hits[0]]
            joined["spatial"] += 1
            continue
        joined["unmatched"] += 1
        where = {"level": level, "point": f"{longitude}, {latitude}"}
        errors.append(
            FieldError(
                ("row", number, "longitude"),
                _("No unit of level %(level)s contains the point %(point)s.") % where
                if not hits
                else _("Several units of level %(level)s contain the point %(point)s.") % where,
            )
        )
    return units, joined, errors


DEFINITION_COLUMNS = ("code", "name", "measure", "source", "vintage", "direction", "kind")


@transaction.atomic
def indicators_define_from_table(*, path: Path) -> list[Indicator]:
    """Create or update the indicators listed in a table (one per row).

    Columns: ``code, name, measure, source, vintage, direction, kind`` and optionally
    ``description``. Raises :class:`ValidationFailed` naming each bad row; nothing changes.
    """
    table = read_table(path)
    missing = [c for c in DEFINITION_COLUMNS if c not in table.header]
    if missing:
        raise ValidationFailed(
            errors=[
                FieldError(("row", 1, c), _("The definitions need this column.")) for c in missing
            ]
        )
    errors = []
    for number, row in table.rows:
        if not row["code"] or not row["name"]:
            errors.append(FieldError(("row", number, "code"), _("A code and a name are required.")))
        if row["direction"] not in Indicator.Direction.values:
            errors.append(FieldError(("row", number, "direction"), _("Unknown direction.")))
        if row["kind"] not in Indicator.Kind.values:
            errors.append(FieldError(("row", number, "kind"), _("Unknown kind of indicator.")))
    if errors:
        raise ValidationFailed(errors=errors, code="rejected_file")
    return [
        indicator_define(
            code=row["code"],
            name=row["name"],
            measure=row["measure"],
            source=row["source"],
            vintage=row["vintage"],
            direction=row["direction"],
            kind=row["kind"],
            description=row.get("description", ""),
        )
        for _number, row in table.rows
    ]


@transaction.atomic
def indicator_derive_rate(
    *,
    code: str,
    name: str,
    numerator: Indicator,
    numerator_period: str,
    denominator: Indicator,
    denominator_period: str,
    period: str,
    per: int = 1000,
    group: str = "",
) -> tuple[Indicator, int]:
    """Derive a rate (``numerator / denominator × per``) for every unit that has both values.

    The new indicator records how it was made in its source. Units whose denominator is zero
    get no value. Returns the indicator and the number of values written; recomputing
    replaces the values of the same period.
    """
    if per <= 0:
        raise ValidationFailed(errors=[FieldError(("per",), _("The base of a rate is positive."))])
    if numerator.pk == denominator.pk:
        raise ValidationFailed(
            errors=[FieldError(("denominator",), _("A rate needs two different indicators."))]
        )
    rate = indicator_define(
        code=code,
        name=name,
        measure=_("per %(per)s") % {"per": per},
        source=_("%(numerator)s (%(np)s) / %(denominator)s (%(dp)s) × %(per)s")
        % {
            "numerator": numerator.code,
            "np": numerator_period,
            "denominator": denominator.code,
            "dp": denominator_period,
            "per": per,
        },
        vintage=period,
        direction=numerator.direction,
        kind=Indicator.Kind.RATE,
    )
    bottoms = dict(
        IndicatorValue.objects.filter(
            indicator=denominator, period=denominator_period, group=group
        ).values_list("unit_id", "value")
    )
    values = [
        IndicatorValue(
            indicator=rate,
            unit_id=unit_id,
            period=period,
            group=group,
            value=top / bottoms[unit_id] * per,
        )
        for unit_id, top in IndicatorValue.objects.filter(
            indicator=numerator, period=numerator_period, group=group
        ).values_list("unit_id", "value")
        if bottoms.get(unit_id)
    ]
    IndicatorValue.objects.filter(indicator=rate, period=period, group=group).delete()
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    return rate, len(values)
