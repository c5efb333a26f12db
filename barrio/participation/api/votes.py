"""API of votes: set up, open and close a vote, cast a ballot, decide, compare, publish."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from barrio.errors import in_payload
from barrio.participation import services
from barrio.participation.models import AllocationRun, Election
from barrio.participation.selectors import allocation as outcomes
from barrio.participation.selectors import votes as selectors

router = Router(tags=["participation"])


class PotIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    budget_cents: int = Field(..., ge=1, le=10**15)
    unit_id: int | None = Field(None, ge=1, description="Empty: the whole programme.")


class VoteIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    opens_at: dt.datetime
    closes_at: dt.datetime
    ballot_kind: Literal["approval", "knapsack", "cumulative", "ranked"]
    rule: str = Field(..., max_length=30, description="One of the engine's rules (barrio-pb).")
    pots: list[PotIn] = Field(..., min_length=1, max_length=500)
    max_choices: int | None = Field(None, ge=1, le=1000)
    points: int | None = Field(None, ge=1, le=1_000_000)
    max_points_per_project: int | None = Field(None, ge=1, le=1_000_000)
    allow_change: bool = False
    tie_breaking: Literal["id", "equalshares"] = "id"
    seed: int = Field(0, ge=0, le=2**31 - 1)
    threshold: int | None = Field(None, ge=1, le=10**9)
    validation: str = Field(
        "signed_in_resident", max_length=30, description="Who may vote: signed_in_resident, census…"
    )


class ItemOut(Schema):
    proposal_id: int
    reference: str
    title: str
    cost_cents: int


class PotOut(Schema):
    id: int
    name: str
    unit_id: int | None
    budget_cents: int
    items: list[ItemOut]


class VoteOut(Schema):
    id: int
    call_id: int
    title: str
    status: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    ballot_kind: str
    max_choices: int | None
    points: int | None
    max_points_per_project: int | None
    allow_change: bool
    rule: str
    tie_breaking: str
    seed: int
    threshold: int | None
    validation: str
    currency: str
    pots: list[PotOut]


class ChoiceIn(Schema):
    proposal: int = Field(..., ge=1)
    value: int = Field(1, ge=0, le=1_000_000, description="1, the points, or the rank (1 first).")


class BallotIn(Schema):
    choices: list[ChoiceIn] = Field(..., max_length=1000)


class ReceiptOut(Schema):
    receipt: str
    changed: bool


class JobOut(Schema):
    job: str
    vote_status: str


class RunIn(Schema):
    rule: str = Field("", max_length=30, description="Empty: the vote's own rule.")
    tie_breaking: Literal["", "id", "equalshares"] = ""
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    threshold: int | None = Field(None, ge=1, le=10**9)


class RunOut(Schema):
    id: int
    rule: str
    status: str
    parameters: dict[str, Any]
    fingerprint: str
    voter_count: int
    total_cost_cents: int
    seconds: float
    created_at: dt.datetime
    approved_at: dt.datetime | None


class ResultOut(Schema):
    pot_id: int
    proposal_id: int
    title: str
    votes: int
    score: int
    cost_cents: int
    funded: bool
    round: int | None
    reason: str
    explanation: str
    details: dict[str, Any]


class RunDetailOut(RunOut):
    results: list[ResultOut]


class PotFiguresOut(Schema):
    pot_id: int
    funded: int
    funded_cents: int


class SummaryOut(Schema):
    run: int
    rule: str
    funded: int
    total_cents: int
    voters: int
    voters_with_a_winner: int
    share_with_a_winner: float
    pots: list[PotFiguresOut]


def _vote_out(election: Election) -> VoteOut:
    pots = [
        PotOut(
            id=pot.pk,
            name=pot.name,
            unit_id=pot.unit_id,
            budget_cents=pot.budget_cents,
            items=[
                ItemOut(
                    proposal_id=item.proposal_id,
                    reference=item.proposal.reference,
                    title=item.proposal.title,
                    cost_cents=item.cost_cents,
                )
                for item in selectors.ballot_items(pot)
            ],
        )
        for pot in election.pots.all()
    ]
    return VoteOut(
        id=election.pk,
        call_id=election.call_id,
        title=election.title,
        status=election.status,
        opens_at=election.opens_at,
        closes_at=election.closes_at,
        ballot_kind=election.ballot_kind,
        max_choices=election.max_choices,
        points=election.points,
        max_points_per_project=election.max_points_per_project,
        allow_change=election.allow_change,
        rule=election.rule,
        tie_breaking=election.tie_breaking,
        seed=election.seed,
        threshold=election.threshold,
        validation=election.validation,
        currency=election.call.programme.currency,
        pots=pots,
    )


def _run_out(run: AllocationRun) -> RunOut:
    return RunOut(
        id=run.pk,
        rule=run.rule,
        status=run.status,
        parameters=run.parameters,
        fingerprint=run.fingerprint,
        voter_count=run.voter_count,
        total_cost_cents=run.total_cost_cents,
        seconds=run.seconds,
        created_at=run.created_at,
        approved_at=run.approved_at,
    )


def _run_detail(run: AllocationRun) -> RunDetailOut:
    results = [
        ResultOut(
            pot_id=pot.pk,
            proposal_id=row.result.item.proposal_id,
            title=row.result.item.proposal.title,
            votes=row.result.votes,
            score=row.result.score,
            cost_cents=row.result.cost_cents,
            funded=row.result.funded,
            round=row.result.round,
            reason=row.result.reason,
            explanation=row.sentence,
            details=row.result.explanation,
        )
        for pot, _budget, rows in outcomes.result_table(run)
        for row in rows
    ]
    return RunDetailOut(**_run_out(run).dict(), results=results)


def _election(request: HttpRequest, vote_id: int) -> Election:
    return selectors.election_get_for_user(user=request.user, election_id=vote_id)


@router.get("/calls/{call_id}/votes", response=list[VoteOut], auth=None, summary="List votes")
def vote_list(request: HttpRequest, call_id: int) -> list[VoteOut]:
    """The votes of a call: drafts only for the programme's staff."""
    call = selectors.call_for_votes(user=request.user, call_id=call_id)
    return [_vote_out(e) for e in selectors.election_list_for_user(user=request.user, call=call)]


