"""Voting with the census list: a one-time code sent to the voter, then the ballot.

A person on a vote's census identifies with their document number and date of birth and
asks for a code, sent by SMS (the pluggable sender of :mod:`barrio.messaging`) or e-mail.
Only the code's keyed hash is stored. A code lasts :data:`CODE_MINUTES` minutes, allows
:data:`MAX_ATTEMPTS` wrong tries and is used once, when the ballot is cast; asking for a new
code ends the earlier one. The ballot then goes through the same checks and the same
storage as every online ballot (:func:`~.ballots.store_ballot`): one ballot per census
entry and pot, under a uniqueness constraint.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from barrio.crypto import blind_index
from barrio.errors import BarrioError, Conflict, FieldError, PermissionDenied, ValidationFailed
from barrio.messaging import Sender, SendFailed, message_sender
from barrio.participation.models import CensusEntry, CodeAttempt, Election, OneTimeCode, Pot
from barrio.participation.services.ballots import (
    CastBallot,
    Choice,
    _check_choices,
    store_ballot,
)
from barrio.participation.services.census import document_index

__all__ = [
    "CODE_MINUTES",
    "MAX_ATTEMPTS",
    "RATE_WINDOW",
    "CodeSent",
    "TooManyRequests",
    "census_ballot_cast",
    "census_code_send",
    "census_identify",
    "census_may_vote_in",
    "code_attempt_record",
]

CODE_DIGITS = 6
CODE_MINUTES = 15
MAX_ATTEMPTS = 5
#: At most this many codes per person and hour, so that nobody is flooded with messages.
MAX_CODES_PER_HOUR = 5
#: The window of the per-address limit on the code endpoints (``BARRIO_CODE_RATE_LIMIT``).
RATE_WINDOW = dt.timedelta(minutes=10)
ADDRESS_PURPOSE = "participation.census.code_attempt.address"


class TooManyRequests(BarrioError):
    """Too many attempts from one address at the code endpoints (429)."""

    code = "too_many_requests"
    status = 429


def code_attempt_record(*, address: str, step: str, now: dt.datetime | None = None) -> None:
    """Count one attempt at a code endpoint from ``address``; refuse beyond the limit.

    The code endpoints need no sign-in, so each client address may try at most
    ``settings.BARRIO_CODE_RATE_LIMIT`` times per :data:`RATE_WINDOW` at each ``step``
    (:class:`CodeAttempt.Step`: asking for a code, voting with it), pages and API together.
    Attempts are rows in the database (so every web process and thread shares the count, on
    SQLite and PostgreSQL), written before the attempt and outside its transaction: a refused
    code or ballot still counts; a refused attempt does not. The address is stored only as
    its keyed hash.

    Raises
    ------
    TooManyRequests
        Beyond the limit (``too_many_requests``, 429); nothing else is done then.
    """
    now = now or timezone.now()
    since = now - RATE_WINDOW
    key = blind_index(address or "unknown", purpose=ADDRESS_PURPOSE)
    CodeAttempt.objects.filter(created_at__lt=since).delete()
    # Write first, then count: two attempts at once cannot both pass the last place.
    attempt = CodeAttempt.objects.create(address_hash=key, step=step, created_at=now)
    count = CodeAttempt.objects.filter(address_hash=key, step=step, created_at__gte=since).count()
    if count > settings.BARRIO_CODE_RATE_LIMIT:
        attempt.delete()
        raise TooManyRequests(
            _(
                "Too many attempts from your connection in the last %(minutes)s minutes. "
                "Wait a few minutes and try again."
            )
            % {"minutes": int(RATE_WINDOW.total_seconds() // 60)}
        )


@dataclass(frozen=True)
class CodeSent:
    """Where the code went (masked: the last two characters) and until when it is valid."""

    channel: str
    to: str
    expires_at: dt.datetime
    entry_id: int


def code_hash(entry_id: int, code: str) -> str:
    """The keyed hash of a code for one census entry (the code alone is never stored)."""
    return salted_hmac(
        "barrio.participation.census.code", f"{entry_id}:{code}", algorithm="sha256"
    ).hexdigest()


def _require_open(election: Election, now: dt.datetime) -> None:
    if election.validation != Election.Validation.CENSUS:
        raise Conflict(_("This vote does not use a census list."), code="not_a_census_vote")
    if election.status != Election.Status.OPEN or not election.opens_at <= now < election.closes_at:
        raise Conflict(_("This vote is not open now."), code="vote_not_open")


def census_identify(
    *, election: Election, document_number: str, birth_date: dt.date
) -> CensusEntry:
    """The census entry with this document and date of birth, or :class:`ValidationFailed`.

    The same message answers an unknown document and a wrong date of birth, so that the
    form does not tell who is on the census.
    """
    entry = (
        CensusEntry.objects.filter(
            election=election, document_index=document_index(document_number)
        )
        .select_related("unit")
        .first()
    )
    if entry is None or entry.birth_date != birth_date:
        raise ValidationFailed(
            _("This document with this date of birth is not on the census of this vote."),
            errors=[
                FieldError(
                    ("document_number",),
                    _("This document with this date of birth is not on the census of this vote."),
                )
            ],
            code="not_on_census",
        )
    return entry


def census_may_vote_in(entry: CensusEntry, pot: Pot) -> bool:
    """Tell whether a census entry votes in ``pot``: a programme-wide pot, or one whose unit
    holds the entry's unit."""
    if pot.unit is None:
        return True
    return entry.unit is not None and pot.unit.contains(entry.unit)


