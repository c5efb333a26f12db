"""``may`` and ``scope``: roles reach their programme, or their unit and what lies inside."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from barrio.accounts.models import Role
from barrio.accounts.permissions import RULES, Action, may, needs_second_factor, scope
from barrio.accounts.tests.factories import build_world, grant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_every_action_has_a_rule():
    assert set(RULES) == set(Action)


def test_unit_grant_reaches_the_unit_and_inside_only(world):
    """A caseworker of Lima province reaches Miraflores, not Callao, not Quito."""
    caseworker = make_user("caso@lima.pe")
    grant(caseworker, Role.CASEWORKER, world.lima, world.lima_province)
    view = Action.PERSONAL_DATA_VIEW
    assert may(caseworker, view, programme=world.lima, unit=world.lima_province)
    assert may(caseworker, view, programme=world.lima, unit=world.miraflores)
    assert not may(caseworker, view, programme=world.lima, unit=world.callao_district)
    assert not may(caseworker, view, programme=world.lima, unit=None)
    assert not may(caseworker, view, programme=world.quito, unit=world.quito_canton)


def test_programme_grant_reaches_everything_of_its_programme_only(world):
    manager = make_user("gestora@lima.pe")
    grant(manager, Role.PROGRAMME_MANAGER, world.lima)
    assert may(manager, Action.ROLE_MANAGE, programme=world.lima)
    assert may(manager, Action.ROLE_MANAGE, programme=world.lima, unit=world.callao_district)
    assert not may(manager, Action.ROLE_MANAGE, programme=world.quito)


def test_role_without_the_action_gets_nothing(world):
    resident = make_user("vecina@lima.pe")
    grant(resident, Role.RESIDENT, world.lima)
    assert not may(resident, Action.PERSONAL_DATA_VIEW, programme=world.lima, unit=world.miraflores)
    assert scope(resident, Action.PERSONAL_DATA_VIEW, world.lima).is_empty


def test_expired_and_revoked_grants_count_for_nothing(world):
    expired = make_user("expired@lima.pe")
    old = grant(expired, Role.PROGRAMME_MANAGER, world.lima)
    old.expires_on = dt.date.today() - dt.timedelta(days=1)
    old.save()
    revoked = make_user("revoked@lima.pe")
    gone = grant(revoked, Role.PROGRAMME_MANAGER, world.lima)
    gone.revoked_at = timezone.now()
    gone.save()
    for user in (expired, revoked):
        assert not may(user, Action.PROGRAMME_MANAGE, programme=world.lima)


def test_inactive_user_and_anonymous_get_nothing(world):
    user = make_user("inactive@lima.pe")
    grant(user, Role.PROGRAMME_MANAGER, world.lima)
    user.is_active = False
    user.save()
    assert not may(user, Action.PROGRAMME_VIEW, programme=world.lima)
    assert not may(AnonymousUser(), Action.PROGRAMME_VIEW, programme=world.lima)


def test_may_answers_as_the_scope_covers(world) -> None:
    """``may`` asks the database what ``scope(...).covers(unit)`` computes from the grants:
    for every kind of rule, grants over the programme, a province or a district, and units
    above, inside, beside and in another country, both give the same answer."""
    from barrio.territories.models import TerritorialUnit

    units: list[TerritorialUnit | None] = [None, *TerritorialUnit.objects.all()]
    places = [None, world.lima_province, world.miraflores, world.callao_district]
    kinds = {frozenset(roles): action for action, roles in RULES.items()}
    users = []
    for number, (role, place) in enumerate(
        (role, place) for role in (Role.RESIDENT, Role.CASEWORKER, Role.AUDITOR) for place in places
    ):
        user = make_user(f"user{number}@lima.pe")
        grant(user, role, world.lima, place)
        users.append(user)
    grant(users[-1], Role.CASEWORKER, world.quito, world.quito_canton)  # two programmes
    for user in users:
        for action in kinds.values():
            for programme in (world.lima, world.quito):
                covered = scope(user, action, programme)
                for unit in units:
                    assert may(user, action, programme=programme, unit=unit) == covered.covers(
                        unit
                    ), (user.username, action, programme.slug, unit)


def test_superuser_may_everything(world):
    admin = make_user("admin@barrio.org", superuser=True)
    assert may(admin, Action.AUDIT_VIEW, programme=world.quito)


@pytest.mark.parametrize(
    ("role", "needs"),
    [
        (Role.CASEWORKER, True),
        (Role.AUDITOR, True),
        (Role.PROGRAMME_MANAGER, True),
        (Role.MUNICIPAL_TEAM, True),
        (Role.PAYMENTS_OFFICER, True),
        (Role.RESIDENT, False),
        (Role.COMMITTEE_MEMBER, False),
        (Role.COMMUNITY_REPRESENTATIVE, False),
    ],
)
def test_second_factor_follows_the_roles(world, role, needs):
    user = make_user(f"{role}@lima.pe")
    grant(user, role, world.lima, world.miraflores)
    assert needs_second_factor(user) is needs


def test_units_geojson_follows_the_scope(world):
    """The map of a caseworker of Lima province shows Lima's districts, not Callao's."""
    import json

    from django.test import Client

    from barrio.accounts.tests.test_permission_matrix import signed_in_client
    from barrio.territories.models import TerritorialUnit

    square = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
    TerritorialUnit.objects.update(geometry=square)
    caseworker = make_user("caso@lima.pe")
    grant(caseworker, Role.CASEWORKER, world.lima, world.lima_province)
    response = signed_in_client(caseworker).get("/programmes/lima/territory.geojson")
    assert response["Content-Type"] == "application/geo+json"
    codes = {f["properties"]["code"] for f in json.loads(response.content)["features"]}
    assert codes == {"1501", "150122"}
    assert Client().get("/programmes/lima/territory.geojson").status_code == 404