@router.post("/calls/{call_id}/votes", response={201: VoteOut}, summary="Set up a vote")
def vote_create(request: HttpRequest, call_id: int, payload: VoteIn) -> Status[VoteOut]:
    """Create a draft vote of the call with its pots (a programme manager)."""
    call = selectors.call_for_votes(user=request.user, call_id=call_id)
    data = payload.dict()
    spec = services.VoteSpec(
        **{**data, "pots": tuple(services.PotSpec(**pot) for pot in data["pots"])}
    )
    election = in_payload(lambda: services.vote_create(actor=request.user, call=call, spec=spec))
    return Status(201, _vote_out(election))


@router.get("/votes/{vote_id}", response=VoteOut, auth=None, summary="Read a vote")
def vote_detail(request: HttpRequest, vote_id: int) -> VoteOut:
    """A vote with its pots and the projects on each ballot."""
    return _vote_out(_election(request, vote_id))


@router.post("/votes/{vote_id}/open", response=VoteOut, summary="Open a vote")
def vote_open(request: HttpRequest, vote_id: int) -> VoteOut:
    """Open a draft vote: the pots' approved proposals go on the ballot."""
    election = services.vote_open(actor=request.user, election=_election(request, vote_id))
    return _vote_out(election)


@router.post("/votes/{vote_id}/close", response={202: JobOut}, summary="Close a vote")
def vote_close(request: HttpRequest, vote_id: int) -> Status[JobOut]:
    """Close a vote whose period is over and queue the run of its rule; follow the job."""
    election, job = services.vote_close_and_allocate(
        actor=request.user, election=_election(request, vote_id)
    )
    return Status(202, JobOut(job=str(job.pk), vote_status=election.status))


