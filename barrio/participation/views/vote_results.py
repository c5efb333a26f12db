"""Public pages of a vote's published results: every project explained, CSV, pabulib file."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from barrio.participation.models import AllocationRule, AllocationRun, Election, Pot
from barrio.participation.selectors import allocation as outcomes
from barrio.participation.selectors import votes as selectors
from barrio.participation.views.votes import election_or_404, or_404


def _published(election: Election) -> AllocationRun:
    run = selectors.published_run(election)
    if run is None:
        raise Http404
    return run


def results(request: HttpRequest, election_id: int) -> HttpResponse:
    """The published results of a vote, every project explained, with a chart per pot."""
    election = election_or_404(request, election_id)
    run = _published(election)
    return render(
        request,
        "participation/votes/results.html",
        {
            "election": election,
            "run": run,
            "rule": AllocationRule(run.rule).label,
            "table": outcomes.result_table(run),
        },
    )


def result_project(request: HttpRequest, election_id: int, proposal_id: int) -> HttpResponse:
    """Why one project is funded or not, in plain words."""
    election = election_or_404(request, election_id)
    run = _published(election)
    # The project's row, and the chart of its pot with this project marked among the others.
    row, pot, rows = or_404(lambda: outcomes.result_for_proposal(run, proposal_id))
    return render(
        request,
        "participation/votes/result_project.html",
        {
            "election": election,
            "run": run,
            "rule": AllocationRule(run.rule).label,
            "row": row,
            "pot": pot,
            "rows": rows,
            "current": proposal_id,
        },
    )


def results_csv(request: HttpRequest, election_id: int) -> HttpResponse:
    """The published results as CSV: one row per project, with the explanation."""
    election = election_or_404(request, election_id)
    run = _published(election)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-{election.pk}-results.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "pot",
            "project_id",
            "reference",
            "title",
            "votes",
            "score",
            "cost_cents",
            "funded",
            "round",
            "reason",
            "explanation",
        ]
    )
    for pot, _budget, rows in outcomes.result_table(run):
        for row in rows:
            r = row.result
            writer.writerow(
                [
                    pot.name,
                    r.item.proposal_id,
                    r.item.proposal.reference,
                    r.item.proposal.title,
                    r.votes,
                    r.score,
                    r.cost_cents,
                    int(r.funded),
                    r.round or "",
                    r.reason,
                    row.sentence,
                ]
            )
    writer.writerow([])
    writer.writerow(["rule", run.rule])
    writer.writerow(["fingerprint", run.fingerprint])
    return response


def pot_pb(request: HttpRequest, election_id: int, pot_id: int) -> HttpResponse:
    """A pot's anonymised ballots as a pabulib file, with the rule and the funded projects."""
    election = election_or_404(request, election_id)
    run = _published(election)
    pot: Pot = or_404(lambda: selectors.pot_get(election=election, pot_id=pot_id))
    response = HttpResponse(outcomes.pot_pb(pot, run), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-{election.pk}-pot-{pot.pk}.pb"'
    return response
