"""Indicator maps: the values of an indicator over a set of units, in classes with a legend."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import shapely
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from barrio.core.classification import Classification, Method, classify
from barrio.core.hotspots import contiguity, local_moran
from barrio.territories.models import Indicator, IndicatorValue, TerritorialUnit

#: Colour-blind-safe sequential colours (ColorBrewer YlGnBu), lightest for the lowest class.
PALETTE = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_DATA_COLOUR = "#d9d9d9"

#: Names of the classification methods and label codes, as people read them.
METHODS: dict[str, Promise] = {
    "quantiles": _("Quantiles (equal counts)"),
    "equal_interval": _("Equal intervals"),
    "fisher_jenks": _("Natural breaks (Fisher-Jenks)"),
    "hotspots": _("Hot spots (local Moran's I)"),
}
#: Hot-spot labels, their names and colours (red hot spots, blue cold spots).
HOTSPOT_CLASSES: tuple[tuple[str, Promise, str], ...] = (
    ("high_high", _("Hot spot: high among high"), "#b2182b"),
    ("high_low", _("High among low"), "#ef8a62"),
    ("low_high", _("Low among high"), "#67a9cf"),
    ("low_low", _("Cold spot: low among low"), "#2166ac"),
    ("not_significant", _("Not significant"), "#f0f0f0"),
)
#: Seed and number of permutations of the hot-spot test: fixed, so maps are reproducible.
HOTSPOT_SEED = 2026
HOTSPOT_PERMUTATIONS = 999
LABELS: dict[str, Promise] = {
    "lowest": _("Lowest"),
    "very_low": _("Very low"),
    "low": _("Low"),
    "medium_low": _("Medium low"),
    "medium": _("Medium"),
    "medium_high": _("Medium high"),
    "high": _("High"),
    "very_high": _("Very high"),
    "highest": _("Highest"),
}


@dataclass(frozen=True)
class LegendEntry:
    """One class of the map: its label, bounds, colour and how many units it holds."""

    label: str
    lower: float | None
    upper: float | None
    colour: str
    count: int
    swatch: str  # the CSS class suffix of its colour on the page


@dataclass(frozen=True)
class IndicatorMap:
    """An indicator mapped over units: value and class per unit id, and the legend."""

    indicator: Indicator
    period: str
    group: str
    method: str
    values: dict[int, float]
    classes: dict[int, int]
    legend: tuple[LegendEntry, ...]

    def colour_of(self, unit_id: int) -> str:
        """The fill colour of a unit (grey when it has no value)."""
        position = self.classes.get(unit_id, -1)
        return self.legend[position].colour if position >= 0 else NO_DATA_COLOUR

    def label_of(self, unit_id: int) -> str:
        """The class label of a unit, empty when it has no value."""
        position = self.classes.get(unit_id, -1)
        return self.legend[position].label if position >= 0 else ""


def _colours(k: int) -> list[str]:
    if k == 1:
        return [PALETTE[3]]
    return [PALETTE[round(i * (len(PALETTE) - 1) / (k - 1))] for i in range(k)]


def indicator_periods(
    indicator: Indicator,
    units: Sequence[TerritorialUnit] | QuerySet[TerritorialUnit],
    group: str = "",
) -> list[str]:
    """Return the periods with values of ``indicator`` in ``units`` (for one population
    group, the whole population by default), newest first."""
    periods = (
        IndicatorValue.objects.filter(indicator=indicator, unit__in=units, group=group)
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(set(periods), reverse=True)


#: Dimensions and values of population groups, as people read them (others show as written).
GROUP_DIMENSIONS: dict[str, Promise] = {
    "status": _("Migration status"),
    "sex": _("Sex"),
    "age": _("Age band"),
    "nationality": _("Nationality"),
}
GROUP_VALUES: dict[str, Promise] = {
    "host": _("host population"),
    "migrant": _("migrants"),
    "refugee": _("refugees"),
    "female": _("women"),
    "male": _("men"),
}


def group_label(group: str) -> str:
    """The name of a population group code (``status:migrant`` → "Migration status: migrants").

    The empty code is the whole population.
    """
    if not group:
        return str(_("Whole population"))
    dimension, _sep, value = group.partition(":")
    return str(
        _("%(dimension)s: %(value)s")
        % {
            "dimension": GROUP_DIMENSIONS.get(dimension, dimension),
            "value": GROUP_VALUES.get(value, value),
        }
    )


def indicator_groups(indicator: Indicator, units: Sequence[TerritorialUnit]) -> list[str]:
    """Return the population groups with values of ``indicator`` in ``units``, the whole
    population (``""``) first when it has values."""
    groups = (
        IndicatorValue.objects.filter(indicator=indicator, unit__in=units)
        .values_list("group", flat=True)
        .distinct()
    )
    return sorted(set(groups))


def indicators_for_units(units: Sequence[TerritorialUnit]) -> list[Indicator]:
    """Return the indicators that have values in any of ``units``."""
    return list(Indicator.objects.filter(values__unit__in=units).distinct().order_by("name"))


#: Up to this many units, values are read by unit id; beyond, by indicator and period, and
#: the units picked here: an ``IN`` list of 70,000 ids would pass the database's limit of
#: query parameters (32,766 on SQLite) and cost more to build than the extra rows to read.
UNITS_BY_ID = 500


def unit_values(
    *, indicator: Indicator | int, unit_ids: Collection[int], period: str, group: str = ""
) -> dict[int, float]:
    """Return ``{unit id: value}`` of ``indicator`` for ``unit_ids``, one period and group.

    Units without a value are absent. One query whatever the number of units, and no model
    instance is built.
    """
    wanted = set(unit_ids)
    rows = IndicatorValue.objects.filter(indicator=indicator, period=period, group=group)
    if len(wanted) <= UNITS_BY_ID:
        rows = rows.filter(unit_id__in=wanted)
    return {u: v for u, v in rows.values_list("unit_id", "value").iterator(5000) if u in wanted}


def unit_value_column(
    *, indicator: Indicator | int, unit_ids: Sequence[int], period: str, group: str = ""
) -> npt.NDArray[np.float64]:
    """Return the values of ``indicator`` aligned with ``unit_ids`` (NaN: no value).

    The same rows as :func:`unit_values`, placed by a binary search over the sorted ids
    instead of one dictionary step per value.
    """
    ids = np.asarray(unit_ids, dtype=np.int64)
    out = np.full(ids.size, np.nan)
    rows = IndicatorValue.objects.filter(indicator=indicator, period=period, group=group)
    if ids.size <= UNITS_BY_ID:
        rows = rows.filter(unit_id__in=ids.tolist())
    found = np.array(list(rows.values_list("unit_id", "value")), dtype=np.float64).reshape(-1, 2)
    if ids.size == 0 or found.size == 0:
        return out
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    unit_id = found[:, 0].astype(np.int64)
    at = np.minimum(np.searchsorted(sorted_ids, unit_id), ids.size - 1)
    hit = sorted_ids[at] == unit_id
    out[order[at[hit]]] = found[hit, 1]
    return out


def indicator_map(
    *,
    indicator: Indicator,
    units: Sequence[TerritorialUnit] | QuerySet[TerritorialUnit],
    period: str,
    group: str = "",
    method: Method | Literal["hotspots"] = "quantiles",
    k: int = 5,
) -> IndicatorMap:
    """Classify the values of ``indicator`` in ``units`` for one period and group.

    Units without a value stay out of the classes. With fewer distinct values than classes,
    the number of classes shrinks to fit. ``units`` may be a queryset, read as ids only
    (except for hot spots, which need the polygons).
    """
    ids = (
        list(units.order_by().values_list("pk", flat=True))  # in any order: no sorting
        if isinstance(units, QuerySet)
        else [u.pk for u in units]
    )
    found = unit_values(indicator=indicator, unit_ids=ids, period=period, group=group)
    values = {unit_id: value for unit_id, value in found.items() if math.isfinite(value)}
    if not values:
        return IndicatorMap(indicator, period, group, method, {}, {}, ())
    ids = list(values)
    array = np.array([values[i] for i in ids], dtype=float)
    distinct = len(np.unique(array))
    if distinct < 2:
        single = LegendEntry(str(LABELS["medium"]), array[0], array[0], PALETTE[3], len(ids), "3")
        return IndicatorMap(
            indicator, period, group, method, values, dict.fromkeys(ids, 0), (single,)
        )
    if method == "hotspots":
        return _hotspot_map(indicator, period, group, values, list(units))
    result: Classification = classify(array, method, min(k, distinct))
    colours = _colours(result.k)
    pairs = zip(result.labels, result.bounds, strict=True)
    legend = tuple(
        LegendEntry(
            label=str(LABELS.get(code, code)),
            lower=lower,
            upper=upper,
            colour=colours[position],
            count=result.counts[position],
            swatch=str(PALETTE.index(colours[position])),
        )
        for position, (code, (lower, upper)) in enumerate(pairs)
    )
    classes = {unit_id: int(c) for unit_id, c in zip(ids, result.class_of.tolist(), strict=True)}
    return IndicatorMap(indicator, period, group, method, values, classes, legend)


#: Decimals of the map's coordinates: 10⁻⁴ degree is about 11 m, finer than what the map
#: shows at a city's zoom and than the simplified polygons it draws; it keeps the GeoJSON of
#: Mexico City's 1,651 colonias under 1 MB (the stored geometries keep 6 decimals).
MAP_DECIMALS = 4
#: Significant digits of the values on the map (the CSV and XLSX downloads keep them all).
MAP_DIGITS = 6
_NUMBER = re.compile(rf"-?\d+\.\d{{{MAP_DECIMALS + 1},}}")


def _round_coordinates(geometry: str) -> str:
    """The GeoJSON geometry text with its coordinates rounded to :data:`MAP_DECIMALS`."""
    return _NUMBER.sub(lambda m: repr(round(float(m.group()), MAP_DECIMALS)), geometry)


def map_feature_collection(
    units: Sequence[TerritorialUnit], mapped: IndicatorMap | None = None
) -> str:
    """The units with a geometry as a GeoJSON FeatureCollection (text), with the value,
    class and colour of each when an indicator is mapped.

    Coordinates have :data:`MAP_DECIMALS` decimals and values :data:`MAP_DIGITS`
    significant digits, as the ``metadata`` member says."""
    features = []
    for unit in units:
        if not unit.geometry:
            continue
        properties: dict[str, object] = {
            "id": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
        }
        if mapped is not None:
            value = mapped.values.get(unit.pk)
            properties.update(
                value=None if value is None else float(f"{value:.{MAP_DIGITS}g}"),
                label=mapped.label_of(unit.pk),
                colour=mapped.colour_of(unit.pk),
            )
        text = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        geometry = _round_coordinates(unit.geometry)
        features.append(f'{{"type":"Feature","properties":{text},"geometry":{geometry}}}')
    # A foreign member of the collection says how the values were made (RFC 7946, 6.1).
    note = dict(map_method_note(mapped))
    note["precision"] = (
        f"coordinates {MAP_DECIMALS} decimals (about 11 m), values {MAP_DIGITS} significant digits"
    )
    metadata = json.dumps(note, ensure_ascii=False)
    return (
        '{"type":"FeatureCollection","metadata":'
        + metadata
        + ',"features":['
        + ",".join(features)
        + "]}"
    )


def _hotspot_map(
    indicator: Indicator,
    period: str,
    group: str,
    values: dict[int, float],
    units: Sequence[TerritorialUnit],
) -> IndicatorMap:
    """Local Moran's I over the units that have both a value and a polygon."""
    shaped = [u for u in units if u.pk in values and u.geometry]
    empty = IndicatorMap(indicator, period, group, "hotspots", values, {}, ())
    if len(shaped) < 3:
        return empty
    ids = [str(u.pk) for u in shaped]
    geometries = [shapely.from_geojson(u.geometry) for u in shaped]
    try:
        neighbours = contiguity(ids, geometries)
        result = local_moran(
            ids,
            [values[u.pk] for u in shaped],
            neighbours,
            seed=HOTSPOT_SEED,
            permutations=HOTSPOT_PERMUTATIONS,
        )
    except ValueError:
        return empty
    position = {code: i for i, (code, _name, _colour) in enumerate(HOTSPOT_CLASSES)}
    counts = result.counts()
    legend = tuple(
        LegendEntry(str(name), None, None, colour, counts.get(code, 0), code.replace("_", "-"))
        for code, name, colour in HOTSPOT_CLASSES
    )
    classes = {int(i): position[label] for i, label in zip(result.ids, result.labels, strict=True)}
    return IndicatorMap(indicator, period, group, "hotspots", values, classes, legend)


