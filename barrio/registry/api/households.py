"""API of the registry: the dashboard, households (masked unless asked and allowed), search,
registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.selectors import programme_get_for_user, unit_in_programme
from barrio.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from barrio.registry import selectors, services
from barrio.registry.records import (
    ConsentRecord,
    DocumentRecord,
    HouseholdRecord,
    MemberRecord,
)

router = Router()


class CountOut(Schema):
    key: str
    label: str
    count: int | None = Field(..., description="Empty when under 5 (suppressed).")


class DashboardOut(Schema):
    households: int | None
    people: int | None
    by_status: list[CountOut]
    by_nationality: list[CountOut]
    by_unit: list[CountOut]


class HouseholdSummaryOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    residence_status: str
    status: str
    size: int
    created_at: dt.datetime


class DocumentIn(Schema):
    type: str = Field(..., max_length=30)
    number: str = Field(..., max_length=40)
    issuing_country: str = Field("", max_length=2)


class MemberIn(Schema):
    given_names: str = Field(..., max_length=200)
    family_name_1: str = Field(..., max_length=200)
    family_name_2: str = Field("", max_length=200)
    sex: str = Field(..., max_length=20)
    birth_date: dt.date | None = None
    nationality: str = Field(..., max_length=2)
    relationship: str = Field(..., max_length=30)
    disability: bool = False
    pregnancy: bool = False
    phone: str = Field("", max_length=30)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=5)


class ConsentIn(Schema):
    purpose: str = Field(..., max_length=30)
    given_on: dt.date
    member: int | None = Field(None, description="Position of the member who gave it.")


class HouseholdIn(Schema):
    unit_id: int
    residence_status: str = Field(..., max_length=20)
    arrival_date: dt.date | None = None
    address: str = Field("", max_length=500)
    vulnerability: list[str] = Field(default_factory=list, max_length=20)
    members: list[MemberIn] = Field(..., max_length=30)
    consents: list[ConsentIn] = Field(..., max_length=10)
    primary_collector: int | None = Field(None, description="Position of a member.")
    alternate_collector: int | None = None


class DocumentOut(Schema):
    type: str
    issuing_country: str
    number: str | None = Field(..., description="Empty unless unmasked.")


class MemberOut(Schema):
    id: int
    relationship: str
    sex: str
    nationality: str
    disability: bool
    pregnancy: bool
    given_names: str | None
    family_name_1: str | None
    family_name_2: str | None
    birth_date: dt.date | None
    phone: str | None
    documents: list[DocumentOut]


class HouseholdOut(Schema):
    id: int
    programme: str
    unit_id: int
    residence_status: str
    status: str
    arrival_date: dt.date | None
    vulnerability: list[str]
    head_id: int | None
    primary_collector_id: int | None
    alternate_collector_id: int | None
    address: str | None
    unmasked: bool
    payable: bool
    members: list[MemberOut]


def summary_out(household: Any) -> HouseholdSummaryOut:
    return HouseholdSummaryOut(
        id=household.pk,
        unit_id=household.unit_id,
        unit_name=household.unit.name,
        residence_status=household.residence_status,
        status=household.status,
        size=household.size,
        created_at=household.created_at,
    )


def member_out(member: Any, *, unmasked: bool) -> MemberOut:
    """A member for the API; personal values only when ``unmasked``."""

    def shown(value: Any) -> Any:
        return value if unmasked else None

    return MemberOut(
        id=member.pk,
        relationship=member.relationship,
        sex=member.sex,
        nationality=member.nationality,
        disability=member.disability,
        pregnancy=member.pregnancy,
        given_names=shown(member.given_names),
        family_name_1=shown(member.family_name_1),
        family_name_2=shown(member.family_name_2),
        birth_date=shown(member.birth_date),
        phone=shown(member.phone),
        documents=[
            DocumentOut(type=d.type, issuing_country=d.issuing_country, number=shown(d.number))
            for d in member.documents.all()
        ],
    )


def household_out(household: Any, *, unmasked: bool) -> HouseholdOut:
    """A household for the API; personal values only when ``unmasked``."""
    return HouseholdOut(
        id=household.pk,
        programme=household.programme.slug,
        unit_id=household.unit_id,
        residence_status=household.residence_status,
        status=household.status,
        arrival_date=household.arrival_date,
        vulnerability=list(household.vulnerability),
        head_id=household.head_id,
        primary_collector_id=household.primary_collector_id,
        alternate_collector_id=household.alternate_collector_id,
        address=household.address if unmasked else None,
        unmasked=unmasked,
        payable=selectors.household_payable(household),
        members=[member_out(m, unmasked=unmasked) for m in household.members.all()],
    )


@router.get("/programmes/{slug}/registry", response=DashboardOut, summary="Registry dashboard")
def registry_dashboard(request: HttpRequest, slug: str) -> DashboardOut:
    """Active households by residence status and unit, people by nationality; counts under 5
    are empty (suppressed)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    board = selectors.registry_dashboard(user=request.user, programme=programme)
    return DashboardOut(
        households=board.households,
        people=board.people,
        by_status=[CountOut(**row.__dict__) for row in board.by_status],
        by_nationality=[CountOut(**row.__dict__) for row in board.by_nationality],
        by_unit=[CountOut(**row.__dict__) for row in board.by_unit],
    )


