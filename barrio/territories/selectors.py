"""Read queries of territorial units."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from barrio.core.indices.spec_data import leaf_codes, spec_from_data
from barrio.core.names.match import Candidate, suggest
from barrio.territories.maps import (
    HOTSPOT_PERMUTATIONS,
    HOTSPOT_SEED,
    LABELS,
    METHODS,
    IndicatorMap,
    group_label,
    indicator_groups,
    indicator_map,
    indicator_periods,
    indicators_for_units,
    map_feature_collection,
    map_method_note,
    map_table,
    unit_indicator_rows,
    unit_value_column,
    unit_values,
)
from barrio.territories.models import (
    CompositeIndex,
    Indicator,
    IndicatorValue,
    TerritorialUnit,
    UnitNameChoice,
)
from barrio.territories.profiles import CHART_LEFT, IndexProfile, index_profiles

__all__ = [
    "CHART_LEFT",
    "HOTSPOT_PERMUTATIONS",
    "HOTSPOT_SEED",
    "LABELS",
    "METHODS",
    "IndexProfile",
    "IndicatorMap",
    "composite_index_list",
    "group_label",
    "index_profiles",
    "indicator_get",
    "indicator_groups",
    "indicator_map",
    "indicator_newest_periods",
    "indicator_periods",
    "indicator_values",
    "indicators_for_units",
    "map_feature_collection",
    "map_method_note",
    "map_table",
    "name_choice_get",
    "name_choice_list",
    "name_choice_rows",
    "unit_geometry",
    "unit_get",
    "unit_indicator_rows",
    "unit_levels",
    "unit_list",
    "unit_value_column",
    "unit_values",
    "unit_within_q",
]


def unit_within_q(units: Iterable[TerritorialUnit], *, field: str = "") -> Q:
    """Return a filter matching the given units and everything inside them.

    ``field`` is the path from the queried model to its unit (``"unit"`` for a household,
    empty for units themselves). With no units the filter matches nothing.
    """
    prefix = f"{field}__" if field else ""
    condition = Q(pk__in=[])
    for unit in units:
        condition |= Q(**{f"{prefix}country": unit.country, f"{prefix}path__startswith": unit.path})
    return condition


def unit_list(
    *, within: Iterable[TerritorialUnit] | None = None, search: str = ""
) -> QuerySet[TerritorialUnit]:
    """Return units, optionally only those inside ``within`` and whose name matches ``search``."""
    units = TerritorialUnit.objects.select_related("parent")
    if within is not None:
        units = units.filter(unit_within_q(within))
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__iexact=search))
    return units.order_by("path")


def unit_get(*, unit_id: int) -> TerritorialUnit | None:
    """Return the unit ``unit_id``, or ``None``."""
    return TerritorialUnit.objects.filter(pk=unit_id).first()


def unit_geometry(*, unit_id: int) -> str:
    """Return the boundary of unit ``unit_id`` as GeoJSON text (empty when it has none)."""
    found = TerritorialUnit.objects.filter(pk=unit_id).values_list("geometry", flat=True).first()
    return found or ""


def indicator_get(*, code: str) -> Indicator | None:
    """Return the indicator ``code``, or ``None``."""
    return Indicator.objects.filter(code=code).first()


def indicator_values(
    *, indicator: Indicator, units: Iterable[TerritorialUnit], period: str, group: str = ""
) -> dict[int, float]:
    """Return ``{unit id: value}`` of ``indicator`` in ``units`` for one period and group.

    Units without a value are absent from the result. Pass a queryset for many units: it
    becomes a subquery, where a list would hit the database's limit of query parameters.
    """
    rows = IndicatorValue.objects.filter(
        indicator=indicator, unit__in=units, period=period, group=group
    ).values_list("unit_id", "value")
    return dict(rows)


def unit_levels(*, within: Iterable[TerritorialUnit]) -> list[str]:
    """Return the levels of the units inside ``within`` (the areas themselves included)."""
    levels = unit_list(within=within).order_by().values_list("level", flat=True).distinct()
    return sorted(levels)


@dataclass(frozen=True)
class NameChoiceRow:
    """A name to resolve (or resolved), with the units of its parent, likeliest first."""

    choice: UnitNameChoice
    options: list[tuple[int, str]]


def _likeliest(name: str, units: list[TerritorialUnit]) -> list[tuple[int, str]]:
    """The units the core matcher suggests for ``name`` first, then the others by name."""
    candidates = [Candidate(str(u.pk), "", u.name) for u in units]
    suggested = [int(c.code) for c, _score in suggest(name, "", candidates, k=5)] if units else []
    by_pk = {u.pk: u for u in units}
    rest = sorted((u for u in units if u.pk not in suggested), key=lambda u: u.name)
    return [(pk, by_pk[pk].name) for pk in suggested] + [(u.pk, u.name) for u in rest]


def name_choice_list(*, pending: bool) -> QuerySet[UnitNameChoice]:
    """Return the names waiting for a person's choice (or those already chosen)."""
    return UnitNameChoice.objects.filter(unit__isnull=pending).select_related(
        "parent", "unit", "chosen_by"
    )


def name_choice_rows(choices: Iterable[UnitNameChoice]) -> list[NameChoiceRow]:
    """Each choice with the units of its level inside its parent, the likeliest first.

    One query for the whole page: the units of every (country, level) the choices name.
    """
    choices = list(choices)
    wanted = {(c.country, c.level) for c in choices}
    condition = Q(pk__in=[])
    for country, level in wanted:
        condition |= Q(country=country, level=level)
    units_of: dict[tuple[str, str], list[TerritorialUnit]] = {}
    for unit in TerritorialUnit.objects.filter(condition).order_by("name"):
        units_of.setdefault((unit.country, unit.level), []).append(unit)
    rows = []
    for choice in choices:
        parent = choice.parent
        units = [
            u
            for u in units_of.get((choice.country, choice.level), [])
            if parent is None or parent.contains(u)
        ]
        rows.append(NameChoiceRow(choice, _likeliest(choice.name, units)))
    return rows


def name_choice_get(*, choice_id: int) -> UnitNameChoice | None:
    """Return the name choice ``choice_id``, or ``None``."""
    return UnitNameChoice.objects.select_related("parent").filter(pk=choice_id).first()


def composite_index_list() -> QuerySet[CompositeIndex]:
    """Return the composite indices with their latest computations."""
    return CompositeIndex.objects.prefetch_related("runs").order_by("name")


def indicator_newest_periods(
    *, index: CompositeIndex, units: Iterable[TerritorialUnit]
) -> dict[str, str]:
    """The newest period with values in ``units`` of each indicator of ``index``."""
    codes = leaf_codes(spec_from_data(index.spec))
    newest: dict[str, str] = {}
    rows = (
        IndicatorValue.objects.filter(indicator__code__in=codes, unit__in=list(units), group="")
        .values_list("indicator__code", "period")
        .distinct()
    )
    for code, period in rows:
        if period > newest.get(code, ""):
            newest[code] = period
    return newest
