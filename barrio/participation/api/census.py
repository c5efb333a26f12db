"""API of census votes: import and read the census list, ask for a code, vote with it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from barrio.accounts.audit import Channel
from barrio.errors import in_payload
from barrio.participation.api.votes import ChoiceIn, ReceiptOut
from barrio.participation.models import CodeAttempt
from barrio.participation.selectors import census as census_selectors
from barrio.participation.selectors import votes as selectors
from barrio.participation.services import Choice
from barrio.participation.services.census import census_import
from barrio.participation.services.codes import (
    census_ballot_cast,
    census_code_send,
    census_identify,
    code_attempt_record,
)
from barrio.participation.services.imports import uploaded_table
from barrio.participation.views.common import client_address

router = Router(tags=["participation"])


class CensusImportOut(Schema):
    rows: int
    added: int
    unchanged: int


class CensusRowOut(Schema):
    id: int
    row: int
    document_type: str
    document: str = Field(..., description="Masked: the last three characters.")
    phone: str
    email: str
    unit: str
    voted: bool


class CensusOut(Schema):
    total: int
    voted: int
    entries: list[CensusRowOut]


class CodeIn(Schema):
    document_number: str = Field(..., min_length=1, max_length=40)
    birth_date: dt.date
    channel: Literal["sms", "email"] = "sms"


class CodeSentOut(Schema):
    channel: str
    to: str = Field(..., description="Masked: the last two characters.")
    expires_at: dt.datetime


class CensusBallotIn(Schema):
    document_number: str = Field(..., min_length=1, max_length=40)
    birth_date: dt.date
    code: str = Field(..., min_length=1, max_length=12)
    choices: list[ChoiceIn] = Field(..., max_length=1000)


@router.post(
    "/votes/{vote_id}/census", response={201: CensusImportOut}, summary="Import a census list"
)
def census_import_file(
    request: HttpRequest, vote_id: int, file: File[UploadedFile]
) -> Status[CensusImportOut]:
    """Add the people of a CSV or XLSX file to a census vote's list (a programme manager).

    The whole file is checked first; on any wrong cell nothing is stored and every problem is
    listed with ``loc`` = ``["row", number, column]``.
    """
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    with uploaded_table(file) as path:
        done = census_import(actor=request.user, election=election, path=path)
    return Status(201, CensusImportOut(rows=done.rows, added=done.added, unchanged=done.unchanged))


@router.get("/votes/{vote_id}/census", response=CensusOut, summary="Read the census list")
def census_list(request: HttpRequest, vote_id: int, offset: int = 0, limit: int = 100) -> CensusOut:
    """The census list, masked; every person returned is recorded in the audit log."""
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    page = census_selectors.census_read(
        user=request.user,
        election=election,
        channel=Channel.API,
        offset=max(offset, 0),
        limit=min(max(limit, 1), 500),
    )
    return CensusOut(
        total=page.total,
        voted=page.voted,
        entries=[CensusRowOut(**row.__dict__) for row in page.rows],
    )


@router.post(
    "/votes/{vote_id}/census/codes",
    response={201: CodeSentOut},
    auth=None,
    summary="Ask for a one-time code",
)
def census_code(request: HttpRequest, vote_id: int, payload: CodeIn) -> Status[CodeSentOut]:
    """Send a one-time code to a person on the census, by SMS or e-mail (no sign-in).

    At most ``BARRIO_CODE_RATE_LIMIT`` attempts per client address in 10 minutes: beyond,
    429 (``too_many_requests``)."""
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    code_attempt_record(address=client_address(request), step=CodeAttempt.Step.SEND)
    sent = in_payload(lambda: census_code_send(election=election, **payload.dict()))
    return Status(201, CodeSentOut(channel=sent.channel, to=sent.to, expires_at=sent.expires_at))


@router.post(
    "/votes/{vote_id}/pots/{pot_id}/census-ballots",
    response={201: ReceiptOut},
    auth=None,
    summary="Cast a ballot with a one-time code",
)
def census_ballot(
    request: HttpRequest, vote_id: int, pot_id: int, payload: CensusBallotIn
) -> Status[ReceiptOut]:
    """Cast the ballot of a person on the census with the code sent to them (no sign-in).

    At most ``BARRIO_CODE_RATE_LIMIT`` attempts per client address in 10 minutes: beyond,
    429 (``too_many_requests``)."""
    election = selectors.election_get_for_user(user=request.user, election_id=vote_id)
    pot = selectors.pot_get(election=election, pot_id=pot_id)
    code_attempt_record(address=client_address(request), step=CodeAttempt.Step.VERIFY)
    cast = in_payload(
        lambda: census_ballot_cast(
            pot=pot,
            entry=census_identify(
                election=election,
                document_number=payload.document_number,
                birth_date=payload.birth_date,
            ),
            code=payload.code,
            choices=[Choice(c.proposal, c.value) for c in payload.choices],
        )
    )
    return Status(201, ReceiptOut(receipt=cast.receipt, changed=cast.changed))
