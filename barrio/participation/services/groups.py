"""Community groups: register one with its members, add and remove members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from barrio.accounts.permissions import Action, may
from barrio.crypto import blind_index
from barrio.errors import FieldError, PermissionDenied, ValidationFailed
from barrio.participation.models import CommunityGroup, GroupMember
from barrio.participation.permissions import may_speak_for_group
from barrio.participation.services.common import loc, raise_if, require_signed_in
from barrio.participation.specs import GroupSpec, MemberSpec
from barrio.territories.selectors import unit_list

if TYPE_CHECKING:
    from barrio.accounts.models import Programme

__all__ = ["group_member_add", "group_member_remove", "group_register", "member_name_index"]

#: The purpose of the members' blind index (one hash space per field).
MEMBER_PURPOSE = "group-member"


def member_name_index(full_name: str) -> str:
    """The blind index of a member's name: equal names (case, accents, spaces aside) match."""
    return blind_index(full_name, purpose=MEMBER_PURPOSE)


def _member_rows(
    programme: Programme,
    unit: Any,
    members: tuple[MemberSpec, ...],
    taken: set[str],
    errors: list[FieldError],
    start: int = 0,
) -> list[GroupMember]:
    """Validate the new members; return them unsaved (group not set)."""
    ids = {member.unit_id for member in members}
    units = {u.pk: u for u in unit_list(within=programme.units.all()).filter(pk__in=ids)}
    rows = []
    for position, member in enumerate(members, start=start):
        name = " ".join(member.full_name.split())
        if not name:
            errors.append(FieldError(loc("members", position, "full_name"), _("Write the name.")))
            continue
        index = member_name_index(name)
        if index in taken:
            errors.append(
                FieldError(
                    loc("members", position, "full_name"),
                    _("This person is already a member of the group."),
                )
            )
            continue
        lives_in = units.get(member.unit_id)
        if lives_in is None:
            errors.append(
                FieldError(
                    loc("members", position, "unit_id"),
                    _("Choose a unit of the programme's territory."),
                )
            )
            continue
        taken.add(index)
        rows.append(
            GroupMember(
                full_name=name,
                name_index=index,
                unit=lives_in,
                is_resident=unit.contains(lives_in),
            )
        )
    return rows


@transaction.atomic
def group_register(
    *, actor: User | AnonymousUser, programme: Programme, spec: GroupSpec
) -> CommunityGroup:
    """Register a community group of one unit; ``actor`` becomes its representative.

    Parameters
    ----------
    actor
        A community representative whose role reaches the group's unit.
    programme
        The programme the group takes part in.
    spec
        Name, unit, e-mail and members. Members' names are encrypted; a resident may be in
        several groups but only once in each. Whether the group has enough resident members
        is checked when it submits a proposal (calls differ in the number they ask).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` is not a community representative in the unit.
    ValidationFailed
        Naming a missing name, a unit outside the territory, a name already taken in the
        unit, a member listed twice.
    """
    user = require_signed_in(actor)
    errors: list[FieldError] = []
    unit = unit_list(within=programme.units.all()).filter(pk=spec.unit_id).first()
    if unit is None:
        raise ValidationFailed(
            errors=[FieldError(loc("unit_id"), _("Choose a unit of the programme's territory."))]
        )
    if not may(user, Action.PROPOSAL_SUBMIT, programme=programme, unit=unit):
        raise PermissionDenied()
    name = " ".join(spec.name.split())
    if not name:
        errors.append(FieldError(loc("name"), _("Give the group a name.")))
    elif CommunityGroup.objects.filter(programme=programme, unit=unit, name=name).exists():
        errors.append(FieldError(loc("name"), _("A group of this unit already has this name.")))
    rows = _member_rows(programme, unit, spec.members, set(), errors)
    raise_if(errors)
    group = CommunityGroup.objects.create(
        programme=programme,
        name=name,
        unit=unit,
        description=spec.description,
        representative=user,
        email=spec.email,
    )
    for row in rows:
        row.group = group
    GroupMember.objects.bulk_create(rows)
    return group


@transaction.atomic
def group_member_add(
    *, actor: User | AnonymousUser, group: CommunityGroup, member: MemberSpec
) -> GroupMember:
    """Add a resident to ``group`` (its representative).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` does not speak for the group.
    ValidationFailed
        When the name is empty, the person is already a member or the unit is outside the
        programme's territory.
    """
    require_signed_in(actor)
    locked = (
        CommunityGroup.objects.select_for_update(of=("self",))
        .select_related("programme", "unit")
        .get(pk=group.pk)
    )
    if not may_speak_for_group(actor, locked):
        raise PermissionDenied()
    taken = set(locked.members.values_list("name_index", flat=True))
    errors: list[FieldError] = []
    rows = _member_rows(locked.programme, locked.unit, (member,), taken, errors)
    raise_if(errors)
    row = rows[0]
    row.group = locked
    row.save()
    return row


@transaction.atomic
def group_member_remove(
    *, actor: User | AnonymousUser, group: CommunityGroup, member_id: int
) -> None:
    """Remove a member from ``group`` (its representative).

    Raises
    ------
    NotAuthenticated, PermissionDenied
        When ``actor`` does not speak for the group.
    ValidationFailed
        When the member is not in the group.
    """
    require_signed_in(actor)
    if not may_speak_for_group(actor, group):
        raise PermissionDenied()
    deleted, _rows = GroupMember.objects.filter(group=group, pk=member_id).delete()
    if not deleted:
        raise_if([FieldError(loc("member_id"), _("This person is not a member of the group."))])
