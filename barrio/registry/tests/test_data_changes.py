"""Data-change requests: asked by one person, decided by a second, applied through the
registry's services atomically; nothing changes after a refused or invalid request."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import DataChangeRequest, Document, Member
from barrio.registry.records import document_index, name_index, phone_index
from barrio.registry.services.data_changes import data_change_decide, data_change_request
from barrio.registry.services.grievances import grievance_record
from barrio.registry.tests.factories import another_person, build_desk, household, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return build_desk()


def head(h):
    return Member.objects.get(pk=h.head_id)


def ask(desk, h, **overrides):
    values = {
        "actor": desk.caseworker,
        "household": h,
        "field": "phone",
        "member": head(h),
        "new_value": "+51 912 345 678",
        "reason": "Cambió de número.",
    }
    values.update(overrides)
    return data_change_request(**values)


def test_old_and_new_values_are_kept_encrypted(desk):
    h = register(desk)
    request = ask(desk, h)
    assert request.old_value == "+51 987 654 321"
    assert request.status == "pending"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT old_value, new_value FROM registry_datachangerequest WHERE id = %s",
            [request.pk],
        )
        old, new = cursor.fetchone()
    assert "987" not in old
    assert "912" not in new


def test_a_second_person_approves_and_the_change_is_applied_with_its_indexes(desk):
    h = register(desk)
    request = ask(desk, h)
    with pytest.raises(PermissionDenied) as error:
        data_change_decide(actor=desk.caseworker, request=request, approve=True)
    assert error.value.code == "second_person_required"
    assert head(h).phone == "+51 987 654 321"
    decided = data_change_decide(actor=desk.province_caseworker, request=request, approve=True)
    assert decided.status == "approved"
    assert decided.decided_by == desk.province_caseworker
    member = head(h)
    assert member.phone == "+51 912 345 678"
    assert member.phone_index == phone_index("+51 912 345 678")
    assert LogEntry.objects.get_for_object(member).filter(action=LogEntry.Action.UPDATE).exists()


def test_names_birth_date_address_and_document_are_corrected(desk):
    h = register(desk)
    member = head(h)
    document = Document.objects.get(member=member)
    requests = [
        ask(desk, h, field="given_names", new_value="Yusmari Carolina"),
        ask(desk, h, field="birth_date", new_value="1990-05-18"),
        ask(desk, h, field="address", member=None, new_value="Av. Larco 1, Miraflores"),
        ask(
            desk,
            h,
            field="document_number",
            member=None,
            document=document,
            new_value="V-123 456 79",
        ),
    ]
    for request in requests:
        data_change_decide(actor=desk.province_caseworker, request=request, approve=True)
    member = head(h)
    assert member.given_names == "Yusmari Carolina"
    assert member.name_index == name_index("Yusmari Carolina", "Pérez", "González")
    assert member.birth_date == dt.date(1990, 5, 18)
    h.refresh_from_db()
    assert h.address == "Av. Larco 1, Miraflores"
    document.refresh_from_db()
    assert document.number == "V-123 456 79"
    assert document.number_index == document_index("V12345679")


def test_rejected_request_changes_nothing_and_needs_a_reason(desk):
    h = register(desk)
    request = ask(desk, h)
    with pytest.raises(ValidationFailed):
        data_change_decide(actor=desk.province_caseworker, request=request, approve=False)
    data_change_decide(
        actor=desk.province_caseworker, request=request, approve=False, note="No lo pidió."
    )
    assert head(h).phone == "+51 987 654 321"
    with pytest.raises(Conflict):
        data_change_decide(actor=desk.province_caseworker, request=request, approve=True)
    assert head(h).phone == "+51 987 654 321"


def test_invalid_new_value_is_refused_when_approved_and_nothing_changes(desk):
    h = register(desk)
    request = ask(desk, h, new_value="12")  # too few digits: the registry's rules refuse it
    with pytest.raises(ValidationFailed):
        data_change_decide(actor=desk.province_caseworker, request=request, approve=True)
    request.refresh_from_db()
    assert request.status == "pending"
    assert head(h).phone == "+51 987 654 321"


def test_a_document_already_registered_is_refused_and_nothing_changes(desk):
    h = register(desk)
    register(desk, household(another_person("X-55555555")))
    document = Document.objects.get(member=head(h))
    request = ask(
        desk, h, field="document_number", member=None, document=document, new_value="X-55555555"
    )
    document.refresh_from_db()
    document.type = "pe_dni"  # same type and country as the other person's
    document.issuing_country = "PE"
    document.save()
    request.refresh_from_db()
    with pytest.raises(Conflict):
        data_change_decide(actor=desk.province_caseworker, request=request, approve=True)
    document.refresh_from_db()
    assert document.number == "V-123 456 78"
    assert DataChangeRequest.objects.get(pk=request.pk).status == "pending"


def test_a_value_changed_since_asked_is_not_overwritten(desk):
    h = register(desk)
    first, second = ask(desk, h), ask(desk, h, new_value="+51 933 333 333")
    data_change_decide(actor=desk.province_caseworker, request=first, approve=True)
    with pytest.raises(Conflict) as error:
        data_change_decide(actor=desk.province_caseworker, request=second, approve=True)
    assert error.value.code == "changed_since_asked"
    assert head(h).phone == "+51 912 345 678"


def test_bad_requests_are_refused_and_nothing_is_saved(desk):
    h = register(desk)
    other = register(desk, household(another_person()))
    bad = [
        {"field": "religion"},
        {"member": head(other)},
        {"field": "document_number", "member": None, "document": None},
        {"new_value": "+51 987 654 321"},  # the value already recorded
        {"field": "given_names", "new_value": " "},
        {"field": "birth_date", "new_value": "18/05/1990"},
        {"reason": ""},
    ]
    for overrides in bad:
        with pytest.raises(ValidationFailed):
            ask(desk, h, **overrides)
    with pytest.raises(PermissionDenied):
        ask(desk, h, actor=desk.manager)
    with pytest.raises(PermissionDenied):
        ask(desk, h, actor=desk.quito_caseworker)
    assert DataChangeRequest.objects.count() == 0


def test_a_request_attached_to_a_grievance(desk):
    h = register(desk)
    case = grievance_record(
        actor=desk.caseworker,
        programme=desk.world.lima,
        unit=None,
        household=h,
        category="data_correction",
        channel="desk",
        description="Corrige su teléfono.",
    )
    request = ask(desk, h, grievance=case)
    assert list(case.data_change_requests.all()) == [request]
    other = register(desk, household(another_person()))
    with pytest.raises(ValidationFailed):
        ask(desk, other, member=head(other), grievance=case)
