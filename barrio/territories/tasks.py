"""Long work of territories, run by task workers."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from barrio.jobs.services import JobReporter, job_run
from barrio.territories.files import UnitFileOptions
from barrio.territories.models import FileUpload, IndicatorFileUpload, UnitFileUpload
from barrio.territories.services import indicators_import, units_import


@contextmanager
def local_copy(upload: FileUpload, stem: str) -> Iterator[Path]:
    """The uploaded file as a local path with its extension, removed afterwards.

    The storage may be remote (S3), and the readers need a path they can open.
    """
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / f"{stem}{Path(upload.file.name).suffix}"
        with upload.file.open("rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield local


@task()
def import_units_file(job_id: str, upload_id: int) -> Any:
    """Import the file of units ``upload_id`` as the job ``job_id`` (see :func:`units_import`)."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        upload = UnitFileUpload.objects.get(pk=upload_id)
        options = dict(upload.options)
        with local_copy(upload, "units") as local:
            report = units_import(
                path=local,
                country=options["country"],
                level=options["level"],
                options=UnitFileOptions(
                    code_field=options["code_field"],
                    name_field=options["name_field"],
                    parent_code_field=options.get("parent_code_field") or None,
                    layer=options.get("layer") or None,
                    encoding=options.get("encoding") or None,
                    crs=options.get("crs") or None,
                ),
                parent_level=options.get("parent_level") or None,
                vintage=options.get("vintage", ""),
                allow_missing_geometry=bool(options.get("allow_missing_geometry")),
                dry_run=bool(options.get("dry_run")),
                progress=reporter.progress,
            )
        counts = report.summary()
        summary = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % counts
        if not report.applied:
            summary += " " + _("This was a dry run: nothing was written.")
        return {"summary": summary, **counts}

    return job_run(job_id, work)


@task()
def import_indicators_file(job_id: str, upload_id: int) -> Any:
    """Import the table ``upload_id`` as the job ``job_id`` (see :func:`indicators_import`)."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        upload = IndicatorFileUpload.objects.get(pk=upload_id)
        options = dict(upload.options)
        reporter.progress(0, 1)
        with local_copy(upload, "values") as local:
            report = indicators_import(
                path=local,
                country=options["country"],
                level=options.get("level") or None,
                form=options["form"],
                period=options.get("period") or None,
                sheet=options.get("sheet") or None,
                dry_run=bool(options.get("dry_run")),
                join=options.get("join", "code"),
            )
        reporter.progress(1, 1)
        counts = report.summary()
        summary = (
            _("%(created)s values created, %(updated)s updated, %(unchanged)s unchanged.") % counts
        )
        if not report.applied:
            summary += " " + _("This was a dry run: nothing was written.")
        return {"summary": summary, **counts, "joined": report.joined}

    return job_run(job_id, work)
