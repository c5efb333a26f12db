"""Setting up a vote, opening it (its proposals go on the ballot) and closing it.

Each service checks who acts, validates everything before it writes, and writes in one
transaction: after a refusal nothing has changed. Proposals move through
:func:`record_transition`, the one place that records a proposal's steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, may
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import (
    AllocationRule,
    BallotItem,
    BallotKind,
    Call,
    Election,
    Pot,
    Proposal,
)
from barrio.participation.services.lifecycle import record_transition
from barrio.territories.selectors import unit_get

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.territories.models import TerritorialUnit

__all__ = ["PotSpec", "VoteSpec", "vote_close", "vote_create", "vote_open"]

#: Rules that need approval ballots (a project is chosen or not).
APPROVAL_ONLY_RULES = frozenset({AllocationRule.PHRAGMEN})
#: Ballot kinds whose choices are plain approvals.
APPROVAL_KINDS = frozenset({BallotKind.APPROVAL, BallotKind.KNAPSACK})


@dataclass(frozen=True)
class PotSpec:
    """One pot as asked for: its name, budget in cents and unit (``None``: the programme)."""

    name: str
    budget_cents: int
    unit_id: int | None = None


@dataclass(frozen=True)
class VoteSpec:
    """Everything a vote is created with (see :class:`Election` for the meaning of each)."""

    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    ballot_kind: str
    rule: str
    pots: Sequence[PotSpec] = field(default_factory=tuple)
    max_choices: int | None = None
    points: int | None = None
    max_points_per_project: int | None = None
    allow_change: bool = False
    tie_breaking: str = Election.TieBreak.BY_ID
    seed: int = 0
    threshold: int | None = None
    validation: str = Election.Validation.SIGNED_IN_RESIDENT


def require_manager(actor: User | AnonymousUser, call: Call, action: Action) -> User:
    """Return ``actor`` if they may take ``action`` over the whole of the call's programme."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, action, programme=call.programme):
        raise PermissionDenied()
    return actor


def _check_period(spec: VoteSpec, errors: list[FieldError]) -> None:
    for name in ("opens_at", "closes_at"):
        if timezone.is_naive(getattr(spec, name)):
            errors.append(FieldError((name,), _("Give the date with its time zone.")))
    if not errors and spec.opens_at >= spec.closes_at:
        errors.append(FieldError(("closes_at",), _("The vote must close after it opens.")))


def _check_limits(spec: VoteSpec, errors: list[FieldError]) -> None:
    kind = spec.ballot_kind
    if kind not in BallotKind.values:
        errors.append(FieldError(("ballot_kind",), _("Choose one of the kinds of ballot offered.")))
        return
    for name in ("max_choices", "points", "max_points_per_project", "threshold"):
        value = getattr(spec, name)
        if value is not None and value < 1:
            errors.append(FieldError((name,), _("This number must be at least 1.")))
    if kind in (BallotKind.APPROVAL, BallotKind.RANKED) and spec.max_choices is None:
        errors.append(
            FieldError(("max_choices",), _("Say how many projects a ballot may choose at most."))
        )
    if kind == BallotKind.CUMULATIVE:
        if spec.points is None:
            errors.append(FieldError(("points",), _("Say how many points each voter spreads.")))
        elif spec.max_points_per_project is not None and spec.max_points_per_project > spec.points:
            errors.append(
                FieldError(
                    ("max_points_per_project",),
                    _("A project cannot take more points than a voter has."),
                )
            )
    elif spec.points is not None or spec.max_points_per_project is not None:
        errors.append(FieldError(("points",), _("Only a points ballot has points to spread.")))


