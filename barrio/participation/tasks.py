"""Long work of participation, run by task workers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from barrio.jobs.services import JobReporter, job_run
from barrio.participation.models import Election, PaperTally, PendingImport, PollingStation, Pot
from barrio.participation.services.imports import Progress, pending_file


@task()
def allocate_vote(
    job_id: str,
    election_id: int,
    user_id: int,
    rule: str,
    tie_breaking: str,
    seed: int,
    threshold: int | None,
) -> Any:
    """Decide the closed vote ``election_id`` by ``rule`` for the user who asked, as job
    ``job_id`` (see :func:`allocation_run_create`)."""
    from barrio.participation.services.allocation import RunSpec, allocation_run_create

    def work(reporter: JobReporter) -> dict[str, Any]:
        reporter.progress(0, 1)
        election = Election.objects.select_related("call__programme").get(pk=election_id)
        actor = get_user_model().objects.get(pk=user_id)
        spec = RunSpec(rule=rule, tie_breaking=tie_breaking, seed=seed, threshold=threshold)
        run = allocation_run_create(actor=actor, election=election, spec=spec)
        reporter.progress(1, 1)
        funded = run.results.filter(funded=True).count()
        summary = _("%(funded)s projects funded from %(voters)s ballots.") % {
            "funded": funded,
            "voters": run.voter_count,
        }
        return {"summary": summary, "run": run.pk}

    return job_run(job_id, work)


def _import(
    job_id: str, pending_id: int, work: Callable[[PendingImport, Path, Progress], Any]
) -> Any:
    """Run ``work`` on a pending file as the job ``job_id``, then delete the file whatever
    happened (it may hold personal data)."""

    def run(reporter: JobReporter) -> Any:
        pending = PendingImport.objects.select_related(
            "election__call__programme", "created_by"
        ).get(pk=pending_id)
        with pending_file(pending) as path:
            return work(pending, path, reporter.progress)

    try:
        return job_run(job_id, run)
    finally:
        PendingImport.objects.filter(pk=pending_id).delete()


@task()
def import_census_file(job_id: str, pending_id: int) -> Any:
    """Import the census file ``pending_id`` as the job ``job_id`` (see
    :func:`census_import`): every row checked, then the new people written."""
    from barrio.participation.services.census import census_import

    def work(pending: PendingImport, path: Path, progress: Progress) -> dict[str, Any]:
        done = census_import(
            actor=pending.created_by, election=pending.election, path=path, progress=progress
        )
        summary = _("%(added)s people added; %(unchanged)s were already on the census.") % {
            "added": done.added,
            "unchanged": done.unchanged,
        }
        return {
            "summary": summary,
            "rows": done.rows,
            "added": done.added,
            "unchanged": done.unchanged,
            "url": reverse("participation:census", args=[pending.election_id]),
        }

    return _import(job_id, pending_id, work)


@task()
def import_paper_file(job_id: str, pending_id: int) -> Any:
    """Import a station's paper table ``pending_id`` as the job ``job_id`` (see
    :func:`paper_entry_import`): the table checked, then the entry stored and compared."""
    from barrio.participation.services.paper import paper_entry_import

    def work(pending: PendingImport, path: Path, progress: Progress) -> dict[str, Any]:
        options = pending.options
        station = PollingStation.objects.get(pk=options["station"], election=pending.election)
        entry, tally = paper_entry_import(
            actor=pending.created_by,
            station=station,
            pot=Pot.objects.get(pk=options["pot"], election=pending.election),
            kind=options["kind"],
            path=path,
            file_name=pending.file_name,
            progress=progress,
        )
        if tally is None:
            summary = _("The first entry is saved; another official types the second.")
        elif tally.status == PaperTally.Status.COUNTED:
            summary = _("Both entries agree: the paper ballots are counted.")
        else:
            summary = _(
                "The two entries disagree; the agreeing sheets are counted, the rest "
                "await a supervisor."
            )
        return {
            "summary": summary,
            "entry": entry.pk,
            "sheets": entry.sheets,
            "tally": None if tally is None else tally.status,
            "url": reverse("participation:station", args=[pending.election_id, station.pk]),
        }

    return _import(job_id, pending_id, work)
