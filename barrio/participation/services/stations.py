"""Polling stations: set them up, assign officials, enter a ballot for a person in person.

An official at a station checks a person's identity document and enters that person's
ballot through the same checks as an online ballot. The person is kept only as the keyed
hash (:func:`barrio.crypto.blind_index`) of the document type and number, under a
uniqueness constraint per pot, so nobody votes twice at two stations or twice at one. A
vote held in person takes no online ballot (``ballot_cast`` refuses it), so nobody votes
both online and in person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, scope
from barrio.crypto import blind_index, normalise
from barrio.errors import Conflict, FieldError, NotAuthenticated, PermissionDenied, ValidationFailed
from barrio.participation.models import (
    Ballot,
    BallotChoice,
    Election,
    PollingStation,
    Pot,
    StationOfficial,
    StationVoter,
)
from barrio.participation.services.ballots import CastBallot, Choice, check_choices, new_receipt
from barrio.participation.services.votes import require_manager

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from barrio.territories.models import TerritorialUnit

__all__ = [
    "DOCUMENT_TYPES",
    "person_index",
    "require_official",
    "station_ballot_enter",
    "station_create",
    "station_official_assign",
]

#: The identity documents an official may accept (Mexico's voting card first).
DOCUMENT_TYPES = ("ine", "passport", "curp", "other")


def person_index(document_type: str, document_number: str) -> str:
    """The keyed hash that stands for a person in a vote: document type and number."""
    return blind_index(f"{document_type}:{document_number}", purpose="participation.voter")


def _station_pots(station: PollingStation) -> list[Pot]:
    """The pots a station serves: its unit's, within it, and the programme-wide one."""
    pots = list(station.election.pots.select_related("unit"))
    if station.unit is None:
        return pots
    return [p for p in pots if p.unit is None or p.unit.contains(station.unit)]


@transaction.atomic
def station_create(
    *,
    actor: User | AnonymousUser,
    election: Election,
    code: str,
    name: str,
    place: str,
    unit: TerritorialUnit | None = None,
) -> PollingStation:
    """Create a polling station of a vote, in ``unit`` (``None``: for the whole programme).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` manages votes over the whole programme.
    Conflict
        When the vote's results are published.
    ValidationFailed
        An empty or repeated code, an empty name or place, a unit that no pot covers.
    """
    election = Election.objects.select_related("call__programme").get(pk=election.pk)
    require_manager(actor, election.call, Action.VOTE_MANAGE)
    if election.status == Election.Status.PUBLISHED:
        raise Conflict(_("This vote's results are already published."), code="published")
    errors: list[FieldError] = []
    code = code.strip()
    if not code or len(code) > 40:
        errors.append(FieldError(("code",), _("Give the station a code of up to 40 characters.")))
    elif PollingStation.objects.filter(election=election, code=code).exists():
        errors.append(FieldError(("code",), _("Another station of this vote has this code.")))
    if not name.strip():
        errors.append(FieldError(("name",), _("Give the station a name.")))
    if not place.strip():
        errors.append(FieldError(("place",), _("Say where the station is.")))
    station = PollingStation(
        election=election, code=code, name=name.strip()[:200], place=place.strip()[:300], unit=unit
    )
    if unit is not None and not _station_pots(station):
        errors.append(FieldError(("unit_id",), _("No pot of this vote covers this unit.")))
    if errors:
        raise ValidationFailed(errors=errors)
    station.save()
    return station


@transaction.atomic
def station_official_assign(
    *, actor: User | AnonymousUser, station: PollingStation, user: User
) -> StationOfficial:
    """Assign ``user`` to a station; they must hold the municipal-team role where it is.

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` manages votes over the whole programme.
    ValidationFailed
        When ``user`` holds no official's role over the station's unit.
    Conflict
        When ``user`` is already assigned to this station.
    """
    station = PollingStation.objects.select_related("election__call__programme", "unit").get(
        pk=station.pk
    )
    manager = require_manager(actor, station.election.call, Action.VOTE_MANAGE)
    programme = station.election.call.programme
    if not scope(user, Action.STATION_OFFICIATE, programme).covers(station.unit):
        raise ValidationFailed(
            errors=[
                FieldError(
                    ("user_id",),
                    _("This person holds no official's role where the station is."),
                )
            ]
        )
    try:
        with transaction.atomic():
            return StationOfficial.objects.create(station=station, user=user, assigned_by=manager)
    except IntegrityError:
        raise Conflict(
            _("This person is already an official of this station."), code="already_assigned"
        ) from None


