"""Builders of test data for accounts: programmes with a territory, users with roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from barrio.accounts.models import Programme, Role, RoleGrant
from barrio.accounts.services import programme_create, programme_set_units
from barrio.territories.models import TerritorialUnit
from barrio.territories.services import unit_create

PASSWORD = "a-Long-test-passw0rd"


@dataclass
class World:
    """Two programmes in two countries; Lima's has two municipalities with districts."""

    lima: Programme
    quito: Programme
    lima_province: TerritorialUnit
    callao_province: TerritorialUnit
    miraflores: TerritorialUnit
    callao_district: TerritorialUnit
    quito_canton: TerritorialUnit


def build_world() -> World:
    peru = unit_create(country="PE", level="departamento", code="15", name="Lima")
    lima_province = unit_create(
        country="PE", level="provincia", code="1501", name="Lima", parent=peru
    )
    miraflores = unit_create(
        country="PE", level="distrito", code="150122", name="Miraflores", parent=lima_province
    )
    callao_dep = unit_create(country="PE", level="departamento", code="07", name="Callao")
    callao_province = unit_create(
        country="PE", level="provincia", code="0701", name="Callao", parent=callao_dep
    )
    callao_district = unit_create(
        country="PE", level="distrito", code="070101", name="Callao", parent=callao_province
    )
    pichincha = unit_create(country="EC", level="provincia", code="17", name="Pichincha")
    quito_canton = unit_create(
        country="EC", level="cantón", code="1701", name="Quito", parent=pichincha
    )
    lima = programme_create(
        slug="lima",
        name="Ciudades Incluyentes Lima",
        country="PE",
        currency="PEN",
        time_zone="America/Lima",
        is_public=False,
    )
    programme_set_units(programme=lima, units=[lima_province, callao_province])
    quito = programme_create(
        slug="quito",
        name="Ciudades Incluyentes Quito",
        country="EC",
        currency="USD",
        time_zone="America/Guayaquil",
        is_public=False,
    )
    programme_set_units(programme=quito, units=[quito_canton])
    return World(
        lima, quito, lima_province, callao_province, miraflores, callao_district, quito_canton
    )


def make_user(email: str, *, superuser: bool = False) -> User:
    model = get_user_model()
    if superuser:
        return model.objects.create_superuser(username=email, email=email, password=PASSWORD)
    return model.objects.create_user(username=email, email=email, password=PASSWORD)


def grant(
    user: User,
    role: Role | str,
    programme: Programme,
    unit: TerritorialUnit | None = None,
    *,
    days: int = 30,
) -> RoleGrant:
    """Give a role directly (the services are tested on their own)."""
    return RoleGrant.objects.create(
        user=user,
        role=role,
        programme=programme,
        unit=unit,
        expires_on=dt.date.today() + dt.timedelta(days=days),
    )


def fresh(make: Callable[..., Any], /, **fixed: Any) -> Callable[..., int]:
    """A maker of new objects: each call runs ``make(**fixed)`` and returns the new id.

    A write that succeeds only once (approving, deciding, publishing) needs a new object for
    every actor that tries it; keyword arguments of a call replace the fixed ones.
    """

    def new(**changes: Any) -> int:
        return int(make(**{**fixed, **changes}).pk)

    return new
