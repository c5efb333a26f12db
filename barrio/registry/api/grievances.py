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
from barrio.accounts.selectors import (
    organisation_list_for_programme,
    programme_get_for_user,
    unit_in_programme,
)
from barrio.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Grievance
from barrio.registry.selectors import household_get_for_user
from barrio.registry.services import data_changes, referrals
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


# Data-change requests: a household's correction, decided by a second person.


class DataChangeIn(Schema):
    field: str = Field(..., max_length=30)
    new_value: str = Field(..., max_length=500)
    reason: str = Field(..., max_length=2000)
    member_id: int | None = None
    document_id: int | None = None
    grievance_id: int | None = None


class DataChangeOut(Schema):
    id: int
    household_id: int
    member_id: int | None
    document_id: int | None
    grievance_id: int | None
    field: str
    status: str
    reason: str
    requested_by_id: int | None
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime
    unmasked: bool
    old_value: str | None = Field(..., description="Empty unless unmasked.")
    new_value: str | None


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class DataChangeQuery(Schema):
    status: str = Field("", max_length=20)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def change_out(change: Any, *, unmasked: bool) -> DataChangeOut:
    return DataChangeOut(
        id=change.pk,
        household_id=change.household_id,
        member_id=change.member_id,
        document_id=change.document_id,
        grievance_id=change.grievance_id,
        field=change.field,
        status=change.status,
        reason=change.reason,
        requested_by_id=change.requested_by_id,
        decided_by_id=change.decided_by_id,
        decided_at=change.decided_at,
        decision_note=change.decision_note,
        created_at=change.created_at,
        unmasked=unmasked,
        old_value=change.old_value if unmasked else None,
        new_value=change.new_value if unmasked else None,
    )


@router.post(
    "/households/{household_id}/data-changes",
    response={201: DataChangeOut},
    summary="Ask for a correction",
)
def data_change_create(request: HttpRequest, household_id: int, body: DataChangeIn) -> Any:
    """Ask to correct one value of a household: ``address``, a person's (``member_id``)
    ``given_names``, ``family_name_1``, ``family_name_2``, ``birth_date`` (YYYY-MM-DD) or
    ``phone``, or a document's (``document_id``) ``document_number``."""
    household = household_get_for_user(user=request.user, household_id=household_id)
    members = {m.pk: m for m in household.members.all()}
    documents = {d.pk: d for m in members.values() for d in m.documents.all()}
    errors = []
    if body.member_id is not None and body.member_id not in members:
        errors.append(FieldError(("body", "member_id"), _("Say which person of the household.")))
    if body.document_id is not None and body.document_id not in documents:
        errors.append(
            FieldError(("body", "document_id"), _("Say which document of the household."))
        )
    case = None
    if body.grievance_id is not None:
        try:
            case = selectors.grievance_get_for_user(
                user=request.user, grievance_id=body.grievance_id
            )
        except NotFound:
            errors.append(
                FieldError(("body", "grievance_id"), _("No case you may see has this id."))
            )
    if errors:
        raise ValidationFailed(errors=errors)
    change = data_changes.data_change_request(
        actor=request.user,
        household=household,
        field=body.field,
        new_value=body.new_value,
        reason=body.reason,
        member=members.get(body.member_id) if body.member_id is not None else None,
        document=documents.get(body.document_id) if body.document_id is not None else None,
        grievance=case,
    )
    return Status(201, change_out(change, unmasked=False))


