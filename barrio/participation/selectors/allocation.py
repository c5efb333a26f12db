"""Read queries of allocation runs: each project's outcome in plain words, two runs compared,
the results table and the anonymised ballots as a pabulib file."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from barrio.core.pb import PbElection, PbProject, PbVote, format_pb
from barrio.errors import NotFound
from barrio.money import format_cents
from barrio.participation.models import (
    AllocationResult,
    AllocationRun,
    Ballot,
    BallotChoice,
    BallotKind,
    Pot,
)
from barrio.participation.selectors.votes import ballot_items, result_rows


def _money(value: Any, currency: str) -> str:
    """Format an amount in cents (an int or an exact fraction written ``"p/q"``)."""
    cents = Fraction(str(value))
    return format_cents(round(cents), currency)


def _short_of_a_share(voters: int, amount: Any, currency: str) -> str:
    """Say what the supporters who could not pay a full share of a funded project gave:
    all they had left (``amount`` together), or nothing, their money gone on earlier rounds."""
    if Fraction(str(amount)) == 0:
        return ngettext(
            "%(others)s supporter had no money left: it went to the projects funded before.",
            "%(others)s supporters had no money left: it went to the projects funded before.",
            voters,
        ) % {"others": voters}
    return ngettext(
        "%(others)s supporter could not pay a full share and gave all they had left: %(rest)s.",
        "%(others)s supporters could not pay a full share and gave all they had left: "
        "%(rest)s in all.",
        voters,
    ) % {"others": voters, "rest": _money(amount, currency)}


def explain(result: AllocationResult, currency: str, threshold: int | None = None) -> str:
    """Say in plain words, in the active language, why a project is funded or not.

    Worded from the engine's explanation stored with the result (its reason and figures).
    """
    data = result.explanation
    votes = result.votes
    cost = format_cents(result.cost_cents, currency)
    reason = result.reason
    if reason == "funded":
        text = _(
            "Funded in round %(round)s: %(votes)s residents voted for it and it costs %(cost)s."
        ) % {"round": result.round, "votes": votes, "cost": cost}
        shares = data.get("shares") or []
        others = data.get("partial_voters") or 0
        if len(shares) == 1 and not others:
            text += " " + _("Each of its %(voters)s supporters paid %(amount)s of it.") % {
                "voters": shares[0]["voters"],
                "amount": _money(shares[0]["amount"], currency),
            }
        elif len(shares) == 1:
            text += " " + _("%(voters)s of its supporters paid %(amount)s each.") % {
                "voters": shares[0]["voters"],
                "amount": _money(shares[0]["amount"], currency),
            }
        elif shares:
            text += " " + _(
                "Its supporters shared its cost: each paid according to the points they gave."
            )
        if others:
            text += " " + _short_of_a_share(others, data.get("partial_amount") or 0, currency)
        return text
    if votes == 0:
        # Whatever step left it out, the reason a resident needs is this one.
        return _("Not funded: nobody voted for it.")
    if reason == "did-not-fit":
        remaining = data.get("remaining_budget")
        if remaining is not None:
            return _(
                "Not funded: %(votes)s residents voted for it, but when its turn came only "
                "%(left)s were left, less than its cost of %(cost)s."
            ) % {"votes": votes, "left": _money(remaining, currency), "cost": cost}
        return _(
            "Not funded: %(votes)s residents voted for it, but its cost of %(cost)s did not "
            "fit in the money left."
        ) % {"votes": votes, "cost": cost}
    if reason == "mes-unaffordable":
        return _(
            "Not funded: its %(votes)s supporters had %(money)s left among them; to pay its "
            "cost of %(cost)s each would have had to give %(needed)s, more than their equal "
            "share."
        ) % {
            "votes": votes,
            "money": _money(data.get("supporters_money") or 0, currency),
            "cost": cost,
            "needed": _money(data.get("needed_per_supporter") or 0, currency),
        }
    if reason == "below-threshold":
        return _("Not funded: it got %(votes)s votes, fewer than the minimum of %(threshold)s.") % {
            "votes": votes,
            "threshold": threshold,
        }
    if reason == "stopped":
        return _(
            "Not funded: this rule stops at the first project that does not fit the money left, "
            "and a project with more votes did not fit."
        )
    if reason == "not-chosen":
        return _(
            "Not funded: the comparison with the most-votes outcome chose an outcome without it."
        )
    return _("Not funded: nobody voted for it.")


@dataclass(frozen=True)
class RunSummary:
    """What a manager compares between two runs."""

    run: AllocationRun
    funded: int
    total_cents: int
    per_pot: list[tuple[Pot, int, int]]  # pot, projects funded, money funded (cents)
    voters_with_a_winner: int
    voters: int

    @property
    def share_with_a_winner(self) -> float:
        """The share of voters with at least one funded project among their choices."""
        return self.voters_with_a_winner / self.voters if self.voters else 0.0


def run_summary(run: AllocationRun) -> RunSummary:
    """Count a run's funded projects and money per pot, and the voters it satisfies."""
    pots = list(run.election.pots.select_related("unit"))
    rows = list(run.results.values_list("item__pot_id", "item_id", "funded", "cost_cents"))
    funded_items = np.array([item for _p, item, funded, _c in rows if funded], dtype=np.int64)
    per_pot = []
    for pot in pots:
        mine = [(funded, cost) for pot_id, _i, funded, cost in rows if pot_id == pot.pk]
        per_pot.append((pot, sum(1 for f, _c in mine if f), sum(c for f, c in mine if f)))
    choices = np.array(
        list(
            BallotChoice.objects.filter(ballot__pot__election=run.election).values_list(
                "ballot_id", "item_id"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    happy = np.unique(choices[np.isin(choices[:, 1], funded_items), 0]).size
    voters = Ballot.objects.filter(pot__election=run.election).count()
    return RunSummary(
        run=run,
        funded=len(funded_items),
        total_cents=sum(money for _p, _n, money in per_pot),
        per_pot=per_pot,
        voters_with_a_winner=int(happy),
        voters=voters,
    )


@dataclass(frozen=True)
class ResultRow:
    """One project of a published (or draft) run, worded for residents."""

    result: AllocationResult
    sentence: str
    cost: str
    votes_percent: int  # bar length in the chart, of the most-voted project's votes
    cost_percent: int  # bar length in the chart, of the pot's budget


def result_table(run: AllocationRun) -> list[tuple[Pot, str, list[ResultRow]]]:
    """Per pot (with its budget worded), the run's projects funded first, each explained."""
    election = run.election
    currency = election.call.programme.currency
    threshold = run.parameters.get("threshold")
    by_pot: dict[int, list[AllocationResult]] = {}
    pots: dict[int, Pot] = {}
    for result in result_rows(run):
        pot = result.item.pot
        pots[pot.pk] = pot
        by_pot.setdefault(pot.pk, []).append(result)
    table = []
    for pot_id, results in by_pot.items():
        pot = pots[pot_id]
        most = max((r.votes for r in results), default=0) or 1
        rows = [
            ResultRow(
                result=r,
                sentence=explain(r, currency, threshold),
                cost=format_cents(r.cost_cents, currency),
                votes_percent=round(100 * r.votes / most),
                cost_percent=min(100, round(100 * r.cost_cents / pot.budget_cents)),
            )
            for r in results
        ]
        table.append((pot, format_cents(pot.budget_cents, currency), rows))
    return table


def result_for_proposal(
    run: AllocationRun, proposal_id: int
) -> tuple[ResultRow, Pot, list[ResultRow]]:
    """One project's row of a run, with its pot and the rows of that pot (for the chart), or
    :class:`NotFound`."""
    for pot, _budget, rows in result_table(run):
        for row in rows:
            if row.result.item.proposal_id == proposal_id:
                return row, pot, rows
    raise NotFound()


#: The META ``rule`` pabulib writes for each of the engine's rules.
PB_RULE = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "mes": "equalshares",
    "mes-add1": "equalshares/add1",
    "mes-add1-greedy": "equalshares/add1-greedy",
    "mes-add1-comparison": "equalshares/add1-comparison",
    "phragmen": "phragmen",
}

#: The pabulib ``vote_type`` of each ballot kind.
PB_VOTE_TYPE = {
    BallotKind.APPROVAL: "approval",
    BallotKind.KNAPSACK: "approval",
    BallotKind.CUMULATIVE: "cumulative",
    BallotKind.RANKED: "ordinal",
}


def pot_pb(pot: Pot, run: AllocationRun) -> str:
    """The pot's anonymised ballots as a pabulib ``.pb`` file with the run's outcome.

    Costs and the budget are in cents, as the run counted them; META carries the rule (in
    pabulib's words and, as ``barrio_rule``, the engine's name with its parameters), and the
    ``selected`` column marks the funded projects, so that recomputing gives the published
    result. Voters are numbered in the ballots' random order: nothing links them to people.
    """
    election = pot.election
    items = list(ballot_items(pot))
    column = {item.pk: j for j, item in enumerate(items)}
    funded = dict(run.results.filter(item__pot=pot).values_list("item_id", "funded"))
    votes = dict(run.results.filter(item__pot=pot).values_list("item_id", "votes"))
    vote_type = PB_VOTE_TYPE[BallotKind(election.ballot_kind)]
    choices: dict[int, list[tuple[int, int]]] = {}
    rows = BallotChoice.objects.filter(ballot__pot=pot).values_list("ballot_id", "item_id", "value")
    for ballot_id, item_id, value in rows.order_by("ballot_id", "value", "item_id"):
        choices.setdefault(ballot_id, []).append((column[item_id], value))
    pb_votes = []
    for number, ballot_id in enumerate(
        Ballot.objects.filter(pot=pot).order_by("id").values_list("id", flat=True), start=1
    ):
        chosen = choices.get(ballot_id, [])
        if vote_type == "ordinal":
            chosen.sort(key=lambda pair: pair[1])
        pb_votes.append(
            PbVote(
                str(number),
                tuple(p for p, _v in chosen),
                tuple(v for _p, v in chosen) if vote_type == "cumulative" else None,
                (),
            )
        )
    projects = tuple(
        PbProject(
            str(item.proposal_id),
            item.cost_cents,
            (
                ("project_id", str(item.proposal_id)),
                ("cost", str(item.cost_cents)),
                ("votes", str(votes.get(item.pk, 0))),
                ("name", item.proposal.title),
                ("selected", "1" if funded.get(item.pk) else "0"),
            ),
        )
        for item in items
    )
    programme = election.call.programme
    meta = [
        ("description", f"{election.title}: {pot.name}"),
        ("country", programme.country),
        ("unit", pot.unit.name if pot.unit else programme.name),
        ("instance", f"{election.call.slug}-{election.pk}-{pot.pk}"),
        ("num_projects", str(len(projects))),
        ("num_votes", str(len(pb_votes))),
        ("budget", str(pot.budget_cents)),
        ("vote_type", vote_type),
        ("rule", PB_RULE[run.rule]),
        ("barrio_rule", run.rule),
        ("tie_breaking", str(run.parameters.get("tie_breaking", "id"))),
        ("currency", f"{programme.currency} cents"),
        ("date_begin", election.opens_at.date().isoformat()),
        ("date_end", election.closes_at.date().isoformat()),
    ]
    if election.max_choices and vote_type in ("approval", "ordinal"):
        meta.append(("max_length", str(election.max_choices)))
    if vote_type == "cumulative" and election.points:
        meta.append(("max_sum_points", str(election.points)))
    if election.ballot_kind == BallotKind.KNAPSACK:
        meta.append(("max_sum_cost", str(pot.budget_cents)))
    if run.parameters.get("threshold"):
        meta.append(("min_project_score_threshold", str(run.parameters["threshold"])))
    pb = PbElection(
        tuple(meta),
        pot.budget_cents,
        vote_type,
        projects,
        ("project_id", "cost", "votes", "name", "selected"),
        tuple(pb_votes),
        ("voter_id", "vote", "points") if vote_type == "cumulative" else ("voter_id", "vote"),
    )
    return format_pb(pb)
