"""Start imports of files sent from a page or the API: keep the file, queue the work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from barrio.jobs.services import job_start
from barrio.territories.models import FileUpload, IndicatorFileUpload, UnitFileUpload
from barrio.territories.permissions import require_catalogue_manager

if TYPE_CHECKING:
    from barrio.jobs.models import Job

__all__ = ["indicators_file_import_start", "units_file_import_start"]


def _start(
    *,
    actor: User | AnonymousUser,
    kept: type[FileUpload],
    upload: UploadedFile,
    options: dict[str, Any],
    kind: str,
    title: str,
    task: Any,
) -> Job:
    user = require_catalogue_manager(actor)
    made = kept._default_manager.create(file=upload, options=options, created_by=user)
    return job_start(
        actor=user, kind=kind, title=title, task=task, arguments={"upload_id": made.pk}
    )


def units_file_import_start(
    *, actor: User | AnonymousUser, upload: UploadedFile, options: dict[str, Any]
) -> Job:
    """Keep a file of units and queue its import (see ``units_import``); return the job.

    ``options`` are the import's options as plain values (country, level, field names...).
    Raises :class:`PermissionDenied` unless the actor is an administrator.
    """
    from barrio.territories.tasks import import_units_file

    return _start(
        actor=actor,
        kept=UnitFileUpload,
        upload=upload,
        options=options,
        kind="territories.import_units",
        title=_("Import of units from %(file)s") % {"file": upload.name},
        task=import_units_file,
    )


def indicators_file_import_start(
    *, actor: User | AnonymousUser, upload: UploadedFile, options: dict[str, Any]
) -> Job:
    """Keep a table of indicator values and queue its import (see ``indicators_import``).

    Raises :class:`PermissionDenied` unless the actor is an administrator.
    """
    from barrio.territories.tasks import import_indicators_file

    return _start(
        actor=actor,
        kept=IndicatorFileUpload,
        upload=upload,
        options=options,
        kind="territories.import_indicators",
        title=_("Import of indicator values from %(file)s") % {"file": upload.name},
        task=import_indicators_file,
    )
