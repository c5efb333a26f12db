"""A small programme with need and population data, for the planning tests."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from barrio.accounts.models import Programme, Role
from barrio.accounts.services import programme_create, programme_set_units
from barrio.accounts.tests.factories import grant, make_user
from barrio.territories.models import IndicatorValue, TerritorialUnit
from barrio.territories.services import indicator_define, unit_create

#: district code → (province, need score, population)
DISTRICTS = {
    "N1": ("north", 90.0, 12_000),
    "N2": ("north", 80.0, 30_000),
    "N3": ("north", 70.0, 8_000),
    "N4": ("north", 20.0, 50_000),
    "S1": ("south", 60.0, 25_000),
    "S2": ("south", 50.0, 4_000),
    "S3": ("south", 10.0, 40_000),
    "S4": ("south", None, 15_000),
}


@dataclass
class Plan:
    programme: Programme
    manager: User
    other_manager: User
    team: User
    resident: User
    districts: dict[str, TerritorialUnit]


def build_plan() -> Plan:
    """A city with two provinces of four districts, a need index and a population."""
    city = unit_create(country="PE", level="departamento", code="15", name="Lima")
    provinces = {
        name: unit_create(
            country="PE", level="provincia", code=name, name=name.title(), parent=city
        )
        for name in ("north", "south")
    }
    need = indicator_define(code="need", name="Need", kind="index", direction="higher_is_worse")
    people = indicator_define(code="people", name="Population", kind="count")
    districts = {}
    for code, (province, score, population) in DISTRICTS.items():
        unit = unit_create(
            country="PE",
            level="distrito",
            code=code,
            name=f"District {code}",
            parent=provinces[province],
        )
        districts[code] = unit
        if score is not None:
            IndicatorValue.objects.create(indicator=need, unit=unit, period="2025", value=score)
        IndicatorValue.objects.create(indicator=people, unit=unit, period="2025", value=population)
    programme = programme_create(
        slug="plan", name="Plan", country="PE", currency="PEN", time_zone="America/Lima"
    )
    programme_set_units(programme=programme, units=[city])
    manager, other, team, resident = (
        make_user(f"{name}@example.org") for name in ("manager", "other", "team", "resident")
    )
    grant(manager, Role.PROGRAMME_MANAGER, programme)
    grant(other, Role.PROGRAMME_MANAGER, programme)
    grant(team, Role.MUNICIPAL_TEAM, programme)
    grant(resident, Role.RESIDENT, programme)
    return Plan(programme, manager, other, team, resident, districts)
