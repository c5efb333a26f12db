"""Who may see a job: whoever started it, and administrators."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from barrio.jobs.models import Job


def can_view_job(user: User | AnonymousUser, job: Job) -> bool:
    """Tell whether ``user`` may follow the progress and see the outcome of ``job``."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return job.created_by_id == user.pk
