"""Read queries of community groups; members' names only to those who may read them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q

from barrio.accounts.audit import Channel, audit_personal_data_read
from barrio.accounts.permissions import Action, may
from barrio.accounts.selectors import programme_list_for_user
from barrio.errors import NotFound
from barrio.participation.models import CommunityGroup, GroupMember

__all__ = [
    "group_get_for_user",
    "group_list_for_representative",
    "group_members_for_user",
    "may_read_members",
]


def group_get_for_user(*, user: User | AnonymousUser, group_id: int) -> CommunityGroup:
    """Return group ``group_id`` if its programme is visible to ``user``; :class:`NotFound`
    else. The group's name, unit and counts are public; its members are not."""
    group = (
        CommunityGroup.objects.filter(pk=group_id, programme__in=programme_list_for_user(user))
        .select_related("programme", "unit", "representative")
        .annotate(
            resident_count=Count("members", filter=Q(members__is_resident=True)),
            member_count=Count("members"),
        )
        .first()
    )
    if group is None:
        raise NotFound()
    return group


def group_list_for_representative(
    *, user: User | AnonymousUser, programme_id: int
) -> list[CommunityGroup]:
    """Return the groups ``user`` represents in a programme, by name."""
    if not user.is_authenticated:
        return []
    return list(
        CommunityGroup.objects.filter(programme_id=programme_id, representative_id=user.pk)
        .select_related("programme", "unit")
        .order_by("name")
    )


def may_read_members(user: User | AnonymousUser, group: CommunityGroup) -> bool:
    """Tell whether ``user`` may read the names of the group's members: its representative,
    or staff with the right to read personal data in the group's unit."""
    if not user.is_authenticated:
        return False
    return group.representative_id == user.pk or may(
        user, Action.PERSONAL_DATA_VIEW, programme=group.programme, unit=group.unit
    )


def group_members_for_user(
    *, user: User | AnonymousUser, group: CommunityGroup, channel: Channel
) -> list[GroupMember]:
    """Return the group's members with their names, recording the read; an empty list for
    those who may not read them."""
    if not may_read_members(user, group):
        return []
    members = list(group.members.select_related("unit").order_by("pk"))
    audit_personal_data_read(
        actor=user, objects=members, channel=channel, programme=group.programme
    )
    return members
