"""A real task-worker process runs jobs queued by the web side and records their outcome."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from barrio.jobs.models import Job
from barrio.jobs.services import job_start
from barrio.jobs.tests import tasks

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def _database_url() -> str:
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def _run_worker() -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _database_url()}
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def owner():
    return get_user_model().objects.create_user(username="ana@example.org", password="x-pass-1")


def test_worker_runs_job_and_records_progress_and_result(owner):
    """The worker process runs the queued job; its progress and result are stored."""
    job = job_start(
        actor=owner, kind="test.count", title="Count", task=tasks.count_to, arguments={"limit": 5}
    )
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    completed = _run_worker()
    assert completed.returncode == 0, completed.stderr
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result == {"summary": "Counted to 5.", "counted": 5}
    assert job.task_result_id


def test_worker_records_readable_errors_without_details(owner):
    """A domain error shows its message; an unexpected one shows nothing of its details."""
    refused = job_start(actor=owner, kind="t", title="Refuse", task=tasks.refuse, arguments={})
    crashed = job_start(actor=owner, kind="t", title="Crash", task=tasks.crash, arguments={})
    _run_worker()
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert refused.status == crashed.status == Job.Status.FAILED
    assert refused.error == "The file has 2 bad rows."
    assert crashed.error
    assert "Yusmary" not in crashed.error

    client = Client()
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[crashed.pk]))
    assert page.status_code == 200
    assert "Yusmary" not in page.content.decode()


def test_progress_fragment_polls_until_finished_and_page_survives_reload(owner):
    """While queued the fragment asks htmx to poll; once finished it stops polling."""
    job = job_start(
        actor=owner, kind="t", title="Count", task=tasks.count_to, arguments={"limit": 2}
    )
    client = Client()
    client.force_login(owner)
    fragment = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    _run_worker()
    for url in (reverse("jobs:detail", args=[job.pk]), reverse("jobs:progress", args=[job.pk])):
        body = client.get(url).content.decode()
        assert "hx-trigger" not in body
        assert 'value="100"' in body


def test_other_users_cannot_see_a_job(owner):
    """Another user gets 404 on the page and in the API, as if the job did not exist."""
    job = job_start(
        actor=owner, kind="t", title="Count", task=tasks.count_to, arguments={"limit": 1}
    )
    intruder = get_user_model().objects.create_user(username="eve@example.org", password="x-pass-2")
    client = Client()
    client.force_login(intruder)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    response = client.get(f"/api/v1/jobs/{job.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Client().get(f"/api/v1/jobs/{job.pk}").status_code == 401


def test_the_worker_run_in_a_test_leaves_the_runners_signal_handlers():
    """``run_worker`` runs ``db_worker`` in the test's process; the worker's own handlers
    (which exit with status 0) must not outlive it, or a signal would end a pytest worker
    quietly and its remaining tests would never run."""
    import signal

    from barrio.jobs.tests.worker import SIGNALS, run_worker

    before = {number: signal.getsignal(number) for number in SIGNALS}
    run_worker()
    assert {number: signal.getsignal(number) for number in SIGNALS} == before