@router.post(
    "/votes/{vote_id}/pots/{pot_id}/ballots", response={201: ReceiptOut}, summary="Cast a ballot"
)
def ballot_cast(
    request: HttpRequest, vote_id: int, pot_id: int, payload: BallotIn
) -> Status[ReceiptOut]:
    """Cast (or, where allowed, replace) the caller's ballot in a pot; returns the receipt."""
    pot = selectors.pot_get(election=_election(request, vote_id), pot_id=pot_id)
    choices = [services.Choice(c.proposal, c.value) for c in payload.choices]
    cast = in_payload(lambda: services.ballot_cast(actor=request.user, pot=pot, choices=choices))
    return Status(201, ReceiptOut(receipt=cast.receipt, changed=cast.changed))


@router.get("/votes/{vote_id}/runs", response=list[RunOut], auth=None, summary="List runs")
def allocation_run_list(request: HttpRequest, vote_id: int) -> list[RunOut]:
    """A vote's allocation runs: all for the staff, the approved one for everyone else."""
    election = _election(request, vote_id)
    return [_run_out(r) for r in selectors.run_list_for_user(user=request.user, election=election)]


@router.post("/votes/{vote_id}/runs", response={202: JobOut}, summary="Decide a closed vote")
def allocation_run_start(request: HttpRequest, vote_id: int, payload: RunIn) -> Status[JobOut]:
    """Queue a run of a rule (the vote's own by default) over the closed vote's ballots."""
    election = _election(request, vote_id)
    spec = services.RunSpec(**payload.dict())
    job = in_payload(
        lambda: services.allocation_run_start(actor=request.user, election=election, spec=spec)
    )
    return Status(202, JobOut(job=str(job.pk), vote_status=election.status))


@router.get("/votes/{vote_id}/runs/compare", response=list[SummaryOut], summary="Compare two runs")
def allocation_run_compare(request: HttpRequest, vote_id: int, a: int, b: int) -> list[SummaryOut]:
    """Two runs' projects, money per pot and share of voters with a funded project."""
    election = _election(request, vote_id)
    summaries = []
    for run_id in (a, b):
        run = selectors.run_get_for_user(user=request.user, election=election, run_id=run_id)
        s = outcomes.run_summary(run)
        summaries.append(
            SummaryOut(
                run=run.pk,
                rule=run.rule,
                funded=s.funded,
                total_cents=s.total_cents,
                voters=s.voters,
                voters_with_a_winner=s.voters_with_a_winner,
                share_with_a_winner=s.share_with_a_winner,
                pots=[
                    PotFiguresOut(pot_id=p.pk, funded=n, funded_cents=m) for p, n, m in s.per_pot
                ],
            )
        )
    return summaries


@router.get(
    "/votes/{vote_id}/runs/{run_id}", response=RunDetailOut, auth=None, summary="Read a run"
)
def allocation_run_detail(request: HttpRequest, vote_id: int, run_id: int) -> RunDetailOut:
    """A run with every project's outcome and its explanation in the caller's language."""
    election = _election(request, vote_id)
    return _run_detail(
        selectors.run_get_for_user(user=request.user, election=election, run_id=run_id)
    )


@router.post("/votes/{vote_id}/runs/{run_id}/approve", response=RunOut, summary="Approve a run")
def allocation_run_approve(request: HttpRequest, vote_id: int, run_id: int) -> RunOut:
    """Approve a draft run and publish it (a manager other than who ran it)."""
    election = _election(request, vote_id)
    run = selectors.run_get_for_user(user=request.user, election=election, run_id=run_id)
    return _run_out(services.allocation_run_approve(actor=request.user, run=run))
