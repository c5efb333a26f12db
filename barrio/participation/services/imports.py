"""Files sent from a page, imported by a task worker: keep the file encrypted, queue the work.

The census list and a station's paper entry are checked and applied by a task worker (see
``barrio.participation.tasks``); the page follows the job's progress. The file waits in a
:class:`PendingImport` row, encrypted, and is deleted once the job has run.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from barrio.errors import FieldError, ValidationFailed
from barrio.jobs.services import job_start
from barrio.participation.models import Election, PendingImport

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_tasks.base import Task

    from barrio.jobs.models import Job

__all__ = [
    "IMPORT_MAX_BYTES",
    "Progress",
    "import_start",
    "pending_file",
    "table_suffix",
    "uploaded_table",
]

#: Told each step of an import: (done, total, message), for a job's progress bar.
Progress = Callable[[int, int, str], None]
IMPORT_MAX_BYTES = 50 * 1024 * 1024


def table_suffix(name: str) -> str:
    """The suffix of a table's file name, ``.csv`` or ``.xlsx``.

    Raises :class:`ValidationFailed` on ``file`` for any other kind of file.
    """
    suffix = Path(name or "").suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise ValidationFailed(errors=[FieldError(("file",), _("Send a .csv or .xlsx file."))])
    return suffix


def import_start(
    *,
    actor: User,
    election: Election,
    kind: PendingImport.Kind,
    upload: Any,
    options: dict[str, Any],
    title: str,
    task: Task[..., Any],
) -> Job:
    """Keep ``upload`` encrypted and queue ``task`` to import it; return the job to follow.

    The caller has checked who sends it and whether the vote takes it. ``task`` receives
    ``pending_id``. Raises :class:`ValidationFailed` on ``file`` for a file that is not CSV
    or XLSX, or larger than 50 MB.
    """
    table_suffix(upload.name)
    if upload.size > IMPORT_MAX_BYTES:
        raise ValidationFailed(errors=[FieldError(("file",), _("The file is larger than 50 MB."))])
    content = b"".join(upload.chunks())
    pending = PendingImport.objects.create(
        election=election,
        kind=kind,
        file_name=(upload.name or "")[:200],
        payload=base64.b64encode(content).decode("ascii"),
        options=options,
        created_by=actor,
    )
    return job_start(
        actor=actor,
        kind=f"participation.{kind}_import",
        title=title,
        task=task,
        arguments={"pending_id": pending.pk},
    )


@contextmanager
def uploaded_table(upload: Any) -> Iterator[Path]:
    """Keep an uploaded ``.csv`` or ``.xlsx`` file in a temporary file while it is read.

    Raises :class:`ValidationFailed` on ``file`` for any other kind of file.
    """
    suffix = table_suffix(upload.name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


@contextmanager
def pending_file(pending: PendingImport) -> Iterator[Path]:
    """The pending file, decrypted into a temporary file while it is read."""
    suffix = table_suffix(pending.file_name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{pending.kind}{suffix}"
        path.write_bytes(base64.b64decode(pending.payload))
        yield path