def rule_errors(
    *, ballot_kind: str, rule: str, threshold: int | None, tie_breaking: str, seed: int
) -> list[FieldError]:
    """The problems of a rule and its parameters for ballots of ``ballot_kind``."""
    errors = []
    if rule not in AllocationRule.values:
        errors.append(FieldError(("rule",), _("Choose one of the rules offered.")))
    elif rule in APPROVAL_ONLY_RULES and ballot_kind not in APPROVAL_KINDS:
        errors.append(
            FieldError(
                ("rule",),
                _("Sequential Phragmén needs ballots that choose projects, not points or ranks."),
            )
        )
    if rule == AllocationRule.GREEDY_THRESHOLD and not threshold:
        errors.append(FieldError(("threshold",), _("This rule needs a minimum number of votes.")))
    if tie_breaking not in Election.TieBreak.values:
        errors.append(FieldError(("tie_breaking",), _("Choose one of the tie-breakings offered.")))
    if seed < 0:
        errors.append(FieldError(("seed",), _("This number cannot be negative.")))
    return errors


def _check_pots(
    call: Call, pots: Sequence[PotSpec], errors: list[FieldError]
) -> list[TerritorialUnit | None]:
    units: list[TerritorialUnit | None] = []
    if not pots:
        errors.append(FieldError(("pots",), _("A vote needs at least one pot of money.")))
        return units
    eligible = list(call.units.all()) or list(call.programme.units.all())
    seen: set[int | None] = set()
    for position, pot in enumerate(pots):
        unit = None
        if not pot.name.strip():
            errors.append(FieldError(("pots", position, "name"), _("Give the pot a name.")))
        if pot.budget_cents <= 0:
            errors.append(
                FieldError(("pots", position, "budget_cents"), _("The budget must be above 0."))
            )
        if pot.unit_id is not None:
            unit = unit_get(unit_id=pot.unit_id)
            if unit is None or not any(area.contains(unit) for area in eligible):
                errors.append(
                    FieldError(
                        ("pots", position, "unit_id"), _("This unit is not one of the call's.")
                    )
                )
        if pot.unit_id in seen:
            errors.append(
                FieldError(("pots", position, "unit_id"), _("Two pots cannot share a unit."))
            )
        seen.add(pot.unit_id)
        units.append(unit)
    return units


@transaction.atomic
def vote_create(*, actor: User | AnonymousUser, call: Call, spec: VoteSpec) -> Election:
    """Create a draft vote of ``call`` with its pots.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` manages votes over the whole programme.
    Conflict
        When the call was cancelled.
    ValidationFailed
        Naming each field that does not fit: the period (time-zone aware, in order), the
        ballot kind and its limits, the rule and its parameters, the pots (at least one,
        budgets above 0, units of the call, one pot per unit).
    """
    manager = require_manager(actor, call, Action.VOTE_MANAGE)
    if call.status == Call.Status.CANCELLED:
        raise Conflict(_("This call was cancelled."), code="call_cancelled")
    errors: list[FieldError] = []
    if not spec.title.strip():
        errors.append(FieldError(("title",), _("Give the vote a title.")))
    _check_period(spec, errors)
    _check_limits(spec, errors)
    errors += rule_errors(
        ballot_kind=spec.ballot_kind,
        rule=spec.rule,
        threshold=spec.threshold,
        tie_breaking=spec.tie_breaking,
        seed=spec.seed,
    )
    units = _check_pots(call, spec.pots, errors)
    if spec.validation not in Election.Validation.values:
        errors.append(FieldError(("validation",), _("Choose who may vote from the list.")))
    if errors:
        raise ValidationFailed(errors=errors)
    election = Election.objects.create(
        call=call,
        title=spec.title.strip(),
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        ballot_kind=spec.ballot_kind,
        max_choices=spec.max_choices,
        points=spec.points,
        max_points_per_project=spec.max_points_per_project,
        allow_change=spec.allow_change,
        rule=spec.rule,
        tie_breaking=spec.tie_breaking,
        seed=spec.seed,
        threshold=spec.threshold,
        validation=spec.validation,
        created_by=manager,
    )
    Pot.objects.bulk_create(
        Pot(
            election=election,
            name=pot.name.strip(),
            unit=unit,
            budget_cents=pot.budget_cents,
            position=position,
        )
        for position, (pot, unit) in enumerate(zip(spec.pots, units, strict=True))
    )
    return election


