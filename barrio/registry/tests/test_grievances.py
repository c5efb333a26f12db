"""Grievance cases: recording, who sees sensitive cases, deadlines, life cycle, history."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Grievance, GrievanceEvent
from barrio.registry.services.grievances import (
    grievance_assign,
    grievance_change_status,
    grievance_record,
)
from barrio.registry.tests.factories import build_desk, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    desk = build_desk()
    desk.focal = make_user("proteccion@lima.pe")
    grant(desk.focal, Role.PROTECTION_FOCAL, desk.world.lima)
    desk.auditor = make_user("auditora@lima.pe")
    grant(desk.auditor, Role.AUDITOR, desk.world.lima)
    return desk


def record(desk, **overrides):
    values = {
        "actor": desk.caseworker,
        "programme": desk.world.lima,
        "unit": desk.world.miraflores,
        "category": "payment",
        "channel": "desk",
        "description": "No recibió el pago de octubre.",
        "contact_name": "Persona Sintética",
        "contact_phone": "+51 987 000 111",
    }
    values.update(overrides)
    return grievance_record(**values)


def test_record_sets_the_deadline_in_the_programmes_time_zone(desk):
    """A payment case opened at 23:30 in Lima is due at the end of the fifth day after, in Lima."""
    opened = dt.datetime(2026, 3, 4, 4, 30, tzinfo=dt.UTC)  # 3 March, 23:30 in Lima
    case = record(desk, opened_at=opened)
    assert case.due_at == dt.datetime(2026, 3, 9, 4, 59, 59, tzinfo=dt.UTC)
    assert case.status == Grievance.Status.NEW
    assert not case.sensitive
    assert list(case.events.values_list("from_status", "to_status")) == [("", "new")]


def test_contact_details_and_description_are_encrypted_at_rest(desk):
    case = record(desk)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone, description FROM registry_grievance WHERE id = %s",
            [case.pk],
        )
        row = cursor.fetchone()
    assert "Sintética" not in row[0]
    assert "987" not in row[1]
    assert "pago" not in row[2]
    assert Grievance.objects.get(pk=case.pk).contact_name == "Persona Sintética"


def test_record_refuses_bad_input_and_saves_nothing(desk):
    with pytest.raises(ValidationFailed) as error:
        record(
            desk,
            category="weather",
            channel="pigeon",
            description=" ",
            contact_name="",
            contact_phone="12",
            contact_email="nope",
        )
    locs = {e.loc[-1] for e in error.value.errors}
    assert locs == {
        "category",
        "channel",
        "description",
        "contact_name",
        "contact_phone",
        "contact_email",
    }
    assert Grievance.objects.count() == 0
    assert GrievanceEvent.objects.count() == 0


def test_a_registered_household_needs_no_contact_and_its_unit_is_the_households(desk):
    household = register(desk)
    case = record(desk, household=household, unit=None, contact_name="", contact_phone="")
    assert case.unit == household.unit
    assert case.household == household


def test_record_outside_the_actors_units_or_by_another_role_is_refused(desk):
    with pytest.raises(PermissionDenied):
        record(desk, actor=desk.province_caseworker, unit=desk.world.callao_district)
    with pytest.raises(PermissionDenied):
        record(desk, actor=desk.manager)
    with pytest.raises(PermissionDenied):
        record(desk, actor=desk.quito_caseworker)
    assert Grievance.objects.count() == 0


def test_sensitive_cases_are_hidden_from_other_roles(desk):
    """A protection case is seen by the protection focal point and the programme manager only."""
    plain = record(desk)
    sensitive = record(desk, category="protection")
    assert sensitive.sensitive

    def seen(user):
        return set(selectors.grievance_list_for_user(user=user, programme=desk.world.lima))

    assert seen(desk.caseworker) == {plain}  # who recorded it no longer sees it
    assert seen(desk.auditor) == {plain}
    assert seen(desk.focal) == {plain, sensitive}
    assert seen(desk.manager) == {plain, sensitive}
    with pytest.raises(PermissionDenied):
        seen(desk.resident)
    from barrio.errors import NotFound

    with pytest.raises(NotFound):
        selectors.grievance_get_for_user(user=desk.caseworker, grievance_id=sensitive.pk)
    assert selectors.grievance_get_for_user(user=desk.focal, grievance_id=sensitive.pk) == sensitive
    counts = selectors.grievance_counts_for_user(user=desk.caseworker, programme=desk.world.lima)
    assert counts.open == 1
    assert counts.by_status["new"] == 1


def test_sensitive_case_is_assigned_only_to_who_may_see_it(desk):
    case = record(desk, category="fraud")
    with pytest.raises(PermissionDenied):
        grievance_assign(actor=desk.caseworker, grievance=case, assignee=desk.caseworker)
    with pytest.raises(ValidationFailed):
        grievance_assign(actor=desk.focal, grievance=case, assignee=desk.caseworker)
    assert Grievance.objects.get(pk=case.pk).status == Grievance.Status.NEW
    grievance_assign(actor=desk.focal, grievance=case, assignee=desk.focal)
    assert selectors.grievance_assignees(case) == [desk.focal]


def test_overdue_counts_and_filters(desk):
    late = record(desk, opened_at=timezone.now() - dt.timedelta(days=30))
    record(desk)
    closed_late = record(desk, opened_at=timezone.now() - dt.timedelta(days=30))
    grievance_change_status(
        actor=desk.caseworker, grievance=closed_late, status="closed", note="Duplicado."
    )
    overdue = selectors.grievance_list_for_user(
        user=desk.caseworker,
        programme=desk.world.lima,
        filters=selectors.GrievanceFilters(overdue=True),
    )
    assert list(overdue) == [late]
    counts = selectors.grievance_counts_for_user(user=desk.caseworker, programme=desk.world.lima)
    assert counts.overdue == 1
    assert counts.open == 2
    assert counts.by_status["closed"] == 1


def test_life_cycle_records_every_transition_with_who_and_when(desk):
    case = record(desk)
    grievance_assign(actor=desk.caseworker, grievance=case, assignee=desk.province_caseworker)
    mine = selectors.grievance_list_for_user(
        user=desk.province_caseworker,
        programme=desk.world.lima,
        filters=selectors.GrievanceFilters(mine=True),
    )
    assert list(mine) == [case]
    grievance_change_status(actor=desk.province_caseworker, grievance=case, status="in_progress")
    grievance_change_status(
        actor=desk.province_caseworker, grievance=case, status="on_hold", note="Espera a la FSP."
    )
    grievance_change_status(actor=desk.province_caseworker, grievance=case, status="in_progress")
    case = grievance_change_status(
        actor=desk.province_caseworker,
        grievance=case,
        status="resolved",
        resolution="Se reprogramó el pago.",
        satisfaction=4,
    )
    assert case.resolved_at is not None
    assert case.satisfaction == 4
    case = grievance_change_status(actor=desk.caseworker, grievance=case, status="closed")
    steps = list(case.events.values_list("from_status", "to_status", "actor__email"))
    assert steps == [
        ("", "new", "caso@lima.pe"),
        ("new", "assigned", "caso@lima.pe"),
        ("assigned", "in_progress", "caso@miraflores.pe"),
        ("in_progress", "on_hold", "caso@miraflores.pe"),
        ("on_hold", "in_progress", "caso@miraflores.pe"),
        ("in_progress", "resolved", "caso@miraflores.pe"),
        ("resolved", "closed", "caso@lima.pe"),
    ]
    assert LogEntry.objects.get_for_object(case).exists()


def test_moves_the_life_cycle_forbids_change_nothing(desk):
    case = record(desk)
    with pytest.raises(Conflict):
        grievance_change_status(
            actor=desk.caseworker, grievance=case, status="resolved", resolution="x"
        )
    grievance_change_status(actor=desk.caseworker, grievance=case, status="closed", note="Retiró.")
    for target in ("in_progress", "closed"):
        with pytest.raises(Conflict):
            grievance_change_status(actor=desk.caseworker, grievance=case, status=target, note="x")
    with pytest.raises(Conflict):
        grievance_assign(actor=desk.caseworker, grievance=case, assignee=desk.caseworker)
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.events.count() == 2


def test_resolution_and_satisfaction_are_checked(desk):
    case = record(desk)
    grievance_assign(actor=desk.caseworker, grievance=case, assignee=desk.caseworker)
    grievance_change_status(actor=desk.caseworker, grievance=case, status="in_progress")
    with pytest.raises(ValidationFailed) as error:
        grievance_change_status(
            actor=desk.caseworker, grievance=case, status="resolved", satisfaction=6
        )
    assert {e.loc[-1] for e in error.value.errors} == {"resolution", "satisfaction"}
    with pytest.raises(ValidationFailed):
        grievance_change_status(
            actor=desk.caseworker, grievance=case, status="on_hold", satisfaction=3
        )
    with pytest.raises(ValidationFailed):
        grievance_change_status(actor=desk.caseworker, grievance=case, status="closed")
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert case.satisfaction is None


def test_a_resolved_case_can_be_reopened(desk):
    case = record(desk)
    grievance_assign(actor=desk.caseworker, grievance=case, assignee=desk.caseworker)
    grievance_change_status(actor=desk.caseworker, grievance=case, status="in_progress")
    grievance_change_status(
        actor=desk.caseworker, grievance=case, status="resolved", resolution="Pagado."
    )
    case = grievance_change_status(
        actor=desk.caseworker, grievance=case, status="in_progress", note="No le llegó."
    )
    assert case.status == "in_progress"
    assert case.resolved_at is None
