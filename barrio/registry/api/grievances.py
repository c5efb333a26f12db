"""API of the orientation centre: grievance cases (personal values masked unless asked for
and allowed, every showing audited), their assignment and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.selectors import programme_get_for_user, unit_in_programme
from barrio.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Grievance
from barrio.registry.selectors import household_get_for_user
from barrio.registry.services import grievances as services

router = Router()


class GrievanceSummaryOut(Schema):
    id: int
    unit_id: int
    household_id: int | None
    category: str
    sensitive: bool
    channel: str
    status: str
    assigned_to_id: int | None
    opened_at: dt.datetime
    due_at: dt.datetime
    overdue: bool


class GrievanceEventOut(Schema):
    from_status: str
    to_status: str
    actor_id: int | None
    assigned_to_id: int | None
    created_at: dt.datetime


class GrievanceOut(GrievanceSummaryOut):
    programme: str
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: int | None
    unmasked: bool
    contact_name: str | None = Field(..., description="Empty unless unmasked.")
    contact_phone: str | None
    contact_email: str | None
    description: str | None
    resolution: str | None
    events: list[GrievanceEventOut]


class GrievanceIn(Schema):
    category: str = Field(..., max_length=30)
    channel: str = Field(..., max_length=30)
    description: str = Field(..., max_length=5000)
    household_id: int | None = None
    unit_id: int | None = Field(None, description="Where the person lives, when not registered.")
    contact_name: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=200)


class AssignIn(Schema):
    assignee_id: int
    note: str = Field("", max_length=2000)


class StatusIn(Schema):
    status: str = Field(..., max_length=20)
    note: str = Field("", max_length=2000)
    resolution: str = Field("", max_length=5000)
    satisfaction: int | None = None


class GrievanceQuery(Schema):
    status: str = Field("", max_length=20)
    category: str = Field("", max_length=30)
    overdue: bool = False
    mine: bool = False
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def summary_out(case: Grievance) -> GrievanceSummaryOut:
    return GrievanceSummaryOut(
        id=case.pk,
        unit_id=case.unit_id,
        household_id=case.household_id,
        category=case.category,
        sensitive=case.sensitive,
        channel=case.channel,
        status=case.status,
        assigned_to_id=case.assigned_to_id,
        opened_at=case.opened_at,
        due_at=case.due_at,
        overdue=case.is_overdue,
    )


def case_out(case: Grievance, *, unmasked: bool) -> GrievanceOut:
    """A case for the API; personal values only when ``unmasked``."""

    def shown(value: str) -> str | None:
        return value if unmasked else None

    return GrievanceOut(
        **summary_out(case).dict(),
        programme=case.programme.slug,
        resolved_at=case.resolved_at,
        closed_at=case.closed_at,
        satisfaction=case.satisfaction,
        unmasked=unmasked,
        contact_name=shown(case.contact_name),
        contact_phone=shown(case.contact_phone),
        contact_email=shown(case.contact_email),
        description=shown(case.description),
        resolution=shown(case.resolution),
        events=[
            GrievanceEventOut(
                from_status=e.from_status,
                to_status=e.to_status,
                actor_id=e.actor_id,
                assigned_to_id=e.assigned_to_id,
                created_at=e.created_at,
            )
            for e in case.events.all()
        ],
    )


@router.get(
    "/programmes/{slug}/grievances", response=list[GrievanceSummaryOut], summary="List cases"
)
def grievance_list(
    request: HttpRequest, slug: str, query: Query[GrievanceQuery]
) -> list[GrievanceSummaryOut]:
    """The cases the caller may see (sensitive ones only for the roles allowed), most urgent
    first, without personal values."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    filters = selectors.GrievanceFilters(
        status=query.status, category=query.category, overdue=query.overdue, mine=query.mine
    )
    cases = selectors.grievance_list_for_user(
        user=request.user, programme=programme, filters=filters
    )[query.offset : query.offset + query.limit]
    return [summary_out(c) for c in cases]


@router.post("/programmes/{slug}/grievances", response={201: GrievanceOut}, summary="Record a case")
def grievance_record(request: HttpRequest, slug: str, body: GrievanceIn) -> Any:
    """Record a case of a registered household (``household_id``) or of a person not
    registered (``unit_id``, a name and a phone or e-mail)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    household = None
    unit = None
    try:
        if body.household_id is not None:
            household = household_get_for_user(user=request.user, household_id=body.household_id)
    except NotFound as error:
        raise ValidationFailed(
            errors=[
                FieldError(("body", "household_id"), _("No household you may see has this id."))
            ]
        ) from error
    try:
        unit = unit_in_programme(programme=programme, unit_id=body.unit_id)
    except NotFound as error:
        raise ValidationFailed(
            errors=[FieldError(("body", "unit_id"), _("No unit of the programme has this id."))]
        ) from error
    case = services.grievance_record(
        actor=request.user,
        programme=programme,
        unit=unit,
        household=household,
        category=body.category,
        channel=body.channel,
        description=body.description,
        contact_name=body.contact_name,
        contact_phone=body.contact_phone,
        contact_email=body.contact_email,
    )
    return Status(201, case_out(case, unmasked=False))


class DetailQuery(Schema):
    unmask: bool = False


def _case(request: HttpRequest, grievance_id: int) -> Grievance:
    return selectors.grievance_get_for_user(user=request.user, grievance_id=grievance_id)


@router.get("/grievances/{grievance_id}", response=GrievanceOut, summary="Get a case")
def grievance_detail(
    request: HttpRequest, grievance_id: int, query: Query[DetailQuery]
) -> GrievanceOut:
    """One case with its history; ``?unmask=true`` shows the contact details, the person's
    words and the resolution to a role that may read them, and records the read."""
    case = _case(request, grievance_id)
    if query.unmask:
        if not selectors.may_see_contact(request.user, case):
            raise PermissionDenied()
        audit_personal_data_read(
            actor=request.user,
            objects=[case],
            channel=Channel.API,
            programme=case.programme,
            reason="grievance",
        )
    return case_out(case, unmasked=query.unmask)


@router.post("/grievances/{grievance_id}/assign", response=GrievanceOut, summary="Assign a case")
def grievance_assign(request: HttpRequest, grievance_id: int, body: AssignIn) -> GrievanceOut:
    """Assign the case to a person who may handle it in its unit."""
    case = _case(request, grievance_id)
    assignee = get_user_model().objects.filter(pk=body.assignee_id, is_active=True).first()
    if assignee is None:
        raise ValidationFailed(
            errors=[FieldError(("body", "assignee_id"), _("No active user has this id."))]
        )
    services.grievance_assign(actor=request.user, grievance=case, assignee=assignee, note=body.note)
    return case_out(_case(request, grievance_id), unmasked=False)


@router.post(
    "/grievances/{grievance_id}/status", response=GrievanceOut, summary="Change a case's status"
)
def grievance_status(request: HttpRequest, grievance_id: int, body: StatusIn) -> GrievanceOut:
    """Start, hold, resolve (with the resolution), reopen or close a case; the person's
    satisfaction (1 to 5) may come with resolving or closing."""
    case = _case(request, grievance_id)
    services.grievance_change_status(
        actor=request.user,
        grievance=case,
        status=body.status,
        note=body.note,
        resolution=body.resolution,
        satisfaction=body.satisfaction,
    )
    return case_out(_case(request, grievance_id), unmasked=False)
