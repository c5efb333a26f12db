"""Pages of territories for administrators: importing units and indicator values, and
choosing the unit a name means."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from barrio.errors import BarrioError
from barrio.territories.forms import IndexForm, IndicatorFileForm, UnitFileForm
from barrio.territories.permissions import may_manage_catalogue
from barrio.territories.selectors import (
    composite_index_list,
    indicator_newest_periods,
    name_choice_get,
    name_choice_list,
    name_choice_rows,
    unit_get,
    unit_list,
)
from barrio.territories.services import index_compute, index_define
from barrio.territories.services.names import name_choice_set
from barrio.territories.services.uploads import (
    indicators_file_import_start,
    units_file_import_start,
)


def _administrator(request: HttpRequest) -> None:
    """Pages answer 403 to anybody who may not change the shared catalogue."""
    if not may_manage_catalogue(request.user):
        raise PermissionDenied


def units_import_page(request: HttpRequest) -> HttpResponse:
    """Send a file of units; a task worker imports it while the job page shows progress.

    The catalogue of units is shared by every programme, so only administrators import it.
    """
    _administrator(request)
    form = UnitFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload_file = data.pop("file")
        data["country"] = data["country"].upper()
        job = units_file_import_start(actor=request.user, upload=upload_file, options=data)
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "territories/units_import.html", {"form": form})


def indicators_import_page(request: HttpRequest) -> HttpResponse:
    """Send a table of indicator values; a task worker imports it while the job page shows
    progress and, at the end, the report or every problem with its row and column."""
    _administrator(request)
    form = IndicatorFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload_file = data.pop("file")
        data["country"] = data["country"].upper()
        job = indicators_file_import_start(actor=request.user, upload=upload_file, options=data)
        return redirect("jobs:detail", job_id=job.pk)
    pending = name_choice_list(pending=True).count()
    return render(request, "territories/indicators_import.html", {"form": form, "pending": pending})


def names_page(request: HttpRequest) -> HttpResponse:
    """The names that imports could not match, each with its likeliest units to choose from,
    and the choices already made."""
    _administrator(request)
    pending = request.GET.get("show") != "chosen"
    page = Paginator(name_choice_list(pending=pending), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "territories/names.html",
        {"page": page, "rows": name_choice_rows(page.object_list), "pending": pending},
    )


@require_POST
def name_choose(request: HttpRequest, choice_id: int) -> HttpResponse:
    """Record which unit a name means (or forget the choice)."""
    _administrator(request)
    choice = name_choice_get(choice_id=choice_id)
    if choice is None:
        raise Http404
    raw = request.POST.get("unit", "")
    unit = unit_get(unit_id=int(raw)) if raw.isdigit() else None
    try:
        name_choice_set(actor=request.user, choice=choice, unit=unit)
    except BarrioError as error:
        messages.error(request, str(error.message))
    else:
        if unit is None:
            messages.success(
                request, _("The choice for %(name)s is forgotten.") % {"name": choice.name}
            )
        else:
            messages.success(
                request,
                _("%(name)s now means %(unit)s in every import.")
                % {"name": choice.name, "unit": unit.name},
            )
    return redirect("territories:names")


def index_page(request: HttpRequest) -> HttpResponse:
    """Define a composite index from its configuration and compute it over a level's units.

    The scores become an indicator, ready for the map, classes and targeting runs.
    """
    _administrator(request)
    form = IndexForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = list(unit_list().filter(country=data["country"].upper(), level=data["level"]))
        try:
            # Defined and computed together, or neither.
            with transaction.atomic():
                index = index_define(
                    code=data["code"],
                    name=data["name"],
                    spec=data["configuration"],
                    description=data["description"],
                )
                periods = indicator_newest_periods(index=index, units=units)
                periods.update(data["input_periods"])
                run = index_compute(
                    index=index, units=units, period=data["period"], input_periods=periods
                )
        except BarrioError as error:
            form.add_error(None, str(error.message))
            for problem in error.errors:
                form.add_error(None, problem.describe())
        else:
            messages.success(
                request,
                _("%(index)s: %(scored)s of %(units)s units scored for %(period)s.")
                % {
                    "index": index.name,
                    "scored": run.scored_count,
                    "units": run.unit_count,
                    "period": run.period,
                },
            )
            return redirect("territories:indices")
    return render(
        request,
        "territories/indices.html",
        {"form": form, "indices": composite_index_list()},
    )
