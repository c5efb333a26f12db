"""API of community groups: register one, read it, add members."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from barrio.accounts.audit import Channel
from barrio.accounts.selectors import programme_get_for_user
from barrio.errors import in_payload
from barrio.participation import services
from barrio.participation.api.common import UnitOut
from barrio.participation.models import CommunityGroup
from barrio.participation.selectors.groups import group_get_for_user, group_members_for_user
from barrio.participation.specs import GroupSpec, MemberSpec

router = Router(tags=["participation"])


class MemberIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    unit_id: int = Field(..., ge=1)


class GroupIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    unit_id: int = Field(..., ge=1)
    email: str = Field("", max_length=254)
    description: str = Field("", max_length=5000)
    members: list[MemberIn] = Field(default_factory=list, max_length=500)


class MemberOut(Schema):
    id: int
    full_name: str
    unit_id: int
    is_resident: bool


class GroupOut(Schema):
    id: int
    name: str
    unit: UnitOut
    resident_count: int
    member_count: int
    members: list[MemberOut] | None = Field(
        None, description="Only for the representative and staff who may read personal data."
    )


def _group_out(request: HttpRequest, group: CommunityGroup) -> GroupOut:
    fresh = group_get_for_user(user=request.user, group_id=group.pk)
    members = group_members_for_user(user=request.user, group=fresh, channel=Channel.API)
    return GroupOut(
        id=fresh.pk,
        name=fresh.name,
        unit=UnitOut(id=fresh.unit.pk, code=fresh.unit.code, name=fresh.unit.name),
        resident_count=fresh.resident_count,  # type: ignore[attr-defined]
        member_count=fresh.member_count,  # type: ignore[attr-defined]
        members=[
            MemberOut(id=m.pk, full_name=m.full_name, unit_id=m.unit_id, is_resident=m.is_resident)
            for m in members
        ]
        if members
        else None,
    )


@router.post(
    "/programmes/{slug}/groups", response={201: GroupOut}, summary="Register a community group"
)
def group_register(request: HttpRequest, slug: str, payload: GroupIn) -> Status[GroupOut]:
    """Register a group in a unit where the caller is a community representative."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    spec = GroupSpec(
        name=payload.name,
        unit_id=payload.unit_id,
        email=payload.email,
        description=payload.description,
        members=tuple(MemberSpec(m.full_name, m.unit_id) for m in payload.members),
    )
    group = in_payload(
        lambda: services.group_register(actor=request.user, programme=programme, spec=spec)
    )
    return Status(201, _group_out(request, group))


@router.get("/groups/{group_id}", response=GroupOut, auth=None, summary="Read a group")
def group_read(request: HttpRequest, group_id: int) -> GroupOut:
    """A group and its counts; its members' names only to those who may read them."""
    return _group_out(request, group_get_for_user(user=request.user, group_id=group_id))


@router.post(
    "/groups/{group_id}/members", response={201: GroupOut}, summary="Add a member to a group"
)
def group_member_add(request: HttpRequest, group_id: int, payload: MemberIn) -> Status[GroupOut]:
    """Add a resident (the group's representative)."""
    group = group_get_for_user(user=request.user, group_id=group_id)
    member = MemberSpec(payload.full_name, payload.unit_id)
    in_payload(lambda: services.group_member_add(actor=request.user, group=group, member=member))
    return Status(201, _group_out(request, group))
