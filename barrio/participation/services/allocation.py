"""Allocation runs: decide a closed vote's pots with the engine, approve one, publish it.

A run reads each pot's stored ballots as the engine's compact profile
(:func:`~barrio.participation.selectors.votes.pot_election`), runs the rule, and stores the
rule, its parameters, the fingerprint of its inputs and one result per project with the
engine's explanation. A run is approved, as targeting runs are, by a programme manager
other than who ran it, after checking that its inputs have not changed; the approved run is
the published result, and the proposals become selected or not selected.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action
from barrio.core.fingerprint import fingerprint
from barrio.core.pb import Outcome, ProjectExplanation, TieBreaking, decide, load_rule
from barrio.errors import Conflict, ValidationFailed
from barrio.jobs.services import job_start
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    AllocationResult,
    AllocationRule,
    AllocationRun,
    Election,
    Pot,
    Proposal,
)
from barrio.participation.selectors.votes import PotElection, pot_election
from barrio.participation.services.lifecycle import record_transition
from barrio.participation.services.paper import count_rule_errors
from barrio.participation.services.votes import require_manager, rule_errors, vote_close

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.jobs.models import Job

__all__ = [
    "RunSpec",
    "allocation_run_approve",
    "allocation_run_create",
    "allocation_run_start",
    "vote_close_and_allocate",
]


@dataclass(frozen=True)
class RunSpec:
    """A rule and its parameters; empty fields take the vote's own."""

    rule: str = ""
    tie_breaking: str = ""
    seed: int | None = None
    threshold: int | None = None


def parameters_of(election: Election, spec: RunSpec) -> dict[str, Any]:
    """The rule and parameters a run uses: the spec's, else the vote's. Raises
    :class:`ValidationFailed` naming a rule or parameter that does not fit the ballots."""
    rule = spec.rule or election.rule
    params: dict[str, Any] = {
        "rule": rule,
        "tie_breaking": spec.tie_breaking or election.tie_breaking,
        "seed": election.seed if spec.seed is None else spec.seed,
        "threshold": election.threshold if spec.threshold is None else spec.threshold,
    }
    errors = rule_errors(ballot_kind=election.ballot_kind, **params)
    errors += count_rule_errors(election, rule)  # stations' totals need a greedy rule
    if errors:
        raise ValidationFailed(errors=errors)
    return params


def _pot_data(election: Election) -> list[tuple[Pot, PotElection | None]]:
    data: list[tuple[Pot, PotElection | None]] = []
    for pot in election.pots.select_related("unit", "election__call__programme"):
        try:
            data.append((pot, pot_election(pot)))
        except ValueError:
            data.append((pot, None))  # no ballot in this pot
    return data


def inputs_fingerprint(
    election: Election, params: dict[str, Any], pots: list[tuple[Pot, PotElection | None]]
) -> str:
    """The fingerprint of a run's inputs: rule, parameters, ballot kind, each pot's budget,
    projects, costs and its distinct ballots with their multiplicities."""
    per_pot: list[dict[str, Any]] = []
    for pot, data in pots:
        if data is None:
            per_pot.append({"pot": pot.pk, "budget": pot.budget_cents, "ballots": None})
            continue
        profile = data.profile
        codes = [str(row) for row in range(profile.num_ballots)]
        values = {
            f"p{pid}": profile.points[:, j] for j, pid in enumerate(data.instance.project_ids)
        }
        values["multiplicity"] = profile.multiplicity
        per_pot.append(
            {
                "pot": pot.pk,
                "budget": int(data.instance.budget),
                "projects": list(data.instance.project_ids),
                "costs": [int(c) for c in data.instance.costs],
                "ballots": fingerprint({"kind": election.ballot_kind}, codes, values),
            }
        )
    config = {"params": params, "ballot_kind": election.ballot_kind, "pots": per_pot}
    return fingerprint(config, [], {})


def _plain(value: Any) -> Any:
    """JSON-ready: exact fractions as ``"p/q"`` text, tuples as lists."""
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _decide(params: dict[str, Any], data: PotElection) -> Outcome:
    return decide(
        params["rule"],
        data.instance,
        data.profile,
        tie_breaking=TieBreaking(params["tie_breaking"], params["seed"]),
        threshold=params["threshold"],
    )