def _mask(value: str) -> str:
    return f"…{value[-2:]}"


@transaction.atomic
def census_code_send(
    *,
    election: Election,
    document_number: str,
    birth_date: dt.date,
    channel: str,
    now: dt.datetime | None = None,
    sender: Sender | None = None,
) -> CodeSent:
    """Send a new one-time code to the person on the census, by SMS or e-mail.

    Raises
    ------
    Conflict
        The vote does not use a census or is not open (``vote_not_open``); too many codes
        in the last hour (``too_many_codes``); the message could not be sent
        (``not_sent``).
    ValidationFailed
        Not on the census (``not_on_census``); no phone or e-mail on the census for the
        channel chosen, or an unknown channel.
    """
    now = now or timezone.now()
    _require_open(election, now)
    if channel not in OneTimeCode.Channel.values:
        raise ValidationFailed(errors=[FieldError(("channel",), _("Choose SMS or e-mail."))])
    entry = census_identify(
        election=election, document_number=document_number, birth_date=birth_date
    )
    to = entry.phone if channel == OneTimeCode.Channel.SMS else entry.email
    if not to:
        message = (
            _("The census has no phone for you; choose e-mail.")
            if channel == OneTimeCode.Channel.SMS
            else _("The census has no e-mail for you; choose SMS.")
        )
        raise ValidationFailed(errors=[FieldError(("channel",), message)], code="no_contact")
    # Lock the entry: two requests at once must not both pass the hourly limit.
    CensusEntry.objects.select_for_update(of=("self",)).filter(pk=entry.pk).first()
    codes = OneTimeCode.objects.filter(entry=entry)
    if codes.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= MAX_CODES_PER_HOUR:
        raise Conflict(
            _("Too many codes were asked for in the last hour; try again later."),
            code="too_many_codes",
        )
    codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    expires_at = now + dt.timedelta(minutes=CODE_MINUTES)
    OneTimeCode.objects.create(
        entry=entry,
        code_hash=code_hash(entry.pk, code),
        channel=channel,
        created_at=now,
        expires_at=expires_at,
    )
    text = _("Your code to vote in %(vote)s is %(code)s. It is valid for %(minutes)s minutes.") % {
        "vote": election.title,
        "code": code,
        "minutes": CODE_MINUTES,
    }
    if channel == OneTimeCode.Channel.SMS:
        try:
            (sender or message_sender()).send(to=to, text=text, reference=f"census {entry.pk}")
        except SendFailed as failure:
            raise Conflict(
                _("The code could not be sent; try again or choose e-mail."), code="not_sent"
            ) from failure
    else:
        send_mail(_("Your code to vote"), text, None, [to])
    return CodeSent(channel=channel, to=_mask(to), expires_at=expires_at, entry_id=entry.pk)


def _check_code(entry: CensusEntry, code: str, now: dt.datetime) -> None:
    """Count a wrong try (kept even though the cast is refused) and refuse a bad code."""
    problem: Conflict | None = None
    with transaction.atomic():
        latest = (
            OneTimeCode.objects.select_for_update(of=("self",))
            .filter(entry=entry)
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is None:
            problem = Conflict(_("Ask for a code first."), code="no_code")
        elif latest.used_at is not None:
            problem = Conflict(_("This code has already been used."), code="code_used")
        elif latest.expires_at <= now:
            problem = Conflict(_("This code has expired; ask for a new one."), code="code_expired")
        elif latest.attempts >= MAX_ATTEMPTS:
            problem = Conflict(
                _("Too many wrong tries; ask for a new code."), code="too_many_attempts"
            )
        elif not constant_time_compare(latest.code_hash, code_hash(entry.pk, code.strip())):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            problem = Conflict(_("This code is not right."), code="wrong_code")
    if problem is not None:
        raise problem


def census_ballot_cast(
    *,
    pot: Pot,
    entry: CensusEntry,
    code: str,
    choices: Sequence[Choice],
    now: dt.datetime | None = None,
) -> CastBallot:
    """Cast the ballot of a person on the census (``entry``, as :func:`census_identify`
    found it) with the one-time code sent to them.

    The ballot is checked first (a wrong ballot uses no try of the code), then the code, then
    the ballot is stored and the code used, in one transaction.

    Raises
    ------
    Conflict
        The vote does not use a census or is not open; no code, a used, expired or wrong
        code, too many tries (``no_code``, ``code_used``, ``code_expired``, ``wrong_code``,
        ``too_many_attempts``); a second ballot (``already_voted``).
    PermissionDenied
        When the person's unit is not the pot's (or the entry is another vote's).
    ValidationFailed
        When the choices are wrong (see :func:`~.ballots.ballot_cast`).
    """
    pot = Pot.objects.select_related("election__call__programme", "unit").get(pk=pot.pk)
    election = pot.election
    now = now or timezone.now()
    _require_open(election, now)
    if entry.election_id != election.pk:
        raise PermissionDenied(_("Your place on the census is not in this pot's unit."))
    if not census_may_vote_in(entry, pot):
        raise PermissionDenied(_("Your place on the census is not in this pot's unit."))
    errors, chosen = _check_choices(election, pot, choices)
    if errors:
        raise ValidationFailed(errors=errors)
    _check_code(entry, code, now)
    with transaction.atomic():
        used = OneTimeCode.objects.filter(
            entry=entry, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:  # another request used it between the check and now
            raise Conflict(_("This code has already been used."), code="code_used")
        return store_ballot(pot=pot, chosen=chosen, now=now, voter={"census_entry": entry})
