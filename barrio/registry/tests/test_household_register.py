"""household_register: who may register, what is checked, what is kept, what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry.models import Consent, Document, Household, Member
from barrio.registry.records import ConsentRecord, DocumentRecord
from barrio.registry.services import household_register
from barrio.registry.tests.factories import (
    another_person,
    build_desk,
    child,
    household,
    member,
    register,
)

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        Document.objects.count(),
        Consent.objects.count(),
    )


def test_registers_household_with_members_roles_and_consent():
    """Everything given is kept; the head and the collector are members; consent recorded."""
    desk = build_desk()
    saved = register(desk)
    saved.refresh_from_db()
    head, son = saved.members.order_by("pk")
    assert saved.head == head
    assert saved.primary_collector == head
    assert saved.alternate_collector is None
    assert (head.given_names, head.family_name_1, head.family_name_2) == (
        "Yusmary Carolina",
        "Pérez",
        "González",
    )
    assert head.birth_date == dt.date(1990, 5, 17)
    assert saved.address == "Jr. Las Flores 123, Miraflores"
    assert son.documents.get().issuing_country == "PE"
    consent = saved.consents.get()
    assert (consent.purpose, consent.recorded_by, consent.member) == (
        "registration",
        desk.caseworker,
        head,
    )
    assert saved.created_by == desk.caseworker
    assert saved.vulnerability == ["single_caregiver"]


def test_personal_values_are_encrypted_at_rest():
    """The table holds tokens, not the names, the address, the phone or the number."""
    desk = build_desk()
    register(desk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_names, family_name_1, phone, birth_date FROM registry_member")
        rows = cursor.fetchall()
        cursor.execute("SELECT number FROM registry_document")
        numbers = cursor.fetchall()
        cursor.execute("SELECT address FROM registry_household")
        addresses = cursor.fetchall()
    text = repr((rows, numbers, addresses))
    # Whole values: a piece as short as "987" turns up in random ciphertext now and then.
    secrets = ("Yusmary", "Pérez", "987 654 321", "987654321", "1990-05-17", "12345678", "Flores")
    for secret in secrets:
        assert secret not in text


def test_changes_are_audited_without_personal_values():
    """The audit log records the new household and people, with their values masked."""
    desk = build_desk()
    saved = register(desk)
    entries = LogEntry.objects.filter(additional_data__programme="lima")
    assert entries.filter(object_pk=str(saved.pk), content_type__model="household").exists()
    assert entries.filter(content_type__model="member").count() == 2
    assert "Yusmary" not in repr(list(entries.values_list("changes", flat=True)))
    assert "Flores" not in repr(list(entries.values_list("changes", flat=True)))


@pytest.mark.parametrize("who", ["manager", "resident", "quito_caseworker"])
def test_roles_that_do_not_register_are_refused(who):
    """Only those who change personal data register; nothing is saved otherwise."""
    desk = build_desk()
    with pytest.raises(PermissionDenied):
        household_register(
            actor=getattr(desk, who),
            programme=desk.world.lima,
            unit=desk.world.miraflores,
            record=household(),
        )
    assert counts() == (0, 0, 0, 0)


def test_a_caseworker_of_one_province_registers_only_there():
    desk = build_desk()
    household_register(
        actor=desk.province_caseworker,
        programme=desk.world.lima,
        unit=desk.world.miraflores,
        record=household(),
    )
    with pytest.raises(PermissionDenied):
        household_register(
            actor=desk.province_caseworker,
            programme=desk.world.lima,
            unit=desk.world.callao_district,
            record=household(another_person()),
        )
    assert Household.objects.count() == 1


def test_unit_outside_the_programme_is_refused():
    desk = build_desk()
    with pytest.raises(ValidationFailed) as caught:
        register(desk, unit=desk.world.quito_canton)
    assert ("body", "unit") in [e.loc for e in caught.value.errors]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("record", "loc"),
    [
        (household(member(given_names=" ")), ("body", "members", 0, "given_names")),
        (household(member(sex="f")), ("body", "members", 0, "sex")),
        (household(member(nationality="Venezuela")), ("body", "members", 0, "nationality")),
        (
            household(member(birth_date=dt.date.today() + dt.timedelta(days=2))),
            ("body", "members", 0, "birth_date"),
        ),
        (household(member(relationship="child")), ("body", "relationship")),
        (household(member(), member()), ("body", "relationship")),
        (
            household(member(documents=(DocumentRecord("cedula_xx", "1234567"),))),
            ("body", "members", 0, "document_type"),
        ),
        (
            household(member(documents=(DocumentRecord("pe_ce", "1234567", "CO"),))),
            ("body", "members", 0, "document_country"),
        ),
        (
            household(member(documents=(DocumentRecord("passport", "1234567"),))),
            ("body", "members", 0, "document_country"),
        ),
        (
            household(member(documents=(DocumentRecord("ve_passport", "1-"),))),
            ("body", "members", 0, "document_number"),
        ),
        (household(member(sex="male", pregnancy=True)), ("body", "members", 0, "pregnancy")),
        (household(member(phone="call me")), ("body", "members", 0, "phone")),
        (household(residence_status="tourist"), ("body", "residence_status")),
        (household(vulnerability=("poor",)), ("body", "vulnerability")),
        (household(consents=()), ("body", "consents")),
        (household(primary_collector=1), ("body", "primary_collector")),
        (household(primary_collector=5), ("body", "primary_collector")),
        (household(alternate_collector=0), ("body", "alternate_collector")),
        (
            household(arrival_date=dt.date.today() + dt.timedelta(days=40)),
            ("body", "arrival_date"),
        ),
        (household(members=()), ("body", "members")),
    ],
)
def test_invalid_households_are_refused_with_the_place_of_each_problem(record, loc):
    """Each rule names where the problem is; nothing is saved."""
    desk = build_desk()
    with pytest.raises(ValidationFailed) as caught:
        register(desk, record)
    assert loc in [e.loc for e in caught.value.errors]
    assert counts() == (0, 0, 0, 0)


def test_same_document_twice_in_the_programme_is_refused():
    """The exact rule: same type, number (folded) and issuing country is the same person."""
    desk = build_desk()
    register(desk)
    again = household(
        another_person(),
        member(
            relationship="partner",
            given_names="Yusmari",
            documents=(DocumentRecord("ve_passport", "v12345678"),),
        ),
    )
    before = counts()
    with pytest.raises(Conflict) as caught:
        register(desk, again)
    assert caught.value.code == "already_registered"
    assert caught.value.errors[0].loc == ("body", "members", 1, "document_number")
    assert counts() == before


def test_same_number_of_another_type_or_country_is_not_the_same_document():
    desk = build_desk()
    register(desk)
    register(
        desk,
        household(
            another_person(),
            child(documents=(DocumentRecord("passport", "V-12345678", "CO"),)),
        ),
    )
    assert Household.objects.count() == 2


def test_consent_without_a_member_and_several_purposes():
    desk = build_desk()
    saved = register(
        desk,
        household(
            consents=(
                ConsentRecord("registration", dt.date.today()),
                ConsentRecord("messages", dt.date.today(), 0),
            )
        ),
    )
    assert sorted(saved.consents.values_list("purpose", flat=True)) == [
        "messages",
        "registration",
    ]
