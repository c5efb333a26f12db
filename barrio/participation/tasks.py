"""Long work of participation, run by task workers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django_tasks import task

from barrio.jobs.services import JobReporter, job_run
from barrio.participation.models import Election


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
