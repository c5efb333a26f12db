"""API of calls: list and read them (public once published), write and publish them."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import in_payload
from barrio.participation import services
from barrio.participation.api.common import UnitOut
from barrio.participation.calendar import DATE_FIELDS, in_programme_zone, open_step
from barrio.participation.models import Call
from barrio.participation.selectors.calls import call_get_for_user, call_list_for_user
from barrio.participation.specs import CallSpec, CriterionSpec

router = Router(tags=["participation"])

Cents = Field(..., ge=0, le=10**15)


class CriterionIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(..., min_length=1, max_length=200)
    weight: int = Field(1, ge=1, le=1000)
    scale_max: int = Field(5, ge=1, le=100)
    description: str = Field("", max_length=2000)


class CallIn(Schema):
    slug: str = Field(..., min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str = Field(..., min_length=1, max_length=200)
    summary: str = Field("", max_length=5000)
    submission_opens_at: dt.datetime = Field(
        ..., description="Without a UTC offset, read in the programme's time zone."
    )
    submission_closes_at: dt.datetime
    review_closes_at: dt.datetime
    assemblies_close_at: dt.datetime
    voting_opens_at: dt.datetime | None = None
    voting_closes_at: dt.datetime | None = None
    results_at: dt.datetime
    max_project_cents: int = Cents
    total_cents: int = Cents
    kinds: list[str] = Field(..., max_length=20)
    unit_ids: list[int] = Field(default_factory=list, max_length=20_000)
    targeting_run: int | None = Field(None, ge=1)
    stratum: str = Field("", max_length=40)
    required_documents: list[str] = Field(default_factory=list, max_length=30)
    min_group_members: int = Field(5, ge=1, le=10_000)
    min_signatures: int = Field(0, ge=0, le=1_000_000)
    criteria: list[CriterionIn] = Field(default_factory=list, max_length=20)


class CriterionOut(Schema):
    code: str
    name: str
    weight: int
    scale_max: int


class CallOut(Schema):
    id: int
    programme: str
    slug: str
    title: str
    summary: str
    status: str
    open_step: str
    time_zone: str
    submission_opens_at: dt.datetime
    submission_closes_at: dt.datetime
    review_closes_at: dt.datetime
    assemblies_close_at: dt.datetime
    voting_opens_at: dt.datetime | None
    voting_closes_at: dt.datetime | None
    results_at: dt.datetime
    kinds: list[str]
    max_project_cents: int
    total_cents: int
    currency: str
    targeting_run: int | None
    required_documents: list[str]
    min_group_members: int
    min_signatures: int
    criteria: list[CriterionOut]
    units: list[UnitOut]


def call_out(call: Call) -> CallOut:
    """A call with its dates in the programme's time zone."""
    programme = call.programme
    dates = {
        name: in_programme_zone(programme, getattr(call, name)) if getattr(call, name) else None
        for name in DATE_FIELDS
    }
    return CallOut(
        id=call.pk,
        programme=programme.slug,
        slug=call.slug,
        title=call.title,
        summary=call.summary,
        status=call.status,
        open_step=open_step(call),
        time_zone=programme.time_zone,
        kinds=call.kinds,
        max_project_cents=call.max_project_cents,
        total_cents=call.total_cents,
        currency=programme.currency,
        targeting_run=call.targeting_run_id,
        required_documents=call.required_documents,
        min_group_members=call.min_group_members,
        min_signatures=call.min_signatures,
        criteria=[
            CriterionOut(code=c.code, name=c.name, weight=c.weight, scale_max=c.scale_max)
            for c in call.criteria.all()
        ],
        units=[UnitOut(id=u.pk, code=u.code, name=u.name) for u in call.units.order_by("code")],
        **dates,  # type: ignore[arg-type]
    )


def _spec(payload: CallIn, programme: object) -> CallSpec:
    data = payload.dict()
    for name in DATE_FIELDS:
        if data[name] is not None:
            data[name] = in_programme_zone(programme, data[name])  # type: ignore[arg-type]
    return CallSpec(
        **{
            **data,
            "kinds": tuple(data["kinds"]),
            "unit_ids": tuple(data["unit_ids"]),
            "required_documents": tuple(data["required_documents"]),
            "criteria": tuple(CriterionSpec(**c) for c in data["criteria"]),
        }
    )


@router.get("/programmes/{slug}/calls", response=list[CallOut], auth=None, summary="List calls")
def call_list(request: HttpRequest, slug: str) -> list[CallOut]:
    """The calls of a programme: published ones for all who see it, drafts for its staff."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    calls = call_list_for_user(user=request.user, programme=programme).prefetch_related(
        "criteria", "units"
    )
    return [call_out(call) for call in calls[:200]]


@router.post("/programmes/{slug}/calls", response={201: CallOut}, summary="Write a call")
def call_create(request: HttpRequest, slug: str, payload: CallIn) -> Status[CallOut]:
    """A new draft call (a programme manager); dates without offset are local to it."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    spec = _spec(payload, programme)
    call = in_payload(
        lambda: services.call_create(actor=request.user, programme=programme, spec=spec)
    )
    return Status(201, call_out(call))


@router.get("/calls/{call_id}", response=CallOut, auth=None, summary="Read a call")
def call_read(request: HttpRequest, call_id: int) -> CallOut:
    """A call, its open step, its criteria and eligible units."""
    return call_out(call_get_for_user(user=request.user, call_id=call_id))


@router.put("/calls/{call_id}", response=CallOut, summary="Change a call")
def call_update(request: HttpRequest, call_id: int, payload: CallIn) -> CallOut:
    """Replace a call's content (a programme manager)."""
    call = call_get_for_user(user=request.user, call_id=call_id)
    spec = _spec(payload, call.programme)
    changed = in_payload(lambda: services.call_update(actor=request.user, call=call, spec=spec))
    return call_out(changed)


@router.post("/calls/{call_id}/publish", response=CallOut, summary="Publish a call")
def call_publish(request: HttpRequest, call_id: int) -> CallOut:
    """Publish a draft call with its criteria, eligible units and kinds."""
    call = call_get_for_user(user=request.user, call_id=call_id)
    return call_out(services.call_publish(actor=request.user, call=call))
