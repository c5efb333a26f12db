"""API of reconciliation: a provider's result file, the sums, verification by contact."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import NotFound, PermissionDenied
from barrio.registry import payments_selectors as selectors
from barrio.registry.models import Verification
from barrio.registry.services import reconciliation

router = Router()


class ImportOut(Schema):
    id: int
    file_name: str
    fingerprint: str
    row_count: int
    changed_count: int
    created_at: dt.datetime


class SumOut(Schema):
    group: str
    currency: str
    entitled_cents: int
    delivered_cents: int
    undelivered_cents: int


class TotalsOut(Schema):
    cycle: list[SumOut]
    city: list[SumOut]
    programme: list[SumOut]


class DrawIn(Schema):
    size: int = Field(..., ge=1, le=1000)
    seed: int = Field(..., ge=0, le=2**31 - 1)


class ContactOut(Schema):
    id: int
    reference: str
    household_id: int
    answer: str
    note: str


class VerificationOut(Schema):
    id: int
    cycle_id: int
    seed: int
    size: int
    population: int
    contacts: list[ContactOut]


class AnswerIn(Schema):
    answer: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)


def _programme(request: HttpRequest, slug: str) -> Any:
    programme = programme_get_for_user(user=request.user, slug=slug)
    if not selectors.may_see_cash(request.user, programme):
        raise PermissionDenied()
    return programme


def _import_out(done: Any) -> ImportOut:
    return ImportOut(
        id=done.pk,
        file_name=done.file_name,
        fingerprint=done.fingerprint,
        row_count=done.row_count,
        changed_count=done.changed_count,
        created_at=done.created_at,
    )


def _verification_out(found: Verification) -> dict[str, Any]:
    return {
        "id": found.pk,
        "cycle_id": found.cycle_id,
        "seed": found.seed,
        "size": found.size,
        "population": found.population,
        "contacts": [
            {
                "id": c.pk,
                "reference": c.payment.reference,
                "household_id": c.payment.household_id,
                "answer": c.answer,
                "note": c.note,
            }
            for c in found.contacts.select_related("payment").order_by("pk")
        ],
    }


@router.post(
    "/programmes/{slug}/reconciliation-imports",
    response={201: ImportOut},
    summary="Import a provider's result file",
)
def reconciliation_import(request: HttpRequest, slug: str, file: File[UploadedFile]) -> Any:
    """Check every row, then apply all or nothing (a 422 lists ``row, column, message``).

    The same file again changes nothing and answers the earlier import.
    """
    programme = _programme(request, slug)
    done = reconciliation.reconciliation_import(
        actor=request.user,
        programme=programme,
        file_name=file.name or "",
        content=file.read(),
    )
    return Status(201, _import_out(done))


@router.get("/programmes/{slug}/reconciliation", response=TotalsOut, summary="Reconciliation sums")
def reconciliation_sums(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Entitled, delivered and undelivered cents by cycle, city and programme."""
    programme = _programme(request, slug)
    sums = reconciliation.reconciliation_totals(programme)
    return {
        key: [
            {
                "group": row.group,
                "currency": row.currency,
                "entitled_cents": row.entitled,
                "delivered_cents": row.delivered,
                "undelivered_cents": row.undelivered,
            }
            for row in rows
        ]
        for key, rows in sums.items()
    }


@router.post(
    "/programmes/{slug}/cycles/{cycle_id}/verifications",
    response={201: VerificationOut},
    summary="Draw households to verify",
)
def verification_draw(request: HttpRequest, slug: str, cycle_id: int, body: DrawIn) -> Any:
    """A seeded random sample of the cycle's delivered payments (payments officers)."""
    programme = _programme(request, slug)
    cycle = selectors.cycle_get_for_user(user=request.user, programme=programme, cycle_id=cycle_id)
    drawn = reconciliation.verification_draw(
        actor=request.user, cycle=cycle, size=body.size, seed=body.seed
    )
    return Status(201, _verification_out(drawn))


@router.get(
    "/programmes/{slug}/verifications/{verification_id}",
    response=VerificationOut,
    summary="Read a verification",
)
def verification_detail(request: HttpRequest, slug: str, verification_id: int) -> dict[str, Any]:
    """The households drawn and what each answered."""
    programme = _programme(request, slug)
    found = selectors.verification_get_for_user(
        user=request.user, programme=programme, verification_id=verification_id
    )
    return _verification_out(found)


@router.post(
    "/programmes/{slug}/verifications/{verification_id}/contacts/{contact_id}",
    response=VerificationOut,
    summary="Record a household's answer",
)
def verification_answer(
    request: HttpRequest, slug: str, verification_id: int, contact_id: int, body: AnswerIn
) -> dict[str, Any]:
    """What the household said: received, received less, not received, unreachable."""
    programme = _programme(request, slug)
    found = selectors.verification_get_for_user(
        user=request.user, programme=programme, verification_id=verification_id
    )
    contact = found.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    reconciliation.verification_record(
        actor=request.user, contact=contact, answer=body.answer, note=body.note
    )
    return _verification_out(found)
