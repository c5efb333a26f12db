"""A small Mexico City programme with two colonias, an open call, a group and its people.

Shared by the participation tests; each test takes the parts it needs.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from barrio.accounts.models import Programme, Role
from barrio.accounts.services import programme_create, programme_set_units
from barrio.accounts.tests.factories import grant, make_user
from barrio.crypto import blind_index
from barrio.participation.models import (
    Call,
    CommunityGroup,
    GroupMember,
    Proposal,
    ReviewCriterion,
    WorkKind,
)
from barrio.territories.models import TerritorialUnit
from barrio.territories.services import unit_create


def square(west: float, south: float, side: float = 0.01) -> str:
    """A GeoJSON square of ``side`` degrees whose south-west corner is (west, south)."""
    ring = [
        [west, south],
        [west + side, south],
        [west + side, south + side],
        [west, south + side],
        [west, south],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


@dataclass
class World:
    programme: Programme
    colonias: dict[str, TerritorialUnit]
    manager: User
    team: User
    reviewer: User
    representative: User
    other_representative: User
    auditor: User
    call: Call
    group: CommunityGroup


def build_world(*, submission_open: bool = True) -> World:
    """Two colonias of one alcaldía, a published call whose submission step is open (or not
    yet), a group of five residents in the first colonia, and one user per role."""
    city = unit_create(country="MX", level="entidad", code="09", name="Ciudad de México")
    alcaldia = unit_create(
        country="MX", level="alcaldía", code="09015", name="Cuauhtémoc", parent=city
    )
    colonias = {}
    for index, (code, name) in enumerate([("015-001", "Guerrero"), ("015-002", "Morelos")]):
        unit = unit_create(country="MX", level="colonia", code=code, name=name, parent=alcaldia)
        unit.geometry = square(-99.15 + index * 0.01, 19.43)
        unit.save(update_fields=["geometry"])
        colonias[code] = unit
    programme = programme_create(
        slug="pcmb", name="PCMB", country="MX", currency="MXN", time_zone="America/Mexico_City"
    )
    programme.languages = ["es", "en"]
    programme.save(update_fields=["languages"])
    programme_set_units(programme=programme, units=[city])
    users = {
        name: make_user(f"{name}@example.org")
        for name in ("manager", "team", "reviewer", "rep", "other-rep", "auditor")
    }
    grant(users["manager"], Role.PROGRAMME_MANAGER, programme)
    grant(users["team"], Role.MUNICIPAL_TEAM, programme, alcaldia)
    grant(users["reviewer"], Role.COMMITTEE_MEMBER, programme)
    grant(users["rep"], Role.COMMUNITY_REPRESENTATIVE, programme, colonias["015-001"])
    grant(users["other-rep"], Role.COMMUNITY_REPRESENTATIVE, programme, colonias["015-002"])
    grant(users["auditor"], Role.AUDITOR, programme)
    now = timezone.now()
    opens = now - dt.timedelta(days=5) if submission_open else now + dt.timedelta(days=2)
    call = Call.objects.create(
        programme=programme,
        slug="pcmb-2026",
        title="Mejoramiento Barrial 2026",
        status=Call.Status.PUBLISHED,
        submission_opens_at=opens,
        submission_closes_at=opens + dt.timedelta(days=30),
        review_closes_at=opens + dt.timedelta(days=45),
        assemblies_close_at=opens + dt.timedelta(days=60),
        results_at=opens + dt.timedelta(days=75),
        kinds=[WorkKind.PARK, WorkKind.COMMUNITY_CENTRE, WorkKind.STREETS_LIGHTING],
        max_project_cents=150_000_000,
        total_cents=1_000_000_000,
        required_documents=["Acta de asamblea constitutiva"],
        min_group_members=5,
        created_by=users["manager"],
    )
    call.units.set(colonias.values())
    for position, (code, name, weight) in enumerate(
        [("feasibility", "Factibilidad técnica", 3), ("impact", "Impacto social", 2)]
    ):
        ReviewCriterion.objects.create(
            call=call, code=code, name=name, weight=weight, scale_max=5, position=position
        )
    group = CommunityGroup.objects.create(
        programme=programme,
        name="Vecinos de Guerrero",
        unit=colonias["015-001"],
        representative=users["rep"],
        email="vecinos@example.org",
    )
    for number in range(5):
        name = f"Vecina {number}"
        GroupMember.objects.create(
            group=group,
            full_name=name,
            name_index=blind_index(name, purpose="group-member"),
            unit=colonias["015-001"],
        )
    return World(
        programme=programme,
        colonias=colonias,
        manager=users["manager"],
        team=users["team"],
        reviewer=users["reviewer"],
        representative=users["rep"],
        other_representative=users["other-rep"],
        auditor=users["auditor"],
        call=call,
        group=group,
    )


def make_proposal(world: World, *, status: str = "draft", **fields: object) -> Proposal:
    """A proposal of the world's group in its colonia, in ``status`` (set directly: the
    services that move it are tested on their own)."""
    values: dict[str, object] = {
        "title": "Parque de bolsillo en Guerrero",
        "kind": WorkKind.PARK,
        "diagnosis": "Un predio baldío acumula basura.",
        "objectives": "Un parque con juegos y luz.",
        "total_cents": 90_000_000,
    }
    values.update(fields)
    return Proposal.objects.create(
        call=world.call,
        group=world.group,
        unit=world.group.unit,
        status=status,
        created_by=world.representative,
        **values,
    )
