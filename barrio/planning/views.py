"""Pages of a programme's planning: targeting runs, their comparison, budget apportionments."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import BarrioError, NotFound
from barrio.money import format_cents
from barrio.planning import selectors, services
from barrio.planning.forms import ApportionmentForm, TargetingForm
from barrio.territories.selectors import indicators_for_units, unit_levels, unit_list


def _programme(request: HttpRequest, slug: str) -> Any:
    try:
        return programme_get_for_user(user=request.user, slug=slug)
    except NotFound as error:
        raise Http404 from error


def _run(request: HttpRequest, programme: Any, run_id: int) -> Any:
    try:
        return selectors.targeting_run_get_for_user(
            user=request.user, programme=programme, run_id=run_id
        )
    except NotFound as error:
        raise Http404 from error


def _show(form: Any, error: BarrioError) -> None:
    """Put a service's errors on the form fields they name, the rest on the form."""
    if not error.errors:
        form.add_error(None, str(error.message))
    for field_error in error.errors:
        name = field_error.loc[1] if len(field_error.loc) > 1 else None
        form.add_error(name if name in form.fields else None, str(field_error.msg))


def _choices(programme: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    areas = list(programme.units.all())
    levels = [(level, level) for level in unit_levels(within=areas)]
    indicators = [(i.code, i.name) for i in indicators_for_units(list(unit_list(within=areas)))]
    return levels, indicators


def plans(request: HttpRequest, slug: str) -> HttpResponse:
    """The targeting runs and apportionments of a programme that the visitor may see."""
    programme = _programme(request, slug)
    runs = selectors.targeting_run_list_for_user(user=request.user, programme=programme)
    return render(
        request,
        "planning/plans.html",
        {
            "programme": programme,
            "runs": runs,
            "apportionments": selectors.apportionment_list_for_user(
                user=request.user, programme=programme
            ),
            "may_plan": selectors.may_plan(request.user, programme),
        },
    )


@login_required
def targeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Run a targeting: the form, and on success the new run's page."""
    programme = _programme(request, slug)
    if not selectors.may_plan(request.user, programme):
        raise DjangoPermissionDenied
    levels, indicators = _choices(programme)
    form = TargetingForm(request.POST or None, levels=levels, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.targeting_run_create(
                actor=request.user, programme=programme, spec=form.spec()
            )
        except BarrioError as error:
            _show(form, error)
        else:
            messages.success(request, _("The run is saved as a draft."))
            return redirect("planning:targeting_run", programme.slug, run.pk)
    return render(request, "planning/targeting_new.html", {"programme": programme, "form": form})


def targeting_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """A run: its parameters, who ran and approved it, and every unit with why it is in or out."""
    programme = _programme(request, slug)
    run = _run(request, programme, run_id)
    others = selectors.targeting_run_list_for_user(user=request.user, programme=programme)
    return render(
        request,
        "planning/targeting_run.html",
        {
            "programme": programme,
            "run": run,
            "rows": selectors.targeting_decision_rows(run),
            "may_approve": selectors.may_approve(request.user, programme)
            and run.status == run.Status.DRAFT,
            "others": others.exclude(pk=run.pk),
            "colours": selectors.RUN_COLOURS,
            "tile_url": settings.BARRIO_MAP_TILE_URL,
        },
    )


def targeting_run_csv(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """A run's decisions as CSV: one row per unit, with the explanation."""
    programme = _programme(request, slug)
    run = _run(request, programme, run_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="targeting-{run.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["code", "name", "selected", "rank", "value", "stratum", "area", "reason", "explanation"]
    )
    for row in selectors.targeting_decision_rows(run):
        d = row.decision
        writer.writerow(
            [
                d.unit.code,
                d.unit.name,
                int(d.selected),
                d.rank or "",
                d.value,
                d.stratum,
                row.group_name,
                d.reason,
                row.explanation,
            ]
        )
    writer.writerow([])
    writer.writerow(["fingerprint", run.fingerprint])
    return response


def targeting_run_geojson(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """The run's map: its units coloured by whether they are chosen, with the reason."""
    programme = _programme(request, slug)
    run = _run(request, programme, run_id)
    return HttpResponse(selectors.targeting_run_geojson(run), content_type="application/geo+json")


@require_POST
@login_required
def targeting_approve(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """Approve a draft run (a programme manager other than the one who ran it)."""
    programme = _programme(request, slug)
    run = _run(request, programme, run_id)
    if not selectors.may_approve(request.user, programme):
        raise DjangoPermissionDenied
    try:
        services.targeting_run_approve(actor=request.user, run=run)
    except BarrioError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The run is approved."))
    return redirect("planning:targeting_run", programme.slug, run.pk)


def targeting_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two runs side by side: the units both choose, and those only one of them chooses."""
    programme = _programme(request, slug)
    try:
        a_id, b_id = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError as error:
        raise Http404 from error
    a, b = _run(request, programme, a_id), _run(request, programme, b_id)
    return render(
        request,
        "planning/targeting_compare.html",
        {"programme": programme, "comparison": selectors.targeting_comparison(a, b)},
    )


@login_required
def apportionment_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Split an amount among units by a formula."""
    programme = _programme(request, slug)
    if not selectors.may_plan(request.user, programme):
        raise DjangoPermissionDenied
    levels, indicators = _choices(programme)
    runs = [
        (str(run.pk), run.name)
        for run in selectors.targeting_run_list_for_user(user=request.user, programme=programme)
        if run.status == run.Status.APPROVED
    ]
    form = ApportionmentForm(request.POST or None, runs=runs, levels=levels, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.apportionment_create(
                actor=request.user, programme=programme, spec=form.spec()
            )
        except BarrioError as error:
            _show(form, error)
        else:
            messages.success(request, _("The amount is split."))
            return redirect("planning:apportionment", programme.slug, made.pk)
    return render(
        request, "planning/apportionment_new.html", {"programme": programme, "form": form}
    )


@login_required
def apportionment(request: HttpRequest, slug: str, apportionment_id: int) -> HttpResponse:
    """An apportionment: the formula and every unit's part, explained."""
    programme = _programme(request, slug)
    try:
        made = selectors.apportionment_get_for_user(
            user=request.user, programme=programme, apportionment_id=apportionment_id
        )
    except NotFound as error:
        raise Http404 from error
    return render(
        request,
        "planning/apportionment.html",
        {
            "programme": programme,
            "apportionment": made,
            "total": format_cents(made.total_cents, programme.currency),
            "rows": selectors.apportionment_share_rows(made),
        },
    )
