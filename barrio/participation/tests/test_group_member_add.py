"""group_member_add and group_member_remove: the representative keeps the list of members."""

from __future__ import annotations

import pytest

from barrio.errors import PermissionDenied, ValidationFailed
from barrio.participation.services import group_member_add, group_member_remove
from barrio.participation.specs import MemberSpec
from barrio.participation.tests.factories import build_world

pytestmark = pytest.mark.django_db


def test_representative_adds_and_removes_a_member() -> None:
    world = build_world()
    unit = world.group.unit
    member = group_member_add(
        actor=world.representative, group=world.group, member=MemberSpec("Rosa Díaz", unit.pk)
    )
    assert world.group.members.count() == 6
    group_member_remove(actor=world.representative, group=world.group, member_id=member.pk)
    assert world.group.members.count() == 5


def test_the_same_person_twice_in_a_group_is_refused() -> None:
    world = build_world()
    with pytest.raises(ValidationFailed) as caught:
        group_member_add(
            actor=world.representative,
            group=world.group,
            member=MemberSpec("VECINA 0", world.group.unit_id),
        )
    assert caught.value.errors[0].loc == ("body", "members", 0, "full_name")
    assert world.group.members.count() == 5


def test_only_the_representative_changes_the_members() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        group_member_add(
            actor=world.other_representative,
            group=world.group,
            member=MemberSpec("X", world.group.unit_id),
        )
    first = world.group.members.all()[0]
    with pytest.raises(PermissionDenied):
        group_member_remove(actor=world.manager, group=world.group, member_id=first.pk)
    assert world.group.members.count() == 5
