"""A job's messages are written in the language of whoever started it, not the worker's."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from barrio.jobs.models import Job
from barrio.jobs.services import job_run, job_start
from barrio.jobs.tests import tasks

pytestmark = pytest.mark.django_db


def test_the_worker_writes_in_the_language_of_who_started_the_job():
    with translation.override("pt"):
        job = job_start(
            actor=None, kind="test.count", title="Count", task=tasks.count_to, arguments={}
        )
    assert Job.objects.get(pk=job.pk).language == "pt"
    with translation.override("en"):  # what a worker thread happens to have
        result = job_run(str(job.pk), lambda reporter: {"summary": gettext("Programme")})
        assert translation.get_language() == "en"
    assert result == {"summary": "Programa"}