class ListQuery(Schema):
    status: str = ""
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get(
    "/programmes/{slug}/households",
    response=list[HouseholdSummaryOut],
    summary="List households",
)
def household_list(
    request: HttpRequest, slug: str, query: Query[ListQuery]
) -> list[HouseholdSummaryOut]:
    """The households of the caller's units, newest first, without personal values."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    households = selectors.household_list_for_user(
        user=request.user, programme=programme, residence_status=query.status
    ).order_by("-created_at", "-pk")[query.offset : query.offset + query.limit]
    return [summary_out(h) for h in households]


class SearchQuery(Schema):
    document: str = Field("", max_length=40)
    name: str = Field("", max_length=200)


@router.get(
    "/programmes/{slug}/households/search",
    response=list[HouseholdSummaryOut],
    summary="Search households",
)
def household_search(
    request: HttpRequest, slug: str, query: Query[SearchQuery]
) -> list[HouseholdSummaryOut]:
    """Households with a member whose document number, or whose names' words, match exactly
    (accents, case, spaces and dashes ignored). Every match is an audited read."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    if not (query.document.strip() or query.name.strip()):
        raise ValidationFailed(
            errors=[FieldError(("query", "document"), _("Give a document number or a name."))]
        )
    found = selectors.household_search(
        user=request.user, programme=programme, document_number=query.document, name=query.name
    )
    audit_personal_data_read(
        actor=request.user, objects=found, channel=Channel.API, programme=programme, reason="search"
    )
    return [summary_out(h) for h in found]


@router.post(
    "/programmes/{slug}/households",
    response={201: HouseholdOut},
    summary="Register a household",
)
def household_register(request: HttpRequest, slug: str, body: HouseholdIn) -> Any:
    """Register a household with its members, documents, collectors and consent."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    try:
        unit = unit_in_programme(programme=programme, unit_id=body.unit_id)
    except NotFound as error:
        raise ValidationFailed(
            errors=[FieldError(("body", "unit_id"), _("No unit of the programme has this id."))]
        ) from error
    assert unit is not None
    record = HouseholdRecord(
        residence_status=body.residence_status,
        members=tuple(
            MemberRecord(
                given_names=m.given_names,
                family_name_1=m.family_name_1,
                family_name_2=m.family_name_2,
                sex=m.sex,
                nationality=m.nationality,
                relationship=m.relationship,
                birth_date=m.birth_date,
                disability=m.disability,
                pregnancy=m.pregnancy,
                phone=m.phone,
                documents=tuple(
                    DocumentRecord(d.type, d.number, d.issuing_country.upper()) for d in m.documents
                ),
            )
            for m in body.members
        ),
        address=body.address,
        arrival_date=body.arrival_date,
        vulnerability=tuple(body.vulnerability),
        consents=tuple(ConsentRecord(c.purpose, c.given_on, c.member) for c in body.consents),
        primary_collector=body.primary_collector,
        alternate_collector=body.alternate_collector,
    )
    household = services.household_register(
        actor=request.user, programme=programme, unit=unit, record=record
    )
    household = selectors.household_get_for_user(user=request.user, household_id=household.pk)
    return Status(201, household_out(household, unmasked=False))


class DetailQuery(Schema):
    unmask: bool = False


@router.get("/households/{household_id}", response=HouseholdOut, summary="Get a household")
def household_detail(
    request: HttpRequest, household_id: int, query: Query[DetailQuery]
) -> HouseholdOut:
    """One household; ``?unmask=true`` shows the personal values to a role that may read
    them, and records the read."""
    household = selectors.household_get_for_user(user=request.user, household_id=household_id)
    if query.unmask:
        if not selectors.may_unmask(request.user, household):
            raise PermissionDenied()
        members = list(household.members.all())
        audit_personal_data_read(
            actor=request.user,
            objects=[household, *members, *(d for m in members for d in m.documents.all())],
            channel=Channel.API,
            programme=household.programme,
        )
    return household_out(household, unmasked=query.unmask)
