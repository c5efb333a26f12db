"""API of payment plans: a household's payment details, plans, their sign-offs and files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import PermissionDenied
from barrio.registry import payments_selectors as selectors
from barrio.registry import selectors as registry_selectors
from barrio.registry.models import PaymentPlan
from barrio.registry.services import payments

router = Router()


class DeliveryAccountIn(Schema):
    provider: str = Field(..., max_length=40)
    details: dict[str, str] = Field(
        ..., description="The fields the provider needs, e.g. {'phone': '987654321'}."
    )


class DeliveryAccountOut(Schema):
    household_id: int
    provider: str
    mechanism: str
    updated_at: dt.datetime


class PlanIn(Schema):
    target_list_id: int


class PlanOut(Schema):
    id: int
    cycle_id: int
    target_list_id: int
    status: str
    currency: str
    total_cents: int
    payment_count: int
    excluded_count: int
    created_at: dt.datetime
    approved_at: dt.datetime | None
    authorized_at: dt.datetime | None
    released_at: dt.datetime | None
    left_out: list[dict[str, Any]]


class FileOut(Schema):
    id: int
    provider: str
    file_name: str
    row_count: int


class ReleaseOut(Schema):
    plan: PlanOut
    password: str = Field(..., description="Shown this once; Barrio does not keep it.")
    files: list[FileOut]


def _plan_out(plan: PaymentPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "cycle_id": plan.cycle_id,
        "target_list_id": plan.target_list_id,
        "status": plan.status,
        "currency": plan.currency,
        "total_cents": plan.total_cents,
        "payment_count": plan.payment_count,
        "excluded_count": plan.excluded_count,
        "created_at": plan.created_at,
        "approved_at": plan.approved_at,
        "authorized_at": plan.authorized_at,
        "released_at": plan.released_at,
        "left_out": [
            {"reason": reason, "count": count}
            for reason, count in selectors.plan_summary_rows(plan)
        ],
    }


def _programme(request: HttpRequest, slug: str) -> Any:
    programme = programme_get_for_user(user=request.user, slug=slug)
    if not selectors.may_see_cash(request.user, programme):
        raise PermissionDenied()
    return programme


def _plan(request: HttpRequest, slug: str, plan_id: int) -> PaymentPlan:
    programme = _programme(request, slug)
    return selectors.payment_plan_get_for_user(
        user=request.user, programme=programme, plan_id=plan_id
    )


@router.put(
    "/households/{household_id}/delivery-account",
    response=DeliveryAccountOut,
    summary="Record a household's payment details",
)
def delivery_account_put(
    request: HttpRequest, household_id: int, body: DeliveryAccountIn
) -> DeliveryAccountOut:
    """The provider and the fields it needs (checked; stored encrypted, never answered)."""
    household = registry_selectors.household_get_for_user(
        user=request.user, household_id=household_id
    )
    account = payments.delivery_account_set(
        actor=request.user, household=household, provider=body.provider, details=body.details
    )
    return DeliveryAccountOut(
        household_id=household.pk,
        provider=account.provider,
        mechanism=account.mechanism,
        updated_at=account.updated_at,
    )


@router.get(
    "/programmes/{slug}/payment-plans", response=list[PlanOut], summary="List payment plans"
)
def payment_plan_list(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The programme's payment plans, newest first."""
    programme = _programme(request, slug)
    plans = selectors.payment_plan_list_for_user(user=request.user, programme=programme)
    return [_plan_out(plan) for plan in plans]


@router.post(
    "/programmes/{slug}/cycles/{cycle_id}/payment-plans",
    response={201: PlanOut},
    summary="Make a payment plan",
)
def payment_plan_create(request: HttpRequest, slug: str, cycle_id: int, body: PlanIn) -> Any:
    """Pay the cycle's entitlement to an approved list's households (payments officers)."""
    programme = _programme(request, slug)
    cycle = selectors.cycle_get_for_user(user=request.user, programme=programme, cycle_id=cycle_id)
    target = selectors.target_list_get_for_user(
        user=request.user, programme=programme, list_id=body.target_list_id
    )
    plan = payments.payment_plan_create(actor=request.user, cycle=cycle, target_list=target)
    return Status(201, _plan_out(plan))


@router.get(
    "/programmes/{slug}/payment-plans/{plan_id}", response=PlanOut, summary="Read a payment plan"
)
def payment_plan_detail(request: HttpRequest, slug: str, plan_id: int) -> dict[str, Any]:
    """A plan, its sign-offs and why households are left out."""
    return _plan_out(_plan(request, slug, plan_id))


@router.post(
    "/programmes/{slug}/payment-plans/{plan_id}/approve",
    response=PlanOut,
    summary="Approve a payment plan",
)
def payment_plan_approve(request: HttpRequest, slug: str, plan_id: int) -> dict[str, Any]:
    """First sign-off: a programme manager who did not make it."""
    plan = payments.payment_plan_approve(actor=request.user, plan=_plan(request, slug, plan_id))
    return _plan_out(plan)


@router.post(
    "/programmes/{slug}/payment-plans/{plan_id}/authorize",
    response=PlanOut,
    summary="Authorize a payment plan",
)
def payment_plan_authorize(request: HttpRequest, slug: str, plan_id: int) -> dict[str, Any]:
    """Second sign-off: a payments officer who did not approve it."""
    plan = payments.payment_plan_authorize(actor=request.user, plan=_plan(request, slug, plan_id))
    return _plan_out(plan)


@router.post(
    "/programmes/{slug}/payment-plans/{plan_id}/release",
    response=ReleaseOut,
    summary="Release a payment plan",
)
def payment_plan_release(request: HttpRequest, slug: str, plan_id: int) -> dict[str, Any]:
    """Third sign-off: makes the encrypted lists; the password is in this answer only."""
    plan, password = payments.payment_plan_release(
        actor=request.user, plan=_plan(request, slug, plan_id)
    )
    files = [
        {"id": f.pk, "provider": f.provider, "file_name": f.file_name, "row_count": f.row_count}
        for f in plan.files.all()
    ]
    return {"plan": _plan_out(plan), "password": password, "files": files}


@router.get(
    "/programmes/{slug}/payment-files/{file_id}",
    summary="Download a payment list (encrypted)",
    response={200: None},
)
def payment_file(request: HttpRequest, slug: str, file_id: int) -> HttpResponse:
    """The encrypted file as released; each download is recorded in the audit log."""
    programme = _programme(request, slug)
    found = selectors.payment_file_get_for_user(
        user=request.user, programme=programme, file_id=file_id
    )
    content = payments.payment_file_open(actor=request.user, file=found)
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    response["Cache-Control"] = "no-store"
    return response
