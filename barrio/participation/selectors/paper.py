"""Read queries of polling stations and paper ballots."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet

from barrio.errors import NotFound
from barrio.participation.models import (
    Election,
    PaperEntry,
    PaperKind,
    PaperTally,
    PollingStation,
    Pot,
    StationOfficial,
)
from barrio.participation.selectors.votes import may_see_vote_drafts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

__all__ = [
    "counted_totals",
    "may_see_stations",
    "station_get_for_user",
    "station_list_for_user",
    "tallies_of",
    "with_totals",
]


def counted_totals(pot: Pot) -> tuple[dict[int, int], int]:
    """The stations' counted totals per project (by proposal id) in ``pot``, and their sheets.

    Totals come from stations that gave no sheets; only the greedy rules count them.
    """
    totals: dict[int, int] = {}
    sheets = 0
    for counts, count in PaperTally.objects.filter(
        pot=pot, kind=PaperKind.COUNTS, status=PaperTally.Status.COUNTED
    ).values_list("counts", "sheets"):
        sheets += count
        for pid, votes in counts.items():
            totals[int(pid)] = totals.get(int(pid), 0) + int(votes)
    return totals, sheets


def with_totals(
    distinct: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], totals: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Add per-project totals to a compact profile as that many one-project approval ballots.

    The approval score of every project is then its online votes plus its total, which is
    all the greedy rules read; rows equal to an existing ballot are merged into it.

    >>> d, c = with_totals(np.array([[1, 0], [1, 1]]), np.array([3, 2]), np.array([4, 0]))
    >>> d.tolist(), c.tolist()
    ([[1, 0], [1, 1]], [7, 2])
    """
    width = totals.shape[0]
    given = totals > 0
    stacked = np.concatenate([distinct.reshape(-1, width), np.eye(width, dtype=np.int64)[given]])
    weights = np.concatenate([counts, totals[given]])
    merged = np.unique(stacked, axis=0, return_inverse=True)
    inverse = np.asarray(merged[1]).reshape(-1)
    return merged[0].astype(np.int64), np.bincount(inverse, weights=weights).astype(np.int64)


def _is_official(user: User | AnonymousUser, election: Election) -> bool:
    return (
        user.is_authenticated
        and StationOfficial.objects.filter(station__election=election, user_id=user.pk).exists()
    )


def may_see_stations(user: User | AnonymousUser, election: Election) -> bool:
    """Tell whether ``user`` reads a vote's stations: the programme staff, its officials."""
    return may_see_vote_drafts(user, election.call.programme) or _is_official(user, election)


def station_list_for_user(
    *, user: User | AnonymousUser, election: Election
) -> QuerySet[PollingStation]:
    """The stations of a vote: all of them for the programme staff, else those where
    ``user`` is an official.

    Raises :class:`NotFound` for anybody else."""
    if not may_see_stations(user, election):
        raise NotFound()
    stations = PollingStation.objects.filter(election=election).select_related("unit")
    if may_see_vote_drafts(user, election.call.programme):
        return stations
    return stations.filter(officials__user_id=user.pk or 0)


def station_get_for_user(
    *, user: User | AnonymousUser, election: Election, station_id: int
) -> PollingStation:
    """One station ``user`` may see (see :func:`station_list_for_user`), or :class:`NotFound`."""
    station = (
        station_list_for_user(user=user, election=election)
        .select_related("election__call__programme")
        .filter(pk=station_id)
        .first()
    )
    if station is None:
        raise NotFound()
    return station


def tallies_of(station: PollingStation) -> list[tuple[Pot, list[PaperEntry], PaperTally | None]]:
    """Per pot the station serves and has entries in: its entries and its comparison."""
    entries = list(PaperEntry.objects.filter(station=station).select_related("pot", "entered_by"))
    tallies = {t.pot_id: t for t in PaperTally.objects.filter(station=station)}
    pots: dict[int, Pot] = {}
    for entry in entries:
        pots.setdefault(entry.pot_id, entry.pot)
    return [
        (pot, [e for e in entries if e.pot_id == pot.pk], tallies.get(pot.pk))
        for pot in pots.values()
    ]