@transaction.atomic
def allocation_run_create(
    *, actor: User | AnonymousUser, election: Election, spec: RunSpec | None = None
) -> AllocationRun:
    """Decide every pot of a closed vote with the rule and store the run as a draft.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` runs allocations over the whole programme.
    Conflict
        When the vote is not closed yet.
    ValidationFailed
        When the rule or its parameters do not fit the vote's ballots.
    """
    election = Election.objects.select_related("call__programme").get(pk=election.pk)
    manager = require_manager(actor, election.call, Action.ALLOCATION_RUN)
    if election.status not in (Election.Status.CLOSED, Election.Status.PUBLISHED):
        raise Conflict(_("A vote is decided once it is closed."), code="not_closed")
    params = parameters_of(election, spec or RunSpec())
    pots = _pot_data(election)
    load_rule(params["rule"])  # a worker's first MES run would time numba's loading too
    started = time.perf_counter()
    outcomes = [(pot, data, None if data is None else _decide(params, data)) for pot, data in pots]
    seconds = time.perf_counter() - started
    run = AllocationRun.objects.create(
        election=election,
        rule=params["rule"],
        parameters=params,
        fingerprint=inputs_fingerprint(election, params, pots),
        voter_count=sum(0 if data is None else data.ballots for _pot, data in pots),
        total_cost_cents=sum(int(o.total_cost) for _p, _d, o in outcomes if o is not None),
        seconds=seconds,
        created_by=manager,
    )
    results = []
    for pot, data, outcome in outcomes:
        if data is None or outcome is None:
            items = list(pot.items.all())
            explanations = [
                ProjectExplanation(str(i.proposal_id), i.cost_cents, 0, 0, "no-support")
                for i in items
            ]
        else:
            items, explanations = data.items, list(outcome.explanations)
        for item, explanation in zip(items, explanations, strict=True):
            results.append(
                AllocationResult(
                    run=run,
                    item=item,
                    votes=explanation.votes,
                    score=explanation.score,
                    cost_cents=item.cost_cents,
                    funded=explanation.reason == "funded",
                    round=explanation.round,
                    reason=explanation.reason,
                    explanation=_plain(asdict(explanation)),
                )
            )
    AllocationResult.objects.bulk_create(results)
    return run


def allocation_run_start(
    *, actor: User | AnonymousUser, election: Election, spec: RunSpec | None = None
) -> Job:
    """Check the request and hand the run to a task worker; return the job to follow.

    Raises as :func:`allocation_run_create` does, before anything is queued.
    """
    from barrio.participation.tasks import allocate_vote

    require_manager(actor, election.call, Action.ALLOCATION_RUN)
    if election.status not in (Election.Status.CLOSED, Election.Status.PUBLISHED):
        raise Conflict(_("A vote is decided once it is closed."), code="not_closed")
    spec = spec or RunSpec()
    params = parameters_of(election, spec)
    return job_start(
        actor=actor,
        kind="participation.allocation",
        title=_("Allocation of %(vote)s by %(rule)s")
        % {
            "vote": election.title,
            "rule": AllocationRule(params["rule"]).label,
        },
        task=allocate_vote,
        arguments={
            "election_id": election.pk,
            "user_id": actor.pk,
            "rule": params["rule"],
            "tie_breaking": params["tie_breaking"],
            "seed": params["seed"],
            "threshold": params["threshold"],
        },
    )


@transaction.atomic
def vote_close_and_allocate(
    *, actor: User | AnonymousUser, election: Election
) -> tuple[Election, Job]:
    """Close the vote (see :func:`vote_close`) and start the run of its own rule."""
    closed = vote_close(actor=actor, election=election)
    return closed, allocation_run_start(actor=actor, election=closed)


@transaction.atomic
def allocation_run_approve(*, actor: User | AnonymousUser, run: AllocationRun) -> AllocationRun:
    """Approve a draft run and publish it: its funded proposals become selected.

    Only a programme manager of the whole programme approves, and not the person who ran
    it (four eyes). The run's inputs are read again and must have the same fingerprint.

    Raises
    ------
    NotAuthenticated, PermissionDenied
    Conflict
        When the vote already has an approved run, the run was made by the actor, or the
        inputs changed since it was run (``inputs_changed``: run it again first).
    """
    run = (
        AllocationRun.objects.select_for_update(of=("self",))
        .select_related("election__call__programme")
        .get(pk=run.pk)
    )
    election = run.election
    manager = require_manager(actor, election.call, Action.ALLOCATION_APPROVE)
    if run.status == AllocationRun.Status.APPROVED or election.status != Election.Status.CLOSED:
        raise Conflict(_("This vote's results are already published."), code="already_approved")
    run.check_four_eyes(
        manager, _("A run is approved by someone other than the person who ran it.")
    )
    params = dict(run.parameters)
    if inputs_fingerprint(election, params, _pot_data(election)) != run.fingerprint:
        raise Conflict(
            _("The ballots of this vote changed since it was run; run it again."),
            code="inputs_changed",
        )
    run.mark_approved(manager)
    funded = set(run.results.filter(funded=True).values_list("item__proposal_id", flat=True))
    proposals = (
        Proposal.objects.select_for_update(of=("self",))
        .filter(ballot_items__pot__election=election, status=ProposalStatus.ON_BALLOT)
        .select_related("call__programme", "group")
    )
    for proposal in proposals:
        to_status = (
            ProposalStatus.SELECTED if proposal.pk in funded else ProposalStatus.NOT_SELECTED
        )
        record_transition(actor=manager, proposal=proposal, to_status=to_status)
    election.status = Election.Status.PUBLISHED
    election.save(update_fields=["status", "updated_at"])
    return run
