"""API of proposals: the group writes, attaches, collects signatures and submits; the staff
list a call's proposals; everybody reads a submitted proposal's public part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from barrio.errors import NotFound, in_payload
from barrio.participation import services
from barrio.participation.api.common import UnitOut
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import Proposal, WorkKind
from barrio.participation.selectors.calls import call_get_for_user
from barrio.participation.selectors.groups import group_list_for_representative
from barrio.participation.selectors.proposals import (
    ProposalFilters,
    proposal_get_for_user,
    proposal_list_for_staff,
    proposal_status_counts,
)
from barrio.participation.specs import BudgetLineSpec, ProposalSpec, TimelineSpec

router = Router(tags=["participation"])


class BudgetLineIn(Schema):
    concept: str = Field(..., min_length=1, max_length=200)
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    unit: str = Field(..., min_length=1, max_length=30)
    unit_cost_cents: int = Field(..., ge=0, le=10**15)


class TimelineIn(Schema):
    activity: str = Field(..., min_length=1, max_length=200)
    first_month: int = Field(..., ge=1, le=36)
    last_month: int = Field(..., ge=1, le=36)


class ProposalIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=30)
    unit_id: int = Field(..., ge=1)
    location: dict[str, Any] | None = Field(
        None, description="A GeoJSON Point or Polygon (longitude, latitude) inside the unit."
    )
    diagnosis: str = Field("", max_length=20_000)
    objectives: str = Field("", max_length=20_000)
    beneficiaries: str = Field("", max_length=5000)
    beneficiary_count: int = Field(0, ge=0, le=100_000_000)
    budget_lines: list[BudgetLineIn] = Field(default_factory=list, max_length=200)
    timeline: list[TimelineIn] = Field(default_factory=list, max_length=50)


class ProposalCreateIn(ProposalIn):
    group_id: int = Field(..., ge=1)


class BudgetLineOut(Schema):
    concept: str
    quantity: Decimal
    unit: str
    unit_cost_cents: int
    total_cents: int


class StepOut(Schema):
    from_status: str
    to_status: str
    reason: str
    at: dt.datetime


class GroupRef(Schema):
    id: int
    name: str


class ProposalSummaryOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    unit: UnitOut
    group: GroupRef
    status: str
    version: int
    total_cents: int
    currency: str
    submitted_at: dt.datetime | None


class ProposalOut(ProposalSummaryOut):
    call_id: int
    location: dict[str, Any] | None
    diagnosis: str
    objectives: str
    beneficiaries: str
    beneficiary_count: int
    timeline: list[dict[str, Any]]
    budget_lines: list[BudgetLineOut]
    history: list[StepOut]


class ProposalListOut(Schema):
    counts: dict[str, int]
    proposals: list[ProposalSummaryOut]


class AttachmentOut(Schema):
    id: int
    kind: str
    title: str
    document: str
    content_type: str
    size: int
    sha256: str


class AttachmentIn(Schema):
    title: str = Field("", max_length=200)
    document: str = Field("", max_length=200)


class SignatureIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    document_number: str = Field(..., min_length=1, max_length=40)
    unit_id: int = Field(..., ge=1)


class SignatureOut(Schema):
    id: int
    signature_count: int


def _summary(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "reference": proposal.reference,
        "title": proposal.title,
        "kind": proposal.kind,
        "unit": UnitOut(id=proposal.unit.pk, code=proposal.unit.code, name=proposal.unit.name),
        "group": GroupRef(id=proposal.group.pk, name=proposal.group.name),
        "status": proposal.status,
        "version": proposal.version,
        "total_cents": proposal.total_cents,
        "currency": proposal.call.programme.currency,
        "submitted_at": proposal.submitted_at,
    }


def proposal_out(proposal: Proposal) -> ProposalOut:
    """A proposal's content, budget and history (no personal data)."""
    return ProposalOut(
        **_summary(proposal),
        call_id=proposal.call_id,
        location=proposal.location,
        diagnosis=proposal.diagnosis,
        objectives=proposal.objectives,
        beneficiaries=proposal.beneficiaries,
        beneficiary_count=proposal.beneficiary_count,
        timeline=proposal.timeline,
        budget_lines=[
            BudgetLineOut(
                concept=line.concept,
                quantity=line.quantity,
                unit=line.unit,
                unit_cost_cents=line.unit_cost_cents,
                total_cents=line.total_cents,
            )
            for line in proposal.budget_lines.all()
        ],
        history=[
            StepOut(
                from_status=step.from_status,
                to_status=step.to_status,
                reason=step.reason,
                at=step.created_at,
            )
            for step in proposal.transitions.all()
        ],
    )


