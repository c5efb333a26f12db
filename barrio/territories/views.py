"""Pages of territories for administrators: importing the catalogue of units."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from barrio.jobs.services import job_start
from barrio.territories.forms import UnitFileForm
from barrio.territories.models import UnitFileUpload
from barrio.territories.tasks import import_units_file


def units_import_page(request: HttpRequest) -> HttpResponse:
    """Send a file of units; a task worker imports it while the job page shows progress.

    The catalogue of units is shared by every programme, so only administrators import it.
    """
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied
    form = UnitFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload_file = data.pop("file")
        data["country"] = data["country"].upper()
        upload = UnitFileUpload.objects.create(
            file=upload_file, options=data, created_by=request.user
        )
        job = job_start(
            actor=request.user,
            kind="territories.import_units",
            title=_("Import of units from %(file)s") % {"file": upload_file.name},
            task=import_units_file,
            arguments={"upload_id": upload.pk},
        )
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "territories/units_import.html", {"form": form})