def may_officiate(user: User | AnonymousUser, station: PollingStation) -> bool:
    """Tell whether ``user`` is an official of ``station``: assigned to it and holding the
    official's role where it is."""
    if not user.is_authenticated:
        return False
    programme = station.election.call.programme
    if not scope(user, Action.STATION_OFFICIATE, programme).covers(station.unit):
        return False
    return StationOfficial.objects.filter(station=station, user_id=user.pk).exists()


def require_official(actor: User | AnonymousUser, station: PollingStation) -> User:
    """Return ``actor`` if they are an official of ``station``; raise otherwise."""
    if not actor.is_authenticated:
        raise NotAuthenticated()
    if not may_officiate(actor, station):
        raise PermissionDenied(_("Only the officials of this station do this."))
    return actor


def station_pot(station: PollingStation, pot: Pot) -> Pot:
    """``pot`` if the station serves it; else :class:`ValidationFailed` naming the pot."""
    for candidate in _station_pots(station):
        if candidate.pk == pot.pk:
            return candidate
    raise ValidationFailed(
        errors=[FieldError(("pot",), _("This station does not serve this pot."))]
    )


@transaction.atomic
def station_ballot_enter(
    *,
    actor: User | AnonymousUser,
    station: PollingStation,
    pot: Pot,
    document_type: str,
    document_number: str,
    choices: Sequence[Choice],
    now: dt.datetime | None = None,
) -> CastBallot:
    """Enter the ballot of a person whose identity document an official has checked.

    Parameters
    ----------
    actor
        An official assigned to ``station``.
    station, pot
        Where the person votes; the station must serve the pot.
    document_type, document_number
        The person's identity document; only its keyed hash is stored.
    choices
        As for :func:`~barrio.participation.services.ballots.ballot_cast`.
    now
        The instant of the vote (default: now).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        Unless ``actor`` is an official of the station.
    Conflict
        When the vote is not held in person (``not_in_person``), not open now
        (``vote_not_open``), or the person has already voted in this pot (``already_voted``).
    ValidationFailed
        Naming the document field or the choice that is wrong, as an online ballot does.
    """
    station = PollingStation.objects.select_related("election__call__programme", "unit").get(
        pk=station.pk
    )
    official = require_official(actor, station)
    election = station.election
    if election.validation != Election.Validation.IN_PERSON:
        raise Conflict(_("This vote is not held in person."), code="not_in_person")
    now = now or timezone.now()
    if election.status != Election.Status.OPEN or not election.opens_at <= now < election.closes_at:
        raise Conflict(_("This vote is not open now."), code="vote_not_open")
    pot = station_pot(station, pot)
    pot.election = election
    errors: list[FieldError] = []
    if document_type not in DOCUMENT_TYPES:
        errors.append(FieldError(("document_type",), _("Choose the kind of document.")))
    number = normalise(document_number)
    if not number or len(number) > 40:
        errors.append(
            FieldError(("document_number",), _("Write the document's number as it is printed."))
        )
    choice_errors, chosen = check_choices(election, pot, choices)
    errors += choice_errors
    if errors:
        raise ValidationFailed(errors=errors)
    try:
        with transaction.atomic():
            StationVoter.objects.create(
                pot=pot,
                station=station,
                person_index=person_index(document_type, number),
                entered_by=official,
                voted_at=now,
            )
    except IntegrityError:
        raise Conflict(
            _("This person has already voted in this pot."), code="already_voted"
        ) from None
    ballot = Ballot.objects.create(pot=pot, receipt=new_receipt())
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, item=item, value=value) for item, value in chosen
    )
    return CastBallot(receipt=ballot.receipt, changed=False)
