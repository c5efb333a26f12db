"""Long work of the registry, run by task workers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from barrio.jobs.services import JobReporter, job_run
from barrio.registry.models import ImportBatch
from barrio.registry.models.messages import MessageCampaign
from barrio.registry.services import import_batch_run
from barrio.registry.services.messages import message_campaign_send


@task()
def run_import(job_id: str, batch_id: int, user_id: int, apply: bool) -> Any:
    """Check (or apply) the import ``batch_id`` for the user who sent it, as job ``job_id``."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        batch = ImportBatch.objects.select_related("programme", "mapping").get(pk=batch_id)
        actor = get_user_model().objects.get(pk=user_id)
        report = import_batch_run(batch=batch, actor=actor, apply=apply, progress=reporter.progress)
        counts = report.as_dict()
        if report.applied:
            summary = _(
                "%(households_new)s households and %(people_new)s people added; "
                "%(households_already_imported)s households were already imported."
            )
        else:
            summary = _(
                "Checked: %(households_new)s households and %(people_new)s people would be "
                "added; %(households_already_imported)s are already imported; "
                "%(probable_duplicates)s people are probably registered already."
            )
        url = reverse("registry:import_batch", args=[batch_id])
        return {"summary": summary % counts, "batch": batch_id, "url": url, **counts}

    return job_run(job_id, work)


# Messages to beneficiaries (issue 10 part B).


@task()
def send_campaign(job_id: str, campaign_id: int) -> Any:
    """Send the queued messages of campaign ``campaign_id`` as job ``job_id``."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        campaign = MessageCampaign.objects.get(pk=campaign_id)
        counts = message_campaign_send(campaign=campaign, reporter=reporter)
        summary = _("%(sent)s messages sent, %(failed)s failed.") % counts
        url = reverse("registry:campaign", args=[campaign_id])
        return {"summary": summary, "url": url, **counts}

    return job_run(job_id, work)
