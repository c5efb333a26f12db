"""Services that start jobs and record their progress and outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks.base import Task

from barrio.errors import BarrioError
from barrio.jobs.models import Job

logger = logging.getLogger(__name__)


def job_start(
    *,
    actor: User | AnonymousUser | None,
    kind: str,
    title: str,
    task: Task[..., Any],
    arguments: Mapping[str, Any],
) -> Job:
    """Create a job and hand its work to a task worker once the transaction commits.

    ``task`` is a task whose first keyword argument is ``job_id``; ``arguments`` are its other
    keyword arguments and must be ids and plain values, never personal data (they are stored
    in clear in the task queue). Returns the queued job.
    """
    job = Job.objects.create(
        kind=kind,
        title=title,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk), **arguments)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


class JobReporter:
    """What a running task uses to say how far it has got."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Record that ``done`` of ``total`` steps are finished, with a short message."""
        Job.objects.filter(pk=self.job_id).update(
            done=max(0, done), total=max(0, total), message=message[:300], updated_at=timezone.now()
        )


def job_run(job_id: str, work: Callable[[JobReporter], Any]) -> Any:
    """Run ``work`` as the job ``job_id``: mark it running, then finished or failed.

    ``work`` receives a :class:`JobReporter` and returns the job's result as JSON-ready data.
    A :class:`BarrioError` fails the job with its translated message; any other exception
    fails it with a generic message (the details go to the task's own record and the log,
    never to the page, so that no personal value leaks) and is raised again.
    """
    language = Job.objects.filter(pk=job_id).values_list("language", flat=True).first()
    # A worker thread keeps whatever language it last had; the job's messages follow the
    # person who started it.
    with translation.override(language or settings.LANGUAGE_CODE):
        return _run(job_id, work)


def _run(job_id: str, work: Callable[[JobReporter], Any]) -> Any:
    started = timezone.now()
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, started_at=started, updated_at=started
    )
    try:
        result = work(JobReporter(job_id))
    except BarrioError as error:
        # The problems (row, field, reason) are kept as the result, for the page to list.
        problems = [problem.as_dict() for problem in error.errors]
        _finish(
            job_id,
            Job.Status.FAILED,
            error=str(error.message),
            result={"errors": problems} if problems else None,
        )
        return None
    except Exception:
        logger.exception("Job %s failed.", job_id)
        _finish(job_id, Job.Status.FAILED, error=_("An unexpected error stopped this work."))
        raise
    _finish(job_id, Job.Status.SUCCEEDED, result=result)
    return result


def _finish(job_id: str, status: Job.Status, *, result: Any = None, error: str = "") -> None:
    now = timezone.now()
    updates: dict[str, Any] = {
        "status": status,
        "finished_at": now,
        "updated_at": now,
        "error": error,
        "result": result,
    }
    Job.objects.filter(pk=job_id).update(**updates)
