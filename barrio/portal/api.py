"""API of the portal: a programme's territory and an indicator over it."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from barrio.accounts.selectors import programme_get_for_user, unit_list_for_user
from barrio.errors import FieldError, ValidationFailed
from barrio.territories.selectors import (
    indicator_get,
    indicator_map,
    indicator_periods,
)

router = Router(tags=["portal"])


class TerritoryQuery(Schema):
    indicator: str = Field(..., max_length=80)
    period: str = Field("", max_length=20)
    group: str = Field(
        "", max_length=60, description="A population group such as status:migrant; empty: all."
    )
    method: Literal["quantiles", "equal_interval", "fisher_jenks", "hotspots"] = "quantiles"
    k: int = Field(5, ge=3, le=7)


class LegendOut(Schema):
    label: str
    lower: float | None
    upper: float | None
    colour: str
    count: int


class UnitValueOut(Schema):
    id: int
    code: str
    name: str
    level: str
    value: float | None
    label: str


class TerritoryOut(Schema):
    indicator: str
    period: str
    group: str
    method: str
    legend: list[LegendOut]
    units: list[UnitValueOut]


@router.get(
    "/programmes/{slug}/territory",
    response=TerritoryOut,
    auth=None,
    summary="An indicator over a programme's territory",
)
def territory(request: HttpRequest, slug: str, query: Query[TerritoryQuery]) -> TerritoryOut:
    """The value and class of an indicator in each unit the caller works on, with the legend
    (the public sees the whole territory of a public programme)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    indicator = indicator_get(code=query.indicator)
    if indicator is None:
        raise ValidationFailed(
            errors=[FieldError(("query", "indicator"), _("No indicator has this code."))]
        )
    units = list(unit_list_for_user(user=request.user, programme=programme))
    periods = indicator_periods(indicator, units, query.group)
    period = query.period or (periods[0] if periods else "")
    if period not in periods:
        raise ValidationFailed(
            errors=[
                FieldError(("query", "period"), _("This indicator has no value in this period."))
            ]
        )
    mapped = indicator_map(
        indicator=indicator,
        units=units,
        period=period,
        group=query.group,
        method=query.method,
        k=query.k,
    )
    return TerritoryOut(
        indicator=indicator.code,
        period=period,
        group=query.group,
        method=query.method,
        legend=[
            LegendOut(label=e.label, lower=e.lower, upper=e.upper, colour=e.colour, count=e.count)
            for e in mapped.legend
        ],
        units=[
            UnitValueOut(
                id=u.pk,
                code=u.code,
                name=u.name,
                level=u.level,
                value=mapped.values.get(u.pk),
                label=mapped.label_of(u.pk),
            )
            for u in units
        ],
    )
