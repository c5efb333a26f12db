"""Read queries of votes, ballots and allocation runs; each takes the acting user.

A draft vote and a draft run are the programme staff's working material; an open, closed
or published vote, and an approved run, are public in a public programme (and for anyone
with a role in it). The engine's input is read here as arrays (:func:`pot_election`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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


def may_approve_runs(user: User | AnonymousUser, programme: Programme) -> bool:
    """Tell whether ``user`` may approve allocation runs (the four-eyes check is the
    service's)."""
    return may(user, Action.ALLOCATION_APPROVE, programme=programme)


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
    from barrio.participation.selectors.paper import counted_totals, with_totals

    totals, total_sheets = counted_totals(pot)  # polling stations' totals (greedy rules only)
    if ballot_ids.size == 0 and not total_sheets:
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
    if totals:  # polling stations' totals per project (paper ballots without sheets)
        column_totals = np.array([totals.get(i.proposal_id, 0) for i in items], dtype=np.int64)
        distinct, counts = with_totals(distinct, counts, column_totals)
    instance = Instance(
        tuple(str(item.proposal_id) for item in items),
        tuple(int(item.cost_cents) for item in items),
        int(pot.budget_cents),
    )
    approval = election.ballot_kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK)
    profile = Profile(distinct.astype(np.int64), counts.astype(np.int64), approval)
    return PotElection(instance, profile, items, int(ballot_ids.size) + total_sheets)


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


def call_for_votes(*, user: User | AnonymousUser, call_id: int) -> Call:
    """A call whose votes ``user`` may see: a published call of a programme they may see, or
    any call for the programme's vote staff. Raises :class:`NotFound` else."""
    call = Call.objects.select_related("programme").filter(pk=call_id).first()
    if call is None or not _may_see_programme(user, call.programme):
        raise NotFound()
    if call.status != Call.Status.PUBLISHED and not may_see_vote_drafts(user, call.programme):
        raise NotFound()
    return call
