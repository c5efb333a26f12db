"""Read queries of a vote's census list: masked by default, and every read audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, may
from barrio.errors import NotAuthenticated, PermissionDenied
from barrio.participation.models import CensusEntry, Election, Voter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

__all__ = ["CensusPage", "CensusRow", "census_read", "mask"]


@dataclass(frozen=True)
class CensusRow:
    """One person on the census as the staff see it: masked, with whether they voted."""

    id: int
    row: int
    document_type: str
    document: str
    phone: str
    email: str
    unit: str
    voted: bool


@dataclass(frozen=True)
class CensusPage:
    """How many people the census holds and voted, and the first of them (masked)."""

    total: int
    voted: int
    rows: list[CensusRow]


def mask(value: str, keep: int = 3) -> str:
    """Hide all but the last ``keep`` characters (``"ABCD800531HDF"`` → ``"•••HDF"``).

    >>> mask("ABCD800531HDF")
    '•••HDF'
    >>> mask("")
    ''
    """
    return f"•••{value[-keep:]}" if value else ""


def census_read(
    *,
    user: User | AnonymousUser,
    election: Election,
    channel: Channel,
    offset: int = 0,
    limit: int = 100,
) -> CensusPage:
    """The census of ``election`` from ``offset``, masked; each person shown is audited.

    Only the programme's managers and auditors read it.
    """
    if not user.is_authenticated:
        raise NotAuthenticated()
    programme = election.call.programme
    if not may(user, Action.CENSUS_VIEW, programme=programme):
        raise PermissionDenied()
    entries = CensusEntry.objects.filter(election=election)
    voted_ids = set(
        Voter.objects.filter(pot__election=election, census_entry__isnull=False).values_list(
            "census_entry_id", flat=True
        )
    )
    shown = list(entries.select_related("unit").order_by("pk")[offset : offset + limit])
    audit_personal_data_read(actor=user, objects=shown, channel=channel, programme=programme)
    rows = [
        CensusRow(
            id=entry.pk,
            row=entry.row,
            document_type=entry.document_type,
            document=mask(entry.document_number),
            phone=mask(entry.phone, 2),
            email=mask(entry.email, 2),
            unit=entry.unit.name if entry.unit else "",
            voted=entry.pk in voted_ids,
        )
        for entry in shown
    ]
    return CensusPage(total=entries.count(), voted=len(voted_ids), rows=rows)
