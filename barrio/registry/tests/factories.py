"""Builders of registry test data: records of households and people, and a world with roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import User

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import World, build_world, grant, make_user
from barrio.registry.models import Household
from barrio.registry.records import (
    ConsentRecord,
    DocumentRecord,
    HouseholdRecord,
    MemberRecord,
)
from barrio.registry.services import household_register

TODAY = dt.date.today()


def member(**overrides: Any) -> MemberRecord:
    """A head of household from Venezuela, with a passport, unless told otherwise."""
    values: dict[str, Any] = {
        "given_names": "Yusmary Carolina",
        "family_name_1": "Pérez",
        "family_name_2": "González",
        "sex": "female",
        "nationality": "VE",
        "relationship": "head",
        "birth_date": dt.date(1990, 5, 17),
        "phone": "+51 987 654 321",
        "documents": (DocumentRecord("ve_passport", "V-123 456 78"),),
    }
    values.update(overrides)
    return MemberRecord(**values)


def child(**overrides: Any) -> MemberRecord:
    values: dict[str, Any] = {
        "given_names": "Luis Ángel",
        "family_name_1": "Rondón",
        "family_name_2": "Pérez",
        "sex": "male",
        "nationality": "VE",
        "relationship": "child",
        "birth_date": dt.date(2015, 2, 1),
        "phone": "",
        "documents": (DocumentRecord("pe_cpp", "CPP-000111"),),
    }
    values.update(overrides)
    return MemberRecord(**values)


def household(*members: MemberRecord, **overrides: Any) -> HouseholdRecord:
    values: dict[str, Any] = {
        "residence_status": "migrant",
        "members": members or (member(), child()),
        "address": "Jr. Las Flores 123, Miraflores",
        "arrival_date": dt.date(2022, 3, 1),
        "vulnerability": ("single_caregiver",),
        "consents": (ConsentRecord("registration", TODAY, 0),),
        "primary_collector": 0,
    }
    values.update(overrides)
    return HouseholdRecord(**values)


@dataclass
class Desk:
    """Lima's world, with a caseworker of Lima province and one of the whole programme."""

    world: World
    caseworker: User
    province_caseworker: User
    manager: User
    resident: User
    quito_caseworker: User


def build_desk() -> Desk:
    world = build_world()
    caseworker = make_user("caso@lima.pe")
    grant(caseworker, Role.CASEWORKER, world.lima)
    province = make_user("caso@miraflores.pe")
    grant(province, Role.CASEWORKER, world.lima, world.lima_province)
    manager = make_user("gestora@lima.pe")
    grant(manager, Role.PROGRAMME_MANAGER, world.lima)
    resident = make_user("vecina@lima.pe")
    grant(resident, Role.RESIDENT, world.lima)
    quito = make_user("caso@quito.ec")
    grant(quito, Role.CASEWORKER, world.quito)
    return Desk(world, caseworker, province, manager, resident, quito)


def register(desk: Desk, record: HouseholdRecord | None = None, unit: Any = None) -> Household:
    return household_register(
        actor=desk.caseworker,
        programme=desk.world.lima,
        unit=unit or desk.world.miraflores,
        record=record or household(),
    )


def another_person(number: str = "X-99887766") -> MemberRecord:
    """Somebody else entirely, with a document of their own."""
    return replace(
        member(given_names="Carlos", family_name_1="Mendoza", family_name_2=""),
        documents=(DocumentRecord("pe_dni", number),),
        phone="",
    )
