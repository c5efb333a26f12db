"""Rules of grievance cases that need no database: their life cycle and their deadlines.

A case moves through ``new → assigned → in_progress ⇄ on_hold → resolved → closed``; a
resolved case may be reopened (back to ``in_progress``) when the person is not satisfied,
and any open case may be closed without a resolution (withdrawn, unfounded, a duplicate).
A closed case is final.

A deadline is a number of calendar days after the day the case was opened, counted in the
programme's time zone: a case opened in Lima at 23:30 on 3 March with 2 days is due at the
end of 5 March, Lima time, whatever the server's clock zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from zoneinfo import ZoneInfo

__all__ = [
    "CLOSED",
    "OPEN_STATUSES",
    "STATUSES",
    "TRANSITIONS",
    "due_at",
    "is_overdue",
    "may_transition",
]

STATUSES = ("new", "assigned", "in_progress", "on_hold", "resolved", "closed")
CLOSED = "closed"
#: Statuses in which a case still waits for the programme (they can be overdue).
OPEN_STATUSES = frozenset({"new", "assigned", "in_progress", "on_hold"})

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"assigned", "closed"}),
    "assigned": frozenset({"assigned", "in_progress", "closed"}),
    "in_progress": frozenset({"assigned", "on_hold", "resolved", "closed"}),
    "on_hold": frozenset({"assigned", "in_progress", "closed"}),
    "resolved": frozenset({"in_progress", "closed"}),
    "closed": frozenset(),
}


def may_transition(current: str, target: str) -> bool:
    """Tell whether a case may go from status ``current`` to ``target``.

    Raises
    ------
    ValueError
        When either status is unknown.

    Examples
    --------
    >>> may_transition("new", "assigned"), may_transition("closed", "in_progress")
    (True, False)
    """
    for status in (current, target):
        if status not in TRANSITIONS:
            raise ValueError(f"Unknown status {status!r}.")
    return target in TRANSITIONS[current]


def due_at(opened_at: dt.datetime, days: int, time_zone: str) -> dt.datetime:
    """Return when a case opened at ``opened_at`` with ``days`` days to answer is due.

    The deadline is the last instant of the ``days``-th calendar day after the opening day,
    both days taken in ``time_zone``; it is returned in UTC.

    Parameters
    ----------
    opened_at : datetime
        When the case was opened; must carry a time zone.
    days : int
        Calendar days to answer, 0 (the same day) or more.
    time_zone : str
        An IANA zone such as ``"America/Lima"``.

    Raises
    ------
    ValueError
        For a naive ``opened_at``, negative ``days`` or an unknown zone.

    Examples
    --------
    >>> opened = dt.datetime(2026, 3, 4, 4, 30, tzinfo=dt.timezone.utc)  # 23:30 on 3 March in Lima
    >>> due_at(opened, 2, "America/Lima").isoformat()
    '2026-03-06T04:59:59+00:00'
    """
    if opened_at.tzinfo is None or opened_at.utcoffset() is None:
        raise ValueError("opened_at must carry a time zone.")
    if days < 0:
        raise ValueError("days must be 0 or more.")
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError) as error:
        raise ValueError(f"Unknown time zone {time_zone!r}.") from error
    local_day = opened_at.astimezone(zone).date() + dt.timedelta(days=days)
    end = dt.datetime.combine(local_day, dt.time(23, 59, 59), tzinfo=zone)
    return end.astimezone(dt.UTC)


def is_overdue(status: str, due: dt.datetime | None, now: dt.datetime) -> bool:
    """Tell whether a case in ``status`` due at ``due`` is overdue at ``now``.

    Only open cases are overdue; a resolved or closed case never is.

    Examples
    --------
    >>> due = dt.datetime(2026, 3, 6, 4, 59, 59, tzinfo=dt.timezone.utc)
    >>> later = due + dt.timedelta(seconds=1)
    >>> is_overdue("in_progress", due, later), is_overdue("resolved", due, later)
    (True, False)
    """
    if status not in TRANSITIONS:
        raise ValueError(f"Unknown status {status!r}.")
    return status in OPEN_STATUSES and due is not None and now > due
