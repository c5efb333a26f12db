"""Which step of a call is open at a given instant, and its dates in the programme's time zone.

The one place that answers "is submission open now?": services refuse a late submission with
it, pages and the API show the open step with it. Dates are stored as instants (UTC); a
manager types them in the programme's time zone, and they are shown in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from barrio.accounts.models import Programme
    from barrio.participation.models import Call


#: The date fields of a call, in the order its steps follow one another.
DATE_FIELDS = (
    "submission_opens_at",
    "submission_closes_at",
    "review_closes_at",
    "assemblies_close_at",
    "voting_opens_at",
    "voting_closes_at",
    "results_at",
)


class CallStep(models.TextChoices):
    """The steps of a call, in their order."""

    UPCOMING = "upcoming", _("Not open yet")
    SUBMISSION = "submission", _("Submission of proposals")
    REVIEW = "review", _("Technical committee review")
    ASSEMBLIES = "assemblies", _("Neighbourhood assemblies")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")


@dataclass(frozen=True)
class StepDates:
    """One step of a call with the instant it starts and ends (``None``: it does not end)."""

    step: CallStep
    starts_at: dt.datetime
    ends_at: dt.datetime | None


def programme_zone(programme: Programme) -> ZoneInfo:
    """Return the programme's time zone (UTC when its name is unknown)."""
    try:
        return ZoneInfo(programme.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_programme_zone(programme: Programme, moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` as the programme's wall clock shows it (naive moments are that already,
    and are made aware in the programme's zone)."""
    zone = programme_zone(programme)
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def call_steps(call: Call) -> list[StepDates]:
    """Return the steps of ``call`` with their dates, in order (voting only when it has one).

    A step runs from its own start to the start of the next; submission ends when it closes,
    which is when the committee's review starts.
    """
    starts: list[tuple[CallStep, dt.datetime]] = [
        (CallStep.SUBMISSION, call.submission_opens_at),
        (CallStep.REVIEW, call.submission_closes_at),
        (CallStep.ASSEMBLIES, call.review_closes_at),
    ]
    if call.voting_opens_at is not None:
        starts.append((CallStep.VOTING, call.voting_opens_at))
    starts.append((CallStep.RESULTS, call.results_at))
    steps = []
    for index, (step, starts_at) in enumerate(starts):
        ends_at = starts[index + 1][1] if index + 1 < len(starts) else None
        if step == CallStep.ASSEMBLIES and call.voting_opens_at is None:
            ends_at = call.results_at
        steps.append(StepDates(step, starts_at, ends_at))
    return steps


def open_step(call: Call, now: dt.datetime | None = None) -> CallStep:
    """Return the step of ``call`` open at ``now`` (default: this instant).

    The open step is the last one that has started; before submission opens it is
    ``UPCOMING``. Instants are compared, so the answer does not depend on the server's zone.
    """
    now = now or timezone.now()
    current = CallStep.UPCOMING
    for step in call_steps(call):
        if step.starts_at <= now:
            current = step.step
    return current


def submission_open(call: Call, now: dt.datetime | None = None) -> bool:
    """Tell whether proposals may be submitted to ``call`` at ``now``."""
    return open_step(call, now) == CallStep.SUBMISSION


def steps_out_of_order(dates: dict[str, dt.datetime | None]) -> list[str]:
    """Return the names of the dates that come before the one they must follow.

    ``dates`` holds the call's date fields by name; voting dates may be empty (no ballot).
    """
    wrong = []
    previous: dt.datetime | None = None
    for name in DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            continue
        strictly = name in {"submission_closes_at", "voting_closes_at"}
        if previous is not None and (value <= previous if strictly else value < previous):
            wrong.append(name)
        previous = value if previous is None or value > previous else previous
    if (dates.get("voting_opens_at") is None) != (dates.get("voting_closes_at") is None):
        wrong.append("voting_closes_at")
    return wrong
