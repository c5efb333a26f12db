"""Read queries of territorial units."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from barrio.territories.maps import (
    HOTSPOT_PERMUTATIONS,
    HOTSPOT_SEED,
    LABELS,
    METHODS,
    IndicatorMap,
    indicator_map,
    indicator_periods,
    indicators_for_units,
    map_feature_collection,
    map_method_note,
    map_table,
    unit_indicator_rows,
)
from barrio.territories.models import Indicator, TerritorialUnit

__all__ = [
    "HOTSPOT_PERMUTATIONS",
    "HOTSPOT_SEED",
    "LABELS",
    "METHODS",
    "IndicatorMap",
    "indicator_get",
    "indicator_map",
    "indicator_periods",
    "indicators_for_units",
    "map_feature_collection",
    "map_method_note",
    "map_table",
    "unit_get",
    "unit_indicator_rows",
    "unit_list",
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


def indicator_get(*, code: str) -> Indicator | None:
    """Return the indicator ``code``, or ``None``."""
    return Indicator.objects.filter(code=code).first()
