"""Running the real task worker inside a test."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management import call_command

from barrio.jobs.models import Job

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_worker() -> None:
    """Do the queued work as the task worker of `make run` does (``db_worker --batch``), in
    this process, until the queue is empty.

    The worker installs its own SIGINT, SIGTERM and SIGQUIT handlers, which end the process
    with status 0. Left in place, they would make a later signal end this pytest worker as if
    it had finished its share of the tests, and the run would report fewer tests, all passed.
    The test runner's handlers are put back.
    """
    saved = {number: signal.getsignal(number) for number in SIGNALS}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def queued_job(response: Any) -> Job:
    """The job a page answered with (a redirect to its page), still queued."""
    assert response.status_code == 302, response.content.decode()[:500]
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.status == Job.Status.QUEUED
    return job
