"""API of polling stations and paper ballots: stations, officials, in-person ballots, the
double entry of paper ballots and the resolution of disagreements."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from barrio.errors import FieldError, NotFound, ValidationFailed, in_payload
from barrio.participation import services
from barrio.participation.api.votes import ChoiceIn, ReceiptOut
from barrio.participation.models import PaperEntry, PaperTally, PollingStation
from barrio.participation.selectors import paper as stations
from barrio.participation.selectors import votes as selectors
from barrio.participation.services.imports import uploaded_table
from barrio.territories.selectors import unit_get

router = Router(tags=["participation"])


class StationIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    place: str = Field(..., min_length=1, max_length=300)
    unit_id: int | None = Field(None, ge=1, description="Empty: the whole programme.")


class StationOut(Schema):
    id: int
    code: str
    name: str
    place: str
    unit_id: int | None
    officials: list[int]


class OfficialIn(Schema):
    user_id: int = Field(..., ge=1)


class InPersonIn(Schema):
    pot: int = Field(..., ge=1)
    document_type: Literal["ine", "passport", "curp", "other"]
    document_number: str = Field(..., min_length=1, max_length=60)
    choices: list[ChoiceIn] = Field(..., max_length=1000)


class PaperIn(Schema):
    pot: int = Field(..., ge=1)
    kind: Literal["sheets", "counts"]


class DisagreementOut(Schema):
    sheet: str | None
    project: int | str | None = Field(..., description='A proposal id, or "sheets".')
    first: int | str | None
    second: int | str | None


class EntryOut(Schema):
    id: int
    pot_id: int
    number: int
    kind: str
    sheets: int
    entered_by: int
    entered_at: dt.datetime


class TallyOut(Schema):
    pot_id: int
    kind: str
    status: str
    sheets: int
    counted: int
    counts: dict[str, int]
    disagreements: list[DisagreementOut]
    resolved_at: dt.datetime | None


class PaperOut(Schema):
    entry: EntryOut
    tally: TallyOut | None


class PotPaperOut(Schema):
    pot_id: int
    entries: list[EntryOut]
    tally: TallyOut | None


class ResolveIn(Schema):
    sheets: dict[str, dict[int, int]] = Field(
        default_factory=dict, description="Each disputed sheet: proposal id → value."
    )
    totals: dict[int, int] = Field(default_factory=dict, description="Proposal id → votes.")
    sheet_count: int | None = Field(None, ge=0, le=10**9)


def _station_out(station: PollingStation) -> StationOut:
    return StationOut(
        id=station.pk,
        code=station.code,
        name=station.name,
        place=station.place,
        unit_id=station.unit_id,
        officials=sorted(station.officials.values_list("user_id", flat=True)),
    )


def _entry_out(entry: PaperEntry) -> EntryOut:
    return EntryOut(
        id=entry.pk,
        pot_id=entry.pot_id,
        number=entry.number,
        kind=entry.kind,
        sheets=entry.sheets,
        entered_by=entry.entered_by_id,
        entered_at=entry.entered_at,
    )


def _tally_out(tally: PaperTally | None) -> TallyOut | None:
    if tally is None:
        return None
    return TallyOut(
        pot_id=tally.pot_id,
        kind=tally.kind,
        status=tally.status,
        sheets=tally.sheets,
        counted=tally.counted,
        counts=tally.counts,
        disagreements=[DisagreementOut(**d) for d in tally.disagreements],
        resolved_at=tally.resolved_at,
    )


def _station(request: HttpRequest, vote_id: int, station_id: int) -> PollingStation:
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    return stations.station_get_for_user(
        user=request.user, election=election, station_id=station_id
    )


@router.get("/votes/{vote_id}/stations", response=list[StationOut], summary="List stations")
def station_list(request: HttpRequest, vote_id: int) -> list[StationOut]:
    """A vote's polling stations: all for the staff, their own for the officials."""
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    return [
        _station_out(s)
        for s in stations.station_list_for_user(user=request.user, election=election)
    ]


