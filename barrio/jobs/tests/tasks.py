"""Tasks used by the tests of the job machinery (imported by a real worker process)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from barrio.errors import ValidationFailed
from barrio.jobs.services import JobReporter, job_run


@task()
def count_to(job_id: str, limit: int) -> Any:
    """Count to ``limit``, reporting progress at each step."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        for step in range(1, limit + 1):
            reporter.progress(step, limit, f"Step {step}")
        return {"summary": f"Counted to {limit}.", "counted": limit}

    return job_run(job_id, work)


@task()
def refuse(job_id: str) -> Any:
    """Fail with a domain error, as an import does on bad input."""

    def work(reporter: JobReporter) -> None:
        raise ValidationFailed("The file has 2 bad rows.")

    return job_run(job_id, work)


@task()
def crash(job_id: str) -> Any:
    """Fail with an unexpected error whose text must not reach the page."""

    def work(reporter: JobReporter) -> None:
        raise RuntimeError("secret detail: Yusmary Pérez, passport 123")

    return job_run(job_id, work)
