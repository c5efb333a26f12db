"""Long work of the registry, run by task workers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from barrio.jobs.services import JobReporter, job_run
from barrio.registry.models import ImportBatch, ReconciliationImport
from barrio.registry.models.messages import MessageCampaign
from barrio.registry.services import import_batch_run
from barrio.registry.services.messages import message_campaign_send
from barrio.registry.services.reconciliation import reconciliation_import_run


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


# Reconciliation with a provider's result file.


@task()
def run_reconciliation(job_id: str, import_id: int, user_id: int) -> Any:
    """Check and apply the result file ``import_id`` for the user who sent it, as job
    ``job_id`` (see :func:`reconciliation_import_run`). The stored file is dropped whatever
    happened, even on an unexpected error (then the import is marked rejected)."""

    def work(reporter: JobReporter) -> dict[str, Any]:
        record = ReconciliationImport.objects.select_related("programme").get(pk=import_id)
        actor = get_user_model().objects.get(pk=user_id)
        done = reconciliation_import_run(record=record, actor=actor, progress=reporter.progress)
        counts = {"rows": done.row_count, "changed": done.changed_count}
        summary = _("%(rows)s rows read, %(changed)s payments changed.") % counts
        url = reverse("registry:reconciliation_import", args=[record.programme.slug, import_id])
        return {"summary": summary, "import": import_id, "url": url, **counts}

    try:
        return job_run(job_id, work)
    finally:
        left = ReconciliationImport.objects.filter(pk=import_id)
        left.filter(status=ReconciliationImport.Status.RECEIVED).update(
            status=ReconciliationImport.Status.REJECTED
        )
        left.update(payload="")
