"""Who sees which households; search by document and by name; the dashboard's aggregates."""

from __future__ import annotations

import pytest

from barrio.errors import NotFound, PermissionDenied
from barrio.registry.records import DocumentRecord
from barrio.registry.selectors import (
    household_get_for_user,
    household_list_for_user,
    household_search,
    registry_dashboard,
    suppress,
)
from barrio.registry.tests.factories import another_person, build_desk, household, member, register

pytestmark = pytest.mark.django_db


def test_households_are_seen_within_scope_only():
    desk = build_desk()
    here = register(desk)
    there = register(desk, household(another_person()), unit=desk.world.callao_district)
    assert set(household_list_for_user(user=desk.caseworker, programme=desk.world.lima)) == {
        here,
        there,
    }
    assert list(
        household_list_for_user(user=desk.province_caseworker, programme=desk.world.lima)
    ) == [here]
    with pytest.raises(NotFound):
        household_get_for_user(user=desk.province_caseworker, household_id=there.pk)
    with pytest.raises(PermissionDenied):
        household_list_for_user(user=desk.resident, programme=desk.world.lima)
    with pytest.raises(PermissionDenied):
        household_list_for_user(user=desk.quito_caseworker, programme=desk.world.lima)
    assert household_get_for_user(user=desk.manager, household_id=here.pk) == here


def test_search_by_document_number_ignores_case_spaces_and_dashes():
    desk = build_desk()
    saved = register(desk)
    found = household_search(
        user=desk.caseworker, programme=desk.world.lima, document_number="v12345678"
    )
    assert found == [saved]
    assert (
        household_search(
            user=desk.caseworker, programme=desk.world.lima, document_number="v12345679"
        )
        == []
    )


def test_search_by_name_needs_every_word_accents_folded():
    desk = build_desk()
    saved = register(desk)
    register(
        desk,
        household(
            member(
                given_names="Yusmary",
                family_name_1="Rojas",
                documents=(DocumentRecord("pe_dni", "40404040"),),
            )
        ),
    )
    lima = desk.world.lima
    assert household_search(user=desk.caseworker, programme=lima, name="perez YUSMARY") == [saved]
    assert len(household_search(user=desk.caseworker, programme=lima, name="yusmary")) == 2
    assert household_search(user=desk.caseworker, programme=lima, name="Yusmari") == []
    assert household_search(user=desk.caseworker, programme=lima, name="") == []


def test_search_needs_the_right_to_read_personal_data():
    desk = build_desk()
    register(desk)
    with pytest.raises(PermissionDenied):
        household_search(user=desk.manager, programme=desk.world.lima, name="yusmary")


def test_dashboard_suppresses_small_counts():
    desk = build_desk()
    for number in range(6):
        register(desk, household(another_person(f"DNI-{number:06d}")))
    register(desk, household(member(), residence_status="refugee"))
    board = registry_dashboard(user=desk.manager, programme=desk.world.lima)
    assert board.households == 7
    assert board.people == 7
    statuses = {row.key: row for row in board.by_status}
    assert statuses["migrant"].count == 6
    assert statuses["refugee"].count is None
    assert statuses["refugee"].shown == "< 5"
    assert {row.key: row.count for row in board.by_nationality} == {"VE": 7}
    with pytest.raises(PermissionDenied):
        registry_dashboard(user=desk.resident, programme=desk.world.lima)


def test_suppress():
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