def _spec(payload: ProposalIn) -> ProposalSpec:
    return ProposalSpec(
        title=payload.title,
        kind=payload.kind,
        unit_id=payload.unit_id,
        location=payload.location,
        diagnosis=payload.diagnosis,
        objectives=payload.objectives,
        beneficiaries=payload.beneficiaries,
        beneficiary_count=payload.beneficiary_count,
        budget_lines=tuple(
            BudgetLineSpec(b.concept, b.quantity, b.unit, b.unit_cost_cents)
            for b in payload.budget_lines
        ),
        timeline=tuple(
            TimelineSpec(t.activity, t.first_month, t.last_month) for t in payload.timeline
        ),
    )


def _fresh(request: HttpRequest, proposal_id: int) -> ProposalOut:
    return proposal_out(proposal_get_for_user(user=request.user, proposal_id=proposal_id))


@router.get(
    "/calls/{call_id}/proposals", response=ProposalListOut, summary="List a call's proposals"
)
def proposal_list(
    request: HttpRequest, call_id: int, unit: int = 0, kind: str = "", status: str = ""
) -> ProposalListOut:
    """The proposals of a call in the caller's scope (staff), filtered, with the counts."""
    call = call_get_for_user(user=request.user, call_id=call_id)
    filters = ProposalFilters(
        unit_id=unit or None,
        kind=kind if kind in WorkKind.values else "",
        status=status if status in ProposalStatus.values else "",
    )
    proposals = proposal_list_for_staff(user=request.user, call=call, filters=filters)
    return ProposalListOut(
        counts=proposal_status_counts(user=request.user, call=call),
        proposals=[ProposalSummaryOut(**_summary(p)) for p in proposals[:5000]],
    )


@router.post("/calls/{call_id}/proposals", response={201: ProposalOut}, summary="Start a proposal")
def proposal_create(
    request: HttpRequest, call_id: int, payload: ProposalCreateIn
) -> Status[ProposalOut]:
    """Save a draft of one of the caller's groups."""
    call = call_get_for_user(user=request.user, call_id=call_id)
    groups = group_list_for_representative(user=request.user, programme_id=call.programme_id)
    group = next((g for g in groups if g.pk == payload.group_id), None)
    if group is None:
        raise NotFound()
    spec = _spec(payload)
    made = in_payload(
        lambda: services.proposal_create(actor=request.user, call=call, group=group, spec=spec)
    )
    return Status(201, _fresh(request, made.pk))


@router.get("/proposals/{proposal_id}", response=ProposalOut, auth=None, summary="Read a proposal")
def proposal_read(request: HttpRequest, proposal_id: int) -> ProposalOut:
    """A submitted proposal for everybody; a draft for its group and the staff in scope."""
    return _fresh(request, proposal_id)


@router.put("/proposals/{proposal_id}", response=ProposalOut, summary="Change a proposal")
def proposal_update(request: HttpRequest, proposal_id: int, payload: ProposalIn) -> ProposalOut:
    """Replace the content of a draft or of a proposal returned for correction."""
    proposal = proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    spec = _spec(payload)
    in_payload(lambda: services.proposal_update(actor=request.user, proposal=proposal, spec=spec))
    return _fresh(request, proposal_id)


@router.post("/proposals/{proposal_id}/submit", response=ProposalOut, summary="Submit a proposal")
def proposal_submit(request: HttpRequest, proposal_id: int) -> ProposalOut:
    """Freeze the proposal as its next version; 409 outside the submission step, 422 with
    everything still missing."""
    proposal = proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    in_payload(lambda: services.proposal_submit(actor=request.user, proposal=proposal))
    return _fresh(request, proposal_id)


@router.post(
    "/proposals/{proposal_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a photo or a PDF",
)
def attachment_add(
    request: HttpRequest,
    proposal_id: int,
    options: Form[AttachmentIn],
    file: File[UploadedFile],
) -> Status[AttachmentOut]:
    """Attach a file; its type is read from its content (photos 5 MB, PDF 10 MB)."""
    proposal = proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    made = in_payload(
        lambda: services.attachment_add(
            actor=request.user,
            proposal=proposal,
            upload=file,
            title=options.title,
            document=options.document,
        )
    )
    return Status(
        201,
        AttachmentOut(
            id=made.pk,
            kind=made.kind,
            title=made.title,
            document=made.document,
            content_type=made.content_type,
            size=made.size,
            sha256=made.sha256,
        ),
    )


@router.post(
    "/proposals/{proposal_id}/signatures",
    response={201: SignatureOut},
    summary="Record a supporting signature",
)
def signature_add(
    request: HttpRequest, proposal_id: int, payload: SignatureIn
) -> Status[SignatureOut]:
    """Record a resident's support (once per identity document); nothing personal comes back."""
    proposal = proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    made = in_payload(
        lambda: services.signature_add(
            actor=request.user,
            proposal=proposal,
            full_name=payload.full_name,
            document_number=payload.document_number,
            unit_id=payload.unit_id,
        )
    )
    return Status(201, SignatureOut(id=made.pk, signature_count=proposal.signatures.count()))
