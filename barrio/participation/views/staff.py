"""The staff's list of a call's proposals: filters, counts per status, CSV and XLSX."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from barrio.money import format_cents
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import WorkKind
from barrio.participation.selectors.calls import call_get_for_user
from barrio.participation.selectors.proposals import (
    ProposalFilters,
    proposal_export_rows,
    proposal_list_for_staff,
    proposal_status_counts,
)
from barrio.participation.views.common import found


def _filters(request: HttpRequest) -> ProposalFilters:
    unit = request.GET.get("unit", "")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    return ProposalFilters(
        unit_id=int(unit) if unit.isdigit() else None,
        kind=kind if kind in WorkKind.values else "",
        status=status if status in ProposalStatus.values else "",
    )


def proposal_staff_list(request: HttpRequest, call_id: int) -> HttpResponse:
    """The proposals of a call in the user's scope, filtered, with the counts per status."""
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    filters = _filters(request)
    proposals = found(
        lambda: list(proposal_list_for_staff(user=request.user, call=call, filters=filters))
    )
    counts = proposal_status_counts(user=request.user, call=call)
    currency = call.programme.currency
    return render(
        request,
        "participation/proposals/staff_list.html",
        {
            "call": call,
            "programme": call.programme,
            "rows": [(p, format_cents(p.total_cents, currency)) for p in proposals],
            "counts": [(ProposalStatus(s).label, s, n) for s, n in counts.items() if n],
            "filters": filters,
            "units": call.units.order_by("name"),
            "kinds": [(k, WorkKind(k).label) for k in call.kinds if k in WorkKind.values],
            "statuses": ProposalStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


def proposal_export(request: HttpRequest, call_id: int, extension: str) -> HttpResponse:
    """The staff list as CSV or XLSX; groups' contacts only for roles that may export them."""
    if extension not in {"csv", "xlsx"}:
        raise Http404
    call = found(lambda: call_get_for_user(user=request.user, call_id=call_id))
    rows = found(
        lambda: proposal_export_rows(user=request.user, call=call, filters=_filters(request))
    )
    if extension == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "proposals"
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{call.slug}-proposals.{extension}"'
    return response
