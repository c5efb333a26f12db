"""API of background jobs: how far a piece of long work has got, and its outcome."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from barrio.jobs.selectors import job_get_for_user

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result: Any = None
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


@router.get("/{job_id}", response=JobOut, summary="Get a job")
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> JobOut:
    """Progress (done of total, message) and the result or error of one of the caller's jobs."""
    return JobOut.from_orm(job_get_for_user(user=request.user, job_id=job_id))
