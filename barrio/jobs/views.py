"""Pages of jobs: a progress bar that updates itself (htmx polling) and survives a reload."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from barrio.errors import NotFound
from barrio.jobs.models import Job
from barrio.jobs.selectors import job_get_for_user


def _job_or_404(request: HttpRequest, job_id: uuid.UUID) -> Job:
    try:
        return job_get_for_user(user=request.user, job_id=job_id)
    except NotFound as error:
        raise Http404 from error


@login_required
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The page of one job: its title, its progress and, once finished, its outcome."""
    return render(request, "jobs/job_detail.html", {"job": _job_or_404(request, job_id)})


@login_required
def job_progress(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """The progress fragment, polled by htmx every second until the job has finished."""
    return render(request, "jobs/_progress.html", {"job": _job_or_404(request, job_id)})
