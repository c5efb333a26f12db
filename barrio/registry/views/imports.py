"""Pages of imports: the template, sending a file, its check (a job with progress), applying."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from barrio.errors import BarrioError, NotFound, PermissionDenied
from barrio.jobs.services import job_start
from barrio.registry import selectors, services
from barrio.registry.imports.template import CSV, XLSX
from barrio.registry.models import ImportBatch
from barrio.registry.tasks import run_import
from barrio.registry.views.households import programme_or_404

IMPORT_MAX_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    """A file to import, the mapping to read it with, and the field team's consent."""

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("XLSX or CSV of the template, or a KoboToolbox JSON export."),
    )
    mapping = forms.TypedChoiceField(
        label=gettext_lazy("Column mapping"), coerce=int, required=False, empty_value=None
    )
    consent = forms.BooleanField(
        label=gettext_lazy("Everybody in this file agreed to be registered and assessed."),
    )

    def __init__(self, *args: object, mappings: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["mapping"].choices = [("", gettext_lazy("None: the template")), *mappings]  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


@login_required
def import_template(request: HttpRequest, slug: str) -> FileResponse:
    """Download the import template (XLSX, or CSV with ``?format=csv``)."""
    programme_or_404(request, slug)
    path = CSV if request.GET.get("format") == "csv" else XLSX
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


def _start(request: HttpRequest, batch: ImportBatch, *, apply: bool) -> str:
    title = (_("Import of %(file)s") if apply else _("Check of %(file)s")) % {
        "file": batch.file_name
    }
    job = job_start(
        actor=request.user,
        kind="registry.import",
        title=title,
        task=run_import,
        arguments={"batch_id": batch.pk, "user_id": request.user.pk, "apply": apply},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(job_id=str(job.pk))
    return str(job.pk)


@login_required
def import_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Send a file: it is checked by a task worker and its report shown; nothing is applied
    before somebody reads the report and applies it."""
    programme = programme_or_404(request, slug)
    try:
        mappings = selectors.column_mapping_list_for_user(user=request.user, programme=programme)
        batches = selectors.import_batch_list_for_user(user=request.user, programme=programme)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    form = ImportForm(
        request.POST or None, request.FILES or None, mappings=[(m.pk, m.name) for m in mappings]
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        mapping = next((m for m in mappings if m.pk == form.cleaned_data["mapping"]), None)
        try:
            batch = services.import_batch_create(
                actor=request.user,
                programme=programme,
                content=upload.read(),
                file_name=upload.name,
                mapping=mapping,
            )
        except BarrioError as error:
            form.add_error("file", str(error.message))
        else:
            return redirect("jobs:detail", job_id=_start(request, batch, apply=False))
    return render(
        request,
        "registry/import_list.html",
        {"programme": programme, "form": form, "batches": batches[:30], "mappings": mappings},
    )


@login_required
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """One import: its check's progress, then its report; "Apply" once it is checked."""
    try:
        batch = selectors.import_batch_get_for_user(user=request.user, batch_id=batch_id)
    except NotFound as error:
        raise Http404 from error
    if request.method == "POST":
        if batch.status != ImportBatch.Status.CHECKED:
            messages.error(request, _("Check the file first; only a checked import is applied."))
        else:
            return redirect("jobs:detail", job_id=_start(request, batch, apply=True))
        return redirect("registry:import_batch", batch_id=batch.pk)
    return render(
        request,
        "registry/import_batch.html",
        {"programme": batch.programme, "batch": batch, "errors": batch.errors[:300]},
    )