@router.post("/votes/{vote_id}/stations", response={201: StationOut}, summary="Add a station")
def station_create(request: HttpRequest, vote_id: int, payload: StationIn) -> Status[StationOut]:
    """Add a polling station to a vote (a programme manager)."""
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    data = payload.dict()
    unit = None
    if data["unit_id"] is not None:
        unit = unit_get(unit_id=data["unit_id"])
        if unit is None:
            raise ValidationFailed(
                errors=[FieldError(("body", "payload", "unit_id"), _("There is no such unit."))]
            )
    station = in_payload(
        lambda: services.station_create(
            actor=request.user,
            election=election,
            code=data["code"],
            name=data["name"],
            place=data["place"],
            unit=unit,
        )
    )
    return Status(201, _station_out(station))


@router.post(
    "/votes/{vote_id}/stations/{station_id}/officials",
    response={201: StationOut},
    summary="Assign an official",
)
def station_official_assign(
    request: HttpRequest, vote_id: int, station_id: int, payload: OfficialIn
) -> Status[StationOut]:
    """Assign a member of the municipal team to a station (a programme manager)."""
    station = _station(request, vote_id, station_id)
    user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    if user is None:
        raise NotFound()
    in_payload(
        lambda: services.station_official_assign(actor=request.user, station=station, user=user)
    )
    return Status(201, _station_out(station))


@router.post(
    "/votes/{vote_id}/stations/{station_id}/ballots",
    response={201: ReceiptOut},
    summary="Enter a ballot in person",
)
def station_ballot_enter(
    request: HttpRequest, vote_id: int, station_id: int, payload: InPersonIn
) -> Status[ReceiptOut]:
    """Enter the ballot of a person whose document the official checked (an official)."""
    station = _station(request, vote_id, station_id)
    pot = selectors.pot_get(election=station.election, pot_id=payload.pot)
    choices = [services.Choice(c.proposal, c.value) for c in payload.choices]
    cast = in_payload(
        lambda: services.station_ballot_enter(
            actor=request.user,
            station=station,
            pot=pot,
            document_type=payload.document_type,
            document_number=payload.document_number,
            choices=choices,
        )
    )
    return Status(201, ReceiptOut(receipt=cast.receipt, changed=cast.changed))


@router.get(
    "/votes/{vote_id}/stations/{station_id}/paper",
    response=list[PotPaperOut],
    summary="Read a station's paper entries",
)
def paper_list(request: HttpRequest, vote_id: int, station_id: int) -> list[PotPaperOut]:
    """Per pot: the station's entries and their comparison, with every disagreement."""
    station = _station(request, vote_id, station_id)
    return [
        PotPaperOut(
            pot_id=pot.pk, entries=[_entry_out(e) for e in entries], tally=_tally_out(tally)
        )
        for pot, entries, tally in stations.tallies_of(station)
    ]


@router.post(
    "/votes/{vote_id}/stations/{station_id}/paper",
    response={201: PaperOut},
    summary="Enter paper ballots",
)
def paper_entry_import(
    request: HttpRequest,
    vote_id: int,
    station_id: int,
    options: Form[PaperIn],
    file: File[UploadedFile],
) -> Status[PaperOut]:
    """One official's entry of the station's paper ballots in a pot (CSV or XLSX): the
    sheets one per row, or the totals per project. The second entry is compared at once."""
    station = _station(request, vote_id, station_id)
    pot = selectors.pot_get(election=station.election, pot_id=options.pot)

    def run() -> tuple[PaperEntry, PaperTally | None]:
        with uploaded_table(file) as path:
            return services.paper_entry_import(
                actor=request.user,
                station=station,
                pot=pot,
                kind=options.kind,
                path=path,
                file_name=file.name or "",
            )

    entry, tally = run()
    return Status(201, PaperOut(entry=_entry_out(entry), tally=_tally_out(tally)))


@router.post(
    "/votes/{vote_id}/stations/{station_id}/pots/{pot_id}/resolve",
    response=TallyOut,
    summary="Resolve disagreements",
)
def paper_tally_resolve(
    request: HttpRequest, vote_id: int, station_id: int, pot_id: int, payload: ResolveIn
) -> Any:
    """Resolve the disagreements of a station's two entries from the paper (a programme
    manager who typed neither)."""
    station = _station(request, vote_id, station_id)
    tally = PaperTally.objects.filter(station=station, pot_id=pot_id).first()
    if tally is None:
        raise NotFound()
    resolved = in_payload(
        lambda: services.paper_tally_resolve(
            actor=request.user,
            tally=tally,
            sheets=payload.sheets,
            totals=payload.totals,
            sheet_count=payload.sheet_count,
        )
    )
    return _tally_out(resolved)
