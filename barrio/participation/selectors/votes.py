"""Read queries of votes, ballots and allocation runs; each takes the acting user.

A draft vote and a draft run are the programme staff's working material; an open, closed
or published vote, and an approved run, are public in a public programme (and for anyone
with a role in it). The engine's input is read here as arrays (:func:`pot_election`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, active_grants, may
from barrio.core.pb import Instance, Profile
from barrio.errors import NotFound
from barrio.money import format_cents
from barrio.participation.models import (
    AllocationResult,
    AllocationRun,
    Ballot,
    BallotChoice,
    BallotItem,
    BallotKind,
    Call,
    Election,
    Pot,
    Voter,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.accounts.models import Programme


def may_manage_votes(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` sets up, opens and closes the programme's votes."""
    return may(user, Action.VOTE_MANAGE, programme=programme)


def may_see_vote_drafts(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` reads draft votes and draft runs of the programme."""
    return may(user, Action.VOTE_STAFF_VIEW, programme=programme)


def _may_see_programme(user: User | AnonymousUser, programme: Programme) -> bool:
    if programme.is_public:
        return True
    if user.is_authenticated and user.is_superuser:
        return True
    return bool(active_grants(user, programme=programme))


def election_list_for_user(*, user: User | AnonymousUser, call: Call) -> QuerySet[Election]:
    """The votes of ``call`` that ``user`` may see: drafts only for the programme staff."""
    programme = call.programme
    if not _may_see_programme(user, programme):
        return Election.objects.none()
    elections = Election.objects.filter(call=call).select_related("call__programme")
    if not may_see_vote_drafts(user, programme):
        elections = elections.exclude(status=Election.Status.DRAFT)
    return elections.prefetch_related("pots__unit")


def election_get_for_user(*, user: User | AnonymousUser, election_id: int) -> Election:
    """One vote ``user`` may see (as :func:`election_list_for_user`), or :class:`NotFound`."""
    election = Election.objects.select_related("call__programme").filter(pk=election_id).first()
    if election is None:
        raise NotFound()
    programme = election.call.programme
    if not _may_see_programme(user, programme):
        raise NotFound()
    if election.status == Election.Status.DRAFT and not may_see_vote_drafts(user, programme):
        raise NotFound()
    return election


def pot_get(*, election: Election, pot_id: int) -> Pot:
    """A pot of ``election`` with its unit, or :class:`NotFound`."""
    pot = (
        Pot.objects.select_related("unit", "election__call__programme")
        .filter(election=election, pk=pot_id)
        .first()
    )
    if pot is None:
        raise NotFound()
    return pot


def ballot_items(pot: Pot) -> QuerySet[BallotItem]:
    """The projects on a pot's ballot, in ballot order, with their proposal and group."""
    return pot.items.select_related("proposal__group", "proposal__unit").order_by("position", "pk")


def voted_pot_ids(user: User | AnonymousUser, election: Election) -> set[int]:
    """The pots of ``election`` where ``user`` has voted (whether, never what)."""
    if not user.is_authenticated:
        return set()
    return set(
        Voter.objects.filter(pot__election=election, user_id=user.pk).values_list(
            "pot_id", flat=True
        )
    )


def ballot_rule_sentences(election: Election, pot: Pot) -> list[str]:
    """The ballot's rules in plain words, in the active language, for the ballot page."""
    currency = election.call.programme.currency
    kind = election.ballot_kind
    sentences = []
    if kind == BallotKind.APPROVAL:
        sentences.append(
            _("Choose the projects you support, up to %(limit)s.") % {"limit": election.max_choices}
        )
    elif kind == BallotKind.KNAPSACK:
        sentences.append(
            _("Choose projects whose costs add up to at most %(budget)s, the money of this pot.")
            % {"budget": format_cents(pot.budget_cents, currency)}
        )
        if election.max_choices:
            sentences.append(
                _("You may choose up to %(limit)s projects.") % {"limit": election.max_choices}
            )
    elif kind == BallotKind.CUMULATIVE:
        sentences.append(
            _("You have %(points)s points: give them to the projects you prefer.")
            % {"points": election.points}
        )
        if election.max_points_per_project:
            sentences.append(
                _("A project can take at most %(points)s of your points.")
                % {"points": election.max_points_per_project}
            )
    else:
        sentences.append(
            _(
                "Rank up to %(limit)s projects: write 1 next to your first choice, 2 next to the "
                "second, and so on."
            )
            % {"limit": election.max_choices}
        )
    if election.allow_change:
        sentences.append(_("You may change your ballot until the vote closes."))
    else:
        sentences.append(_("You vote once: your ballot cannot be changed afterwards."))
    sentences.append(
        _("Your ballot is stored apart from your name: nobody can see what you chose.")
    )
    return sentences


@dataclass(frozen=True)
class PotElection:
    """A pot's ballots as the engine takes them, with the ballot items in column order."""

    instance: Instance
    profile: Profile
    items: list[BallotItem]
    ballots: int


def pot_election(pot: Pot) -> PotElection:
    """Read a pot's stored ballots into the engine's instance and compact profile.

    The choices are read as one integer array (ballot, item, value) and merged into
    distinct ballots with numpy: no Python loop over the ballots. Ranked ballots are scored
    by position as Kraków counts them: with up to *k* ranks the first choice gets *k*
    points, the second *k - 1*, and so on.

    Raises
    ------
    ValueError
        When the pot has no ballot (the engine needs voters).
    """
    election = pot.election
    items = list(ballot_items(pot))
    item_ids = np.array([item.pk for item in items], dtype=np.int64)
    order = np.argsort(item_ids)
    ballot_ids = np.fromiter(
        Ballot.objects.filter(pot=pot).values_list("id", flat=True).iterator(chunk_size=20_000),
        dtype=np.int64,
    )
    if ballot_ids.size == 0:
        raise ValueError(f"pot {pot.name!r} has no ballot")
    ballot_ids.sort()
    choices = np.array(
        list(
            BallotChoice.objects.filter(ballot__pot=pot)
            .values_list("ballot_id", "item_id", "value")
            .iterator(chunk_size=20_000)
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    rows = np.searchsorted(ballot_ids, choices[:, 0])
    columns = order[np.searchsorted(item_ids, choices[:, 1], sorter=order)]
    values = choices[:, 2]
    if election.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        values = np.ones_like(values)
    elif election.ballot_kind == BallotKind.RANKED:
        values = (election.max_choices or len(items)) + 1 - values
    matrix = np.zeros((ballot_ids.size, len(items)), dtype=np.int64)
    matrix[rows, columns] = values
    distinct, counts = np.unique(matrix, axis=0, return_counts=True)
    instance = Instance(
        tuple(str(item.proposal_id) for item in items),
        tuple(int(item.cost_cents) for item in items),
        int(pot.budget_cents),
    )
    approval = election.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK)
    profile = Profile(distinct.astype(np.int64), counts.astype(np.int64), approval)
    return PotElection(instance, profile, items, int(ballot_ids.size))


def run_list_for_user(*, user: User | AnonymousUser, election: Election) -> QuerySet[AllocationRun]:
    """The runs of a vote: every run for the programme staff, else the approved one."""
    runs = AllocationRun.objects.filter(election=election).select_related(
        "created_by", "approved_by"
    )
    if not may_see_vote_drafts(user, election.call.programme):
        runs = runs.filter(status=AllocationRun.Status.APPROVED)
    return runs


def run_get_for_user(
    *, user: User | AnonymousUser, election: Election, run_id: int
) -> AllocationRun:
    """One run of ``election`` that ``user`` may see, or :class:`NotFound`."""
    run = run_list_for_user(user=user, election=election).filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    return run


def published_run(election: Election) -> AllocationRun | None:
    """The approved run of a vote, or ``None`` while results are not published."""
    return (
        AllocationRun.objects.filter(election=election, status=AllocationRun.Status.APPROVED)
        .select_related("approved_by", "created_by")
        .first()
    )


def result_rows(run: AllocationRun) -> QuerySet[AllocationResult]:
    """A run's per-project results with their pot and proposal, funded first."""
    return run.results.select_related("item__pot__unit", "item__proposal__group").order_by(
        "item__pot__position",
        "-funded",
        "round",
        "-votes",
        "item__position",
    )


def _money(value: Any, currency: str) -> str:
    """Format an amount in cents (an int or an exact fraction written ``"p/q"``)."""
    cents = Fraction(str(value))
    return format_cents(round(cents), currency)


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
        if len(shares) == 1:
            text += " " + _("Each of its %(voters)s supporters paid %(amount)s of it.") % {
                "voters": shares[0]["voters"],
                "amount": _money(shares[0]["amount"], currency),
            }
        elif shares:
            text += " " + _(
                "Its supporters shared its cost: each paid according to the points they gave."
            )
        return text
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
