"""Casting a ballot online: validate everything, then store who voted apart from what.

One person, one ballot per pot of a vote: the :class:`Voter` row is created in a savepoint
under a uniqueness constraint, so two concurrent submissions of the same person cannot both
be stored. The content goes to an anonymous :class:`Ballot` with a random id and a receipt.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, grants_allowing
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.money import format_cents
from barrio.participation.models import (
    Ballot,
    BallotChoice,
    BallotItem,
    BallotKind,
    Election,
    Pot,
    Voter,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

__all__ = ["CastBallot", "Choice", "ballot_cast", "check_choices", "may_vote_in", "new_receipt"]

#: Receipt alphabet: no 0/O, 1/I/L, so that a code read aloud or copied by hand survives.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Choice:
    """One project chosen on a ballot: 1 (approval, basket), its points, or its rank."""

    proposal_id: int
    value: int = 1


@dataclass(frozen=True)
class CastBallot:
    """What the voter is told: the receipt code and whether an earlier ballot was replaced."""

    receipt: str
    changed: bool


def new_receipt() -> str:
    """Return a fresh receipt code such as ``7KQM-4XDA``."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def may_vote_in(user: User | AnonymousUser, pot: Pot) -> bool:
    """Tell whether ``user`` is a resident of the pot's unit (any resident, for a
    programme-wide pot): a resident role granted in the programme within that unit."""
    grants = grants_allowing(user, Action.BALLOT_CAST).filter(
        programme__calls__elections=pot.election_id
    )
    if pot.unit is not None:
        grants = grants.filter(unit__country=pot.unit.country, unit__path__startswith=pot.unit.path)
    return grants.exists()


def _check_choices(
    election: Election,
    pot: Pot,
    choices: Sequence[Choice],
    items: dict[int, BallotItem] | None = None,
) -> tuple[list[FieldError], list[tuple[BallotItem, int]]]:
    """Validate the choices against the pot's ballot and the vote's limits (``items``: the
    pot's ballot items by proposal id, when the caller checks many ballots)."""
    errors: list[FieldError] = []
    if not choices:
        return [FieldError(("choices",), _("Choose at least one project."))], []
    if items is None:
        rows = BallotItem.objects.filter(pot_id=pot.pk).order_by()  # no join for the order
        items = {
            item.proposal_id: item for item in rows.only("pot_id", "proposal_id", "cost_cents")
        }
    chosen: list[tuple[BallotItem, int]] = []
    seen: set[int] = set()
    kind = election.ballot_kind
    for position, choice in enumerate(choices):
        item = items.get(choice.proposal_id)
        if item is None:
            errors.append(
                FieldError(
                    ("choices", position, "proposal"), _("This project is not on this ballot.")
                )
            )
            continue
        if choice.proposal_id in seen:
            errors.append(
                FieldError(("choices", position, "proposal"), _("This project is chosen twice."))
            )
            continue
        seen.add(choice.proposal_id)
        if choice.value < 1 or (
            kind in (BallotKind.APPROVAL, BallotKind.KNAPSACK) and choice.value != 1
        ):
            errors.append(
                FieldError(("choices", position, "value"), _("This value is not allowed here."))
            )
            continue
        if (
            kind == BallotKind.CUMULATIVE
            and election.max_points_per_project is not None
            and choice.value > election.max_points_per_project
        ):
            errors.append(
                FieldError(
                    ("choices", position, "value"),
                    _("A project can take at most %(points)s points.")
                    % {"points": election.max_points_per_project},
                )
            )
            continue
        chosen.append((item, choice.value))
    if errors:
        return errors, []
    count = len(chosen)
    if election.max_choices is not None and count > election.max_choices:
        errors.append(
            FieldError(
                ("choices",),
                _("You chose %(count)s projects; this ballot allows at most %(limit)s.")
                % {"count": count, "limit": election.max_choices},
            )
        )
    if kind == BallotKind.KNAPSACK:
        spent = sum(item.cost_cents for item, _value in chosen)
        if spent > pot.budget_cents:
            currency = election.call.programme.currency
            errors.append(
                FieldError(
                    ("choices",),
                    _("Your projects cost %(spent)s, more than the budget of %(budget)s.")
                    % {
                        "spent": format_cents(spent, currency),
                        "budget": format_cents(pot.budget_cents, currency),
                    },
                )
            )
    if kind == BallotKind.CUMULATIVE:
        given = sum(value for _item, value in chosen)
        assert election.points is not None  # vote_create requires it for this kind
        if given > election.points:
            errors.append(
                FieldError(
                    ("choices",),
                    _("You gave %(given)s points; you have %(points)s to spread.")
                    % {"given": given, "points": election.points},
                )
            )
    if kind == BallotKind.RANKED and sorted(v for _i, v in chosen) != list(range(1, count + 1)):
        errors.append(
            FieldError(
                ("choices",),
                _("Number your choices 1, 2, 3… in order, each number once."),
            )
        )
    return errors, chosen


