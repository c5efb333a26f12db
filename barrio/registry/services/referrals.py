"""Referrals of a household or a case to a service of a partner organisation, and what
came of them: made → accepted → attended → closed, or refused on the way.

A referral lies in the unit of its household or case; whoever makes or updates one needs
``referral.manage`` there, and for a sensitive case the right to see it. The organisation
must take part in the programme. Each status change records its date (not in the future,
not before the referral was made, in the programme's time zone).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from barrio.accounts.permissions import Action, may
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.registry.grievance_selectors import may_see
from barrio.registry.models import Grievance, Household, Referral
from barrio.registry.services.households import local_today

if TYPE_CHECKING:
    from barrio.accounts.models import Organisation, Programme

Status = Referral.Status
#: The moves a referral may make.
NEXT: dict[str, frozenset[str]] = {
    Status.MADE: frozenset({Status.ACCEPTED, Status.REFUSED, Status.CLOSED}),
    Status.ACCEPTED: frozenset({Status.ATTENDED, Status.REFUSED, Status.CLOSED}),
    Status.ATTENDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.REFUSED: frozenset(),
}
#: The date field each status sets.
NEXT_FIELD: dict[str, str] = {
    Status.ACCEPTED: "accepted_on",
    Status.ATTENDED: "attended_on",
    Status.CLOSED: "closed_on",
    Status.REFUSED: "closed_on",
}


def _require(actor: User | AnonymousUser, referral: Referral) -> None:
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may(actor, Action.REFERRAL_MANAGE, programme=referral.programme, unit=referral.unit):
        raise PermissionDenied()
    if referral.grievance is not None and not may_see(actor, referral.grievance):
        raise PermissionDenied()


@transaction.atomic
def referral_make(
    *,
    actor: User | AnonymousUser,
    programme: Programme,
    organisation: Organisation,
    service: str,
    household: Household | None = None,
    grievance: Grievance | None = None,
    note: str = "",
    made_on: dt.date | None = None,
) -> Referral:
    """Refer a household, a case, or a household from its case, to a partner's service.

    Raises :class:`PermissionDenied` and :class:`ValidationFailed` (no household nor case,
    a case of another household, an organisation outside the programme, an unknown
    service, a date in the future); nothing is saved on failure.
    """
    errors: list[FieldError] = []
    if household is None and grievance is not None:
        household = grievance.household
    if household is None and grievance is None:
        raise ValidationFailed(
            errors=[FieldError(("body", "household_id"), _("Refer a household or a case."))]
        )
    if grievance is not None and household is not None and grievance.household_id != household.pk:
        errors.append(FieldError(("body", "grievance_id"), _("The case is of another household.")))
    if any(o is not None and o.programme_id != programme.pk for o in (household, grievance)):
        raise ValidationFailed(
            errors=[FieldError(("body", "household_id"), _("This is not of the programme."))]
        )
    unit = grievance.unit if grievance is not None else household.unit  # type: ignore[union-attr]
    referral = Referral(
        programme=programme,
        unit=unit,
        household=household,
        grievance=grievance,
        organisation=organisation,
        service=service,
        note=note.strip()[:2000],
        made_on=made_on or local_today(programme),
        created_by=actor if isinstance(actor, User) else None,
    )
    _require(actor, referral)
    if service not in Referral.Service.values:
        errors.append(FieldError(("body", "service"), _("Choose a service of the list.")))
    if not organisation.programmes.filter(pk=programme.pk).exists():
        errors.append(
            FieldError(
                ("body", "organisation_id"),
                _("This organisation does not take part in the programme."),
            )
        )
    if referral.made_on > local_today(programme):
        errors.append(FieldError(("body", "made_on"), _("A date cannot be in the future.")))
    if errors:
        raise ValidationFailed(errors=errors)
    referral.save()
    return referral


@transaction.atomic
def referral_update(
    *,
    actor: User | AnonymousUser,
    referral: Referral,
    status: str,
    on: dt.date | None = None,
    note: str = "",
) -> Referral:
    """Record what came of a referral: accepted, attended, closed or refused, on a date.

    Raises :class:`PermissionDenied`, :class:`ValidationFailed` (unknown status, a date
    before the referral or in the future) or :class:`Conflict` (a move that is not allowed,
    e.g. from a closed referral).
    """
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("programme", "unit", "grievance__programme", "grievance__unit")
        .get(pk=referral.pk)
    )
    _require(actor, referral)
    if status not in Status.values:
        raise ValidationFailed(
            errors=[FieldError(("body", "status"), _("Choose a status of the list."))]
        )
    if status not in NEXT[referral.status]:
        raise Conflict(
            _("A referral that is %(current)s cannot become %(target)s.")
            % {"current": Status(referral.status).label, "target": Status(status).label},
            code="transition_not_allowed",
        )
    day = on or local_today(referral.programme)
    if not referral.made_on <= day <= local_today(referral.programme):
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("body", "on"),
                    _("The date lies between the day of the referral and today."),
                )
            ]
        )
    referral.status = status
    setattr(referral, NEXT_FIELD[status], day)
    if note.strip():
        referral.note = (f"{referral.note}\n{note.strip()}" if referral.note else note.strip())[
            :4000
        ]
    referral.save()
    return referral