def map_table(units: Sequence[TerritorialUnit], mapped: IndicatorMap | None) -> list[list[object]]:
    """The map's data as rows (header first): unit, level, code, parent, value and class."""
    header: list[object] = ["code", "name", "level", "parent_code"]
    if mapped is not None:
        header += [mapped.indicator.code, "class"]
    rows = [header]
    for unit in units:
        row: list[object] = [
            unit.code,
            unit.name,
            unit.level,
            unit.parent.code if unit.parent else "",
        ]
        if mapped is not None:
            row += [mapped.values.get(unit.pk), mapped.label_of(unit.pk)]
        rows.append(row)
    return rows


def map_method_note(mapped: IndicatorMap | None) -> list[tuple[str, str]]:
    """What a download says about how its numbers were made: indicator, source, method."""
    if mapped is None:
        return [("content", "territorial units")]
    indicator = mapped.indicator
    note = [
        ("indicator", f"{indicator.code}: {indicator.name}"),
        ("measure", indicator.measure),
        ("source", indicator.source),
        ("period", mapped.period),
        ("direction", indicator.direction),
        ("method", str(METHODS.get(mapped.method, mapped.method))),
    ]
    if mapped.method == "hotspots":
        note.append(
            (
                "test",
                f"local Moran's I, queen contiguity, {HOTSPOT_PERMUTATIONS} permutations, "
                f"seed {HOTSPOT_SEED}, alpha 0.05",
            )
        )
    else:
        note += [
            (f"class {entry.label}", f"{entry.lower} – {entry.upper} ({entry.count})")
            for entry in mapped.legend
        ]
    return note


@dataclass(frozen=True)
class UnitIndicatorRow:
    """One indicator value of a unit, with its rank among comparable units."""

    indicator: Indicator
    period: str
    value: float
    rank: int
    of: int


def unit_indicator_rows(
    unit: TerritorialUnit, peers: Sequence[TerritorialUnit]
) -> list[UnitIndicatorRow]:
    """Every value of ``unit`` (whole population), newest period first per indicator, with its
    rank among ``peers`` that have a value for the same indicator and period (1 = the
    highest value; the indicator's direction says whether that is good or bad)."""
    peer_ids = [p.pk for p in peers]
    rows = []
    own = (
        IndicatorValue.objects.filter(unit=unit, group="")
        .select_related("indicator")
        .order_by("indicator__name", "-period")
    )
    for value in own:
        others = IndicatorValue.objects.filter(
            indicator=value.indicator, period=value.period, group="", unit_id__in=peer_ids
        )
        rows.append(
            UnitIndicatorRow(
                indicator=value.indicator,
                period=value.period,
                value=value.value,
                rank=others.filter(value__gt=value.value).count() + 1,
                of=others.count(),
            )
        )
    return rows