#: The checks of a ballot's choices, shared with the polling stations' services.
check_choices = _check_choices


@transaction.atomic
def ballot_cast(
    *,
    actor: User | AnonymousUser,
    pot: Pot,
    choices: Sequence[Choice],
    now: dt.datetime | None = None,
) -> CastBallot:
    """Cast (or, where the vote allows it, replace) ``actor``'s ballot in ``pot``.

    Parameters
    ----------
    actor
        The voter: a resident of the pot's unit (a resident role in scope).
    pot
        The pot voted in; its vote must be open and within its period.
    choices
        The projects chosen, by proposal id, with 1 (approval, basket), the points
        (cumulative) or the rank, 1 first (ranked).
    now
        The instant of the vote (default: now).

    Returns
    -------
    CastBallot
        The receipt code to give the voter.

    Raises
    ------
    NotAuthenticated
        For an anonymous actor.
    PermissionDenied
        When ``actor`` is not a resident of the pot's unit.
    Conflict
        Outside the period or when the vote is not open (``vote_not_open``); a second
        ballot where changes are not allowed (``already_voted``).
    ValidationFailed
        Naming the choice that is wrong: a project not on this ballot, chosen twice, a bad
        value; too many projects, over the budget, over the points, ranks out of order.
    """
    if not actor.is_authenticated:
        raise NotAuthenticated()
    pot = Pot.objects.select_related("election", "unit").get(pk=pot.pk)
    election = pot.election
    now = now or timezone.now()
    if election.status != Election.Status.OPEN or not election.opens_at <= now < election.closes_at:
        raise Conflict(_("This vote is not open now."), code="vote_not_open")
    if election.validation == Election.Validation.IN_PERSON:
        raise Conflict(
            _("This vote is held in person at the polling stations."), code="in_person_only"
        )
    if not may_vote_in(actor, pot):
        raise PermissionDenied(_("Only residents of this unit vote in this pot."))

    if election.validation == Election.Validation.CENSUS:
        raise Conflict(
            _("This vote is for the people on its census list, with a code sent to them."),
            code="census_only",
        )
    errors, chosen = _check_choices(election, pot, choices)
    if errors:
        raise ValidationFailed(errors=errors)
    return store_ballot(pot=pot, chosen=chosen, now=now, voter={"user": actor})


def store_ballot(
    *,
    pot: Pot,
    chosen: Sequence[tuple[BallotItem, int]],
    now: dt.datetime,
    voter: dict[str, Any],
) -> CastBallot:
    """Store checked choices as the ballot of ``voter`` (``{"user": …}`` or
    ``{"census_entry": …}``) in ``pot``, in the caller's transaction.

    The voter row is created in a savepoint under the uniqueness constraint of its kind, so a
    second ballot of the same person, even one sent at the same instant, is refused with
    :class:`Conflict` (``already_voted``) — or replaces the first where the vote allows it.
    """
    assert transaction.get_connection().in_atomic_block, "store_ballot needs a transaction"
    election = pot.election
    changed = False
    already = Conflict(_("You have already voted in this pot."), code="already_voted")
    if not election.allow_change:
        # No savepoint: a second ballot ends the caller's transaction, rolled back whole.
        try:
            row = Voter.objects.create(pot=pot, **voter)
        except IntegrityError:
            raise already from None
    else:
        try:
            with transaction.atomic():
                row = Voter.objects.create(pot=pot, **voter)
        except IntegrityError:
            row = Voter.objects.select_for_update(of=("self",)).get(pot=pot, **voter)
            if not row.ballot_ref:
                raise already from None
            Ballot.objects.filter(pk=int(row.ballot_ref), pot=pot).delete()
            changed = True
    ballot = Ballot.objects.create(pot=pot, receipt=new_receipt())
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, item=item, value=value) for item, value in chosen
    )
    if election.allow_change:
        row.ballot_ref = str(ballot.pk)
        row.changed_at = now if changed else None
        row.save(update_fields=["ballot_ref", "changed_at"])
    return CastBallot(receipt=ballot.receipt, changed=changed)
