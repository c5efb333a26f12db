"""Read queries of jobs."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser, User

from barrio.errors import NotFound
from barrio.jobs.models import Job
from barrio.jobs.permissions import can_view_job


def job_get_for_user(*, user: User | AnonymousUser, job_id: uuid.UUID | str) -> Job:
    """Return the job ``job_id`` if ``user`` may see it.

    Raises :class:`NotFound` both when it does not exist and when the user may not see it,
    so that ids of other people's work cannot be probed.
    """
    try:
        job = Job.objects.get(pk=job_id)
    except (Job.DoesNotExist, ValueError) as error:
        raise NotFound() from error
    if not can_view_job(user, job):
        raise NotFound()
    return job