@router.get(
    "/programmes/{slug}/data-changes", response=list[DataChangeOut], summary="List corrections"
)
def data_change_list(
    request: HttpRequest, slug: str, query: Query[DataChangeQuery]
) -> list[DataChangeOut]:
    """The corrections asked in the caller's units, newest first, values masked."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    changes = selectors.data_change_list_for_user(
        user=request.user, programme=programme, status=query.status
    )[query.offset : query.offset + query.limit]
    return [change_out(c, unmasked=False) for c in changes]


@router.get("/data-changes/{request_id}", response=DataChangeOut, summary="Get a correction")
def data_change_detail(
    request: HttpRequest, request_id: int, query: Query[DetailQuery]
) -> DataChangeOut:
    """One correction; ``?unmask=true`` shows the old and new values and records the read."""
    change = selectors.data_change_get_for_user(user=request.user, request_id=request_id)
    if query.unmask:
        audit_personal_data_read(
            actor=request.user,
            objects=[change],
            channel=Channel.API,
            programme=change.programme,
            reason="data_change",
        )
    return change_out(change, unmasked=query.unmask)


@router.post(
    "/data-changes/{request_id}/decision", response=DataChangeOut, summary="Decide a correction"
)
def data_change_decision(request: HttpRequest, request_id: int, body: DecisionIn) -> DataChangeOut:
    """Approve (and apply) or reject a correction; the person who asked cannot decide it
    (``403 second_person_required``); a value changed since it was asked answers ``409``."""
    change = selectors.data_change_get_for_user(user=request.user, request_id=request_id)
    decided = data_changes.data_change_decide(
        actor=request.user, request=change, approve=body.approve, note=body.note
    )
    return change_out(decided, unmasked=False)


# Referrals to partner organisations.


class ReferralIn(Schema):
    organisation_id: int
    service: str = Field(..., max_length=20)
    household_id: int | None = None
    grievance_id: int | None = None
    note: str = Field("", max_length=2000)


class ReferralStatusIn(Schema):
    status: str = Field(..., max_length=20)
    on: dt.date | None = None
    note: str = Field("", max_length=2000)


class ReferralOut(Schema):
    id: int
    household_id: int | None
    grievance_id: int | None
    organisation_id: int
    organisation: str
    service: str
    status: str
    made_on: dt.date
    accepted_on: dt.date | None
    attended_on: dt.date | None
    closed_on: dt.date | None


class ReferralQuery(Schema):
    household_id: int | None = None
    grievance_id: int | None = None


def referral_out(referral: Any) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        household_id=referral.household_id,
        grievance_id=referral.grievance_id,
        organisation_id=referral.organisation_id,
        organisation=referral.organisation.name,
        service=referral.service,
        status=referral.status,
        made_on=referral.made_on,
        accepted_on=referral.accepted_on,
        attended_on=referral.attended_on,
        closed_on=referral.closed_on,
    )


@router.post("/programmes/{slug}/referrals", response={201: ReferralOut}, summary="Make a referral")
def referral_create(request: HttpRequest, slug: str, body: ReferralIn) -> Any:
    """Refer a household (``household_id``) or a case (``grievance_id``) to a service of an
    organisation taking part in the programme."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    errors = []
    household = case = None
    organisation = organisation_list_for_programme(programme).filter(pk=body.organisation_id)
    if not organisation.exists():
        errors.append(
            FieldError(
                ("body", "organisation_id"),
                _("This organisation does not take part in the programme."),
            )
        )
    try:
        if body.household_id is not None:
            household = household_get_for_user(user=request.user, household_id=body.household_id)
    except NotFound:
        errors.append(
            FieldError(("body", "household_id"), _("No household you may see has this id."))
        )
    try:
        if body.grievance_id is not None:
            case = selectors.grievance_get_for_user(
                user=request.user, grievance_id=body.grievance_id
            )
    except NotFound:
        errors.append(FieldError(("body", "grievance_id"), _("No case you may see has this id.")))
    if errors:
        raise ValidationFailed(errors=errors)
    referral = referrals.referral_make(
        actor=request.user,
        programme=programme,
        organisation=organisation.get(),
        service=body.service,
        household=household,
        grievance=case,
        note=body.note,
    )
    return Status(201, referral_out(referral))


@router.get("/programmes/{slug}/referrals", response=list[ReferralOut], summary="List referrals")
def referral_list(
    request: HttpRequest, slug: str, query: Query[ReferralQuery]
) -> list[ReferralOut]:
    """The referrals the caller may see (of a household or a case when asked)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    found = selectors.referral_list_for_user(user=request.user, programme=programme, strict=True)
    if query.household_id is not None:
        found = found.filter(household_id=query.household_id)
    if query.grievance_id is not None:
        found = found.filter(grievance_id=query.grievance_id)
    return [referral_out(r) for r in found[:500]]


@router.post("/referrals/{referral_id}/status", response=ReferralOut, summary="Update a referral")
def referral_status(request: HttpRequest, referral_id: int, body: ReferralStatusIn) -> ReferralOut:
    """Record that the referral was accepted, attended, closed or refused (on a date)."""
    referral = selectors.referral_get_for_user(user=request.user, referral_id=referral_id)
    updated = referrals.referral_update(
        actor=request.user, referral=referral, status=body.status, on=body.on, note=body.note
    )
    return referral_out(updated)
