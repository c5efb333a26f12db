"""member_add, household_update and household_set_collectors."""

from __future__ import annotations

import datetime as dt

import pytest

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import Member
from barrio.registry.services import household_set_collectors, household_update, member_add
from barrio.registry.tests.factories import (
    another_person,
    build_desk,
    child,
    household,
    member,
    register,
)

pytestmark = pytest.mark.django_db


def test_member_is_added_with_indexes():
    desk = build_desk()
    saved = register(desk)
    added = member_add(actor=desk.caseworker, household=saved, record=child(documents=()))
    assert added.household == saved
    assert added.name_index.count(" ") == 3  # four words: Luis, Angel, Rondon, Perez
    assert saved.members.count() == 3


def test_a_second_head_or_a_registered_document_is_refused():
    desk = build_desk()
    saved = register(desk)
    with pytest.raises(ValidationFailed):
        member_add(actor=desk.caseworker, household=saved, record=another_person())
    with pytest.raises(Conflict):
        member_add(actor=desk.caseworker, household=saved, record=member(relationship="partner"))
    assert Member.objects.count() == 2


def test_outside_scope_member_add_is_refused():
    desk = build_desk()
    saved = register(desk, unit=desk.world.callao_district)
    with pytest.raises(PermissionDenied):
        member_add(actor=desk.province_caseworker, household=saved, record=child(documents=()))
    assert Member.objects.count() == 2


def test_household_update_changes_and_validates():
    desk = build_desk()
    saved = register(desk)
    household_update(
        actor=desk.caseworker,
        household=saved,
        address="Av. Grau 1",
        residence_status="refugee",
        arrival_date=dt.date(2021, 1, 1),
        vulnerability=["no_income", "no_income"],
    )
    saved.refresh_from_db()
    assert (saved.address, saved.residence_status, saved.vulnerability) == (
        "Av. Grau 1",
        "refugee",
        ["no_income"],
    )
    with pytest.raises(ValidationFailed):
        household_update(
            actor=desk.caseworker,
            household=saved,
            address="",
            residence_status="visitor",
            arrival_date=None,
            vulnerability=[],
        )
    saved.refresh_from_db()
    assert saved.residence_status == "refugee"


def test_collectors_are_adult_members_and_two_people():
    desk = build_desk()
    saved = register(desk)
    head, son = saved.members.order_by("pk")
    stranger = register(desk, household(another_person()), unit=desk.world.callao_district)
    with pytest.raises(ValidationFailed):
        household_set_collectors(
            actor=desk.caseworker, household=saved, primary=stranger.head, alternate=None
        )
    with pytest.raises(ValidationFailed):
        household_set_collectors(
            actor=desk.caseworker, household=saved, primary=son, alternate=None
        )
    with pytest.raises(ValidationFailed):
        household_set_collectors(
            actor=desk.caseworker, household=saved, primary=head, alternate=head
        )
    household_set_collectors(actor=desk.caseworker, household=saved, primary=None, alternate=head)
    saved.refresh_from_db()
    assert (saved.primary_collector, saved.alternate_collector) == (None, head)
