"""API of territories: indicator definitions (public metadata)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from barrio.territories.models import Indicator

router = Router(tags=["territories"])


class IndicatorOut(Schema):
    code: str
    name: str
    measure: str
    source: str
    vintage: str
    direction: str
    kind: str
    description: str


@router.get("/indicators", response=list[IndicatorOut], auth=None, summary="List indicators")
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    """Every indicator defined in Barrio, with its source and direction."""
    return [IndicatorOut.from_orm(i) for i in Indicator.objects.order_by("code")]