def _pot_of(pots: list[Pot], proposal: Proposal) -> Pot | None:
    """The pot of the proposal's unit; else the programme-wide pot, if there is one."""
    for pot in pots:
        if pot.unit is not None and pot.unit.contains(proposal.unit):
            return pot
    return next((pot for pot in pots if pot.unit is None), None)


@transaction.atomic
def vote_open(
    *, actor: User | AnonymousUser, election: Election, now: dt.datetime | None = None
) -> Election:
    """Open a draft vote: each pot's approved proposals go on its ballot, in reference order.

    A proposal goes to the pot of its unit, or to the programme-wide pot when no unit pot
    holds it; its cost is frozen on the ballot. Every proposal moves to "on the ballot".

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` manages votes over the whole programme.
    Conflict
        When the vote is not a draft, or its period is already over.
    ValidationFailed
        When a pot would have no project on its ballot.
    """
    locked = (
        Election.objects.select_for_update(of=("self",))
        .select_related("call__programme")
        .get(pk=election.pk)
    )
    manager = require_manager(actor, locked.call, Action.VOTE_MANAGE)
    if locked.status != Election.Status.DRAFT:
        raise Conflict(_("Only a draft vote can be opened."), code="not_draft")
    now = now or timezone.now()  # ``now``: the demo opens a vote of the past
    if locked.closes_at <= now:
        raise Conflict(_("The period of this vote is already over."), code="period_over")
    pots = list(locked.pots.select_related("unit"))
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(call=locked.call, status=ProposalStatus.APPROVED)
        .select_related("unit", "group", "call__programme")
        .order_by("reference", "pk")
    )
    by_pot: dict[int, list[Proposal]] = {pot.pk: [] for pot in pots}
    for proposal in proposals:
        pot = _pot_of(pots, proposal)
        if pot is not None:
            by_pot[pot.pk].append(proposal)
    errors = [
        FieldError(
            ("pots", position, "unit_id"),
            _("The pot %(pot)s has no approved proposal to put on its ballot.") % {"pot": pot.name},
        )
        for position, pot in enumerate(pots)
        if not by_pot[pot.pk]
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    errors = [
        FieldError(("pots",), _("The proposal %(title)s has no cost.") % {"title": p.title})
        for pot in pots
        for p in by_pot[pot.pk]
        if p.total_cents <= 0
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    items = []
    for pot in pots:
        for position, proposal in enumerate(by_pot[pot.pk]):
            record_transition(actor=manager, proposal=proposal, to_status=ProposalStatus.ON_BALLOT)
            items.append(
                BallotItem(
                    pot=pot, proposal=proposal, cost_cents=proposal.total_cents, position=position
                )
            )
    BallotItem.objects.bulk_create(items)
    locked.status = Election.Status.OPEN
    locked.opened_at = now
    locked.save(update_fields=["status", "opened_at", "updated_at"])
    return locked


@transaction.atomic
def vote_close(
    *, actor: User | AnonymousUser, election: Election, now: dt.datetime | None = None
) -> Election:
    """Close an open vote once its period is over; no ballot is taken after this.

    The allocation run of the vote's rule is started by :func:`vote_close_and_allocate`
    (``services.allocation``), which calls this first.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` manages votes over the whole programme.
    Conflict
        When the vote is not open, or its period is not over yet.
    """
    locked = (
        Election.objects.select_for_update(of=("self",))
        .select_related("call__programme")
        .get(pk=election.pk)
    )
    require_manager(actor, locked.call, Action.VOTE_MANAGE)
    if locked.status != Election.Status.OPEN:
        raise Conflict(_("Only an open vote can be closed."), code="not_open")
    now = now or timezone.now()
    if now < locked.closes_at:
        raise Conflict(_("The vote stays open until its closing time."), code="period_not_over")
    locked.status = Election.Status.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    return locked
