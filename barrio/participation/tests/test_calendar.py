"""Which step of a call is open, compared as instants, shown in the programme's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from barrio.participation.calendar import (
    CallStep,
    in_programme_zone,
    open_step,
    steps_out_of_order,
    submission_open,
)
from barrio.participation.tests.factories import build_world

pytestmark = pytest.mark.django_db
MEXICO = ZoneInfo("America/Mexico_City")


def test_each_step_opens_at_its_date() -> None:
    call = build_world().call
    opens = call.submission_opens_at
    assert open_step(call, opens - dt.timedelta(seconds=1)) == CallStep.UPCOMING
    assert open_step(call, opens) == CallStep.SUBMISSION
    assert open_step(call, call.submission_closes_at) == CallStep.REVIEW
    assert open_step(call, call.review_closes_at) == CallStep.ASSEMBLIES
    assert open_step(call, call.results_at) == CallStep.RESULTS
    call.voting_opens_at = call.assemblies_close_at + dt.timedelta(days=1)
    call.voting_closes_at = call.voting_opens_at + dt.timedelta(days=3)
    assert open_step(call, call.voting_opens_at) == CallStep.VOTING


def test_submission_closes_at_midnight_in_mexico_city_not_in_utc() -> None:
    """A call closing at 23:59 in Mexico City is still open at 03:00 UTC the next day."""
    world = build_world()
    call = world.call
    call.submission_closes_at = dt.datetime(2026, 3, 31, 23, 59, tzinfo=MEXICO)
    call.submission_opens_at = dt.datetime(2026, 3, 1, tzinfo=MEXICO)
    utc_next_day = dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC)
    assert submission_open(call, utc_next_day)
    assert not submission_open(call, dt.datetime(2026, 4, 1, 6, 0, tzinfo=dt.UTC))
    shown = in_programme_zone(world.programme, call.submission_closes_at.astimezone(dt.UTC))
    assert (shown.day, shown.hour, shown.minute) == (31, 23, 59)


def test_naive_dates_are_read_in_the_programme_zone() -> None:
    world = build_world()
    moment = in_programme_zone(world.programme, dt.datetime(2026, 3, 1, 9, 0))
    assert moment.utcoffset() == dt.timedelta(hours=-6)


def test_steps_out_of_order_are_named() -> None:
    day = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    dates = {
        "submission_opens_at": day,
        "submission_closes_at": day,  # must be after the opening
        "review_closes_at": day + dt.timedelta(days=2),
        "assemblies_close_at": day + dt.timedelta(days=1),  # before the review closes
        "voting_opens_at": None,
        "voting_closes_at": None,
        "results_at": day + dt.timedelta(days=5),
    }
    assert steps_out_of_order(dates) == ["submission_closes_at", "assemblies_close_at"]
    assert steps_out_of_order({**dates, "voting_opens_at": day}) == [
        "submission_closes_at",
        "assemblies_close_at",
        "voting_opens_at",
        "voting_closes_at",
    ]
