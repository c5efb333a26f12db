"""Pages of the public portal: programmes, their territory and its indicators."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from barrio.accounts.selectors import programme_get_for_user, unit_list_for_user
from barrio.errors import NotFound
from barrio.portal.forms import TerritoryMapForm
from barrio.territories.selectors import (
    CHART_LEFT,
    HOTSPOT_PERMUTATIONS,
    HOTSPOT_SEED,
    group_label,
    index_profiles,
    indicator_get,
    indicator_groups,
    indicator_map,
    indicator_periods,
    indicators_for_units,
    map_feature_collection,
    map_method_note,
    map_table,
    unit_indicator_rows,
)


def home(request: HttpRequest) -> HttpResponse:
    """The home page: what Barrio is, and the programmes the visitor may see.

    The programmes come from the context processor that also fills the header's switcher.
    """
    return render(request, "portal/home.html")


def _programme_or_404(request: HttpRequest, slug: str) -> Any:
    """The programme ``slug`` if the visitor may see it; 404 otherwise."""
    try:
        return programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error


def _territory(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The programme, its units the visitor works on, and the indicator map asked for."""
    programme = _programme_or_404(request, slug)
    all_units = list(unit_list_for_user(user=request.user, programme=programme))
    indicators = indicators_for_units(all_units)
    query = request.GET.copy()
    query.setdefault("method", "quantiles")
    query.setdefault("k", "5")
    form = TerritoryMapForm(query, indicators=[(i.code, i.name) for i in indicators])
    form.is_valid()
    data = form.cleaned_data  # the valid fields only; a bad value falls back to its default
    search = data.get("q", "")
    units = all_units
    if search:
        units = list(unit_list_for_user(user=request.user, programme=programme, search=search))
    indicator = indicator_get(code=data.get("indicator") or "") if data.get("indicator") else None
    mapped = None
    periods: list[str] = []
    groups: list[tuple[str, str]] = []
    if indicator is not None:
        codes = indicator_groups(indicator, all_units)
        groups = [(code, group_label(code)) for code in codes]
        asked = str(data.get("group") or "")
        group = asked if asked in codes else (codes[0] if codes else "")
        periods = indicator_periods(indicator, all_units, group)
        chosen = str(data.get("period") or "")
        period = chosen if chosen in periods else (periods[0] if periods else "")
        mapped = indicator_map(
            indicator=indicator,
            units=all_units,
            period=period,
            group=group,
            method=data.get("method") or "quantiles",
            k=data.get("k") or 5,
        )
    return {
        "programme": programme,
        "units": units,
        "form": form,
        "mapped": mapped,
        "periods": periods,
        "groups": groups,
        "group_name": group_label(mapped.group) if mapped else "",
    }


def territory(request: HttpRequest, slug: str) -> HttpResponse:
    """The territory of a programme: a map of its units, coloured by an indicator when one is
    chosen, with the legend, and the same data in a table."""
    context = _territory(request, slug)
    mapped = context["mapped"]
    rows = [
        {
            "unit": unit,
            "value": mapped.values.get(unit.pk) if mapped else None,
            "label": mapped.label_of(unit.pk) if mapped else "",
        }
        for unit in context["units"]
    ]
    context["page"] = Paginator(rows, 100).get_page(request.GET.get("page"))
    context["tile_url"] = settings.BARRIO_MAP_TILE_URL
    context["hotspot_seed"] = HOTSPOT_SEED
    context["hotspot_permutations"] = HOTSPOT_PERMUTATIONS
    context["geojson_query"] = request.GET.urlencode()
    return render(request, "portal/territory.html", context)


def territory_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    """The map's data: the units as GeoJSON, with value, class and colour of the indicator."""
    context = _territory(request, slug)
    return HttpResponse(
        map_feature_collection(context["units"], context["mapped"]),
        content_type="application/geo+json",
    )


def territory_download(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """The map's table as CSV or XLSX, with a sheet (or header lines) saying the method and
    sources."""
    context = _territory(request, slug)
    rows = map_table(context["units"], context["mapped"])
    note = map_method_note(context["mapped"])
    name = f"{slug}-territory"
    if extension == "xlsx":
        book = Workbook()
        data = book.active
        data.title = "data"
        for row in rows:
            data.append(row)
        about = book.create_sheet("method")
        for key, value in note:
            about.append([key, value])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        for key, value in note:
            writer.writerow([f"# {key}", value])
        writer.writerows(rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def unit_detail(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    """A unit of a programme's territory: where it lies, what it holds, and its indicators
    with their rank among the units of the same level and their history."""
    programme = _programme_or_404(request, slug)
    visible = list(unit_list_for_user(user=request.user, programme=programme))
    unit = next((u for u in visible if u.pk == unit_id), None)
    if unit is None:
        raise Http404
    peers = [u for u in visible if u.level == unit.level]
    ancestors: list[Any] = []
    parent = unit.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    context = {
        "programme": programme,
        "unit": unit,
        "ancestors": ancestors,
        "children": [u for u in visible if u.parent_id == unit.pk],
        "rows": unit_indicator_rows(unit, peers),
        "profiles": index_profiles(unit),
        "chart_left": CHART_LEFT,
        "peers": len(peers),
        "tile_url": settings.BARRIO_MAP_TILE_URL,
    }
    return render(request, "portal/unit_detail.html", context)


def unit_geojson(request: HttpRequest, slug: str, unit_id: int) -> HttpResponse:
    """The unit's polygon, for its small map."""
    programme = _programme_or_404(request, slug)
    units = list(unit_list_for_user(user=request.user, programme=programme).filter(pk=unit_id))
    if not units:
        raise Http404
    return HttpResponse(map_feature_collection(units), content_type="application/geo+json")
