"""group_register: a representative registers a group of their unit with its members."""

from __future__ import annotations

import pytest

from barrio.crypto import blind_index
from barrio.errors import PermissionDenied, ValidationFailed
from barrio.participation.models import CommunityGroup, GroupMember
from barrio.participation.services import group_register
from barrio.participation.specs import GroupSpec, MemberSpec
from barrio.participation.tests.factories import build_world

pytestmark = pytest.mark.django_db


def spec(world, *names: str, **changes) -> GroupSpec:
    unit = world.colonias["015-001"]
    values = {
        "name": "Comité de la calle Mina",
        "unit_id": unit.pk,
        "email": "mina@example.org",
        "members": tuple(MemberSpec(name, unit.pk) for name in names),
    }
    values.update(changes)
    return GroupSpec(**values)


def test_representative_registers_a_group_with_encrypted_members() -> None:
    world = build_world()
    group = group_register(
        actor=world.representative,
        programme=world.programme,
        spec=spec(world, "Ana López", "Vecina 0"),  # Vecina 0 is in another group too
    )
    assert group.representative == world.representative
    members = list(group.members.all())
    assert sorted(m.full_name for m in members) == ["Ana López", "Vecina 0"]
    assert all(m.is_resident for m in members)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM participation_groupmember")
        assert not any("Ana" in row[0] for row in cursor.fetchall())
    assert members[0].name_index == blind_index("Ana López", purpose="group-member")


def test_a_member_living_elsewhere_does_not_count_as_resident() -> None:
    world = build_world()
    morelos = world.colonias["015-002"]
    group = group_register(
        actor=world.representative,
        programme=world.programme,
        spec=spec(world, members=(MemberSpec("Luis Pérez", morelos.pk),)),
    )
    assert [m.is_resident for m in group.members.all()] == [False]


def test_the_same_person_twice_is_refused_and_nothing_is_saved() -> None:
    world = build_world()
    before = CommunityGroup.objects.count(), GroupMember.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        group_register(
            actor=world.representative,
            programme=world.programme,
            spec=spec(world, "Ana López", "ana  lópez"),
        )
    assert caught.value.errors[0].loc == ("body", "members", 1, "full_name")
    assert (CommunityGroup.objects.count(), GroupMember.objects.count()) == before


def test_a_representative_of_another_unit_may_not_register_here() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        group_register(
            actor=world.other_representative, programme=world.programme, spec=spec(world, "A")
        )
    with pytest.raises(PermissionDenied):
        group_register(actor=world.team, programme=world.programme, spec=spec(world, "A"))


def test_a_name_taken_in_the_unit_is_refused() -> None:
    world = build_world()
    with pytest.raises(ValidationFailed) as caught:
        group_register(
            actor=world.representative,
            programme=world.programme,
            spec=spec(world, "A", name=world.group.name),
        )
    assert caught.value.errors[0].loc == ("body", "name")
