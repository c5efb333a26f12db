"""Referrals to partner organisations: who may make them, their life cycle and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from barrio.accounts.models import Role
from barrio.accounts.services import organisation_create
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.registry import grievance_selectors as selectors
from barrio.registry.models import Referral
from barrio.registry.services.grievances import grievance_record
from barrio.registry.services.referrals import referral_make, referral_update
from barrio.registry.tests.factories import another_person, build_desk, household, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    desk = build_desk()
    desk.partner = organisation_create(
        name="Clínica Sintética", kind="ngo", country="PE", programmes=[desk.world.lima]
    )
    desk.outsider = organisation_create(
        name="Ajena", kind="ngo", country="EC", programmes=[desk.world.quito]
    )
    desk.focal = make_user("proteccion@lima.pe")
    grant(desk.focal, Role.PROTECTION_FOCAL, desk.world.lima)
    return desk


def make(desk, **overrides):
    values = {
        "actor": desk.caseworker,
        "programme": desk.world.lima,
        "organisation": desk.partner,
        "service": "health",
    }
    values.update(overrides)
    return referral_make(**values)


def test_a_household_is_referred_and_the_referral_goes_through_its_life_cycle(desk):
    h = register(desk)
    referral = make(desk, household=h)
    assert referral.status == "made"
    assert referral.unit == h.unit
    today = referral.made_on
    referral_update(actor=desk.caseworker, referral=referral, status="accepted", on=today)
    referral_update(actor=desk.province_caseworker, referral=referral, status="attended")
    referral = referral_update(
        actor=desk.caseworker, referral=referral, status="closed", note="Atendida."
    )
    assert (referral.accepted_on, referral.attended_on, referral.closed_on) == (today,) * 3
    assert list(
        selectors.referral_list_for_user(user=desk.manager, programme=desk.world.lima, household=h)
    ) == [referral]
    with pytest.raises(Conflict):
        referral_update(actor=desk.caseworker, referral=referral, status="accepted")


def test_a_case_is_referred_with_its_household_and_refused_on_the_way(desk):
    h = register(desk)
    case = grievance_record(
        actor=desk.caseworker,
        programme=desk.world.lima,
        unit=None,
        household=h,
        category="information",
        channel="desk",
        description="Busca empleo.",
    )
    referral = make(desk, grievance=case, service="employment")
    assert referral.household == h
    referral = referral_update(actor=desk.caseworker, referral=referral, status="refused")
    assert referral.closed_on is not None
    assert list(
        selectors.referral_list_for_user(
            user=desk.caseworker, programme=desk.world.lima, grievance=case
        )
    ) == [referral]


def test_a_sensitive_cases_referral_is_seen_only_by_who_sees_the_case(desk):
    case = grievance_record(
        actor=desk.caseworker,
        programme=desk.world.lima,
        unit=desk.world.miraflores,
        category="protection",
        channel="desk",
        description="Violencia.",
        contact_name="P",
        contact_phone="900000000",
    )
    with pytest.raises(PermissionDenied):
        make(desk, grievance=case, service="protection")
    referral = make(desk, actor=desk.focal, grievance=case, service="protection")
    assert (
        list(selectors.referral_list_for_user(user=desk.caseworker, programme=desk.world.lima))
        == []
    )
    assert list(selectors.referral_list_for_user(user=desk.focal, programme=desk.world.lima)) == [
        referral
    ]


def test_bad_referrals_are_refused_and_nothing_is_saved(desk):
    h = register(desk)
    other = register(desk, household(another_person()))
    case = grievance_record(
        actor=desk.caseworker,
        programme=desk.world.lima,
        unit=None,
        household=other,
        category="information",
        channel="desk",
        description="x",
    )
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    bad = [
        {},
        {"household": h, "service": "magic"},
        {"household": h, "organisation": desk.outsider},
        {"household": h, "grievance": case},
        {"household": h, "made_on": tomorrow},
    ]
    for overrides in bad:
        with pytest.raises(ValidationFailed):
            make(desk, **overrides)
    for actor in (desk.manager, desk.quito_caseworker, desk.resident):
        with pytest.raises(PermissionDenied):
            make(desk, actor=actor, household=h)
    assert Referral.objects.count() == 0


def test_bad_updates_change_nothing(desk):
    h = register(desk)
    referral = make(desk, household=h)
    with pytest.raises(ValidationFailed):
        referral_update(actor=desk.caseworker, referral=referral, status="lost")
    with pytest.raises(Conflict):
        referral_update(actor=desk.caseworker, referral=referral, status="attended")
    with pytest.raises(ValidationFailed):
        referral_update(
            actor=desk.caseworker,
            referral=referral,
            status="accepted",
            on=referral.made_on - dt.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        referral_update(actor=desk.manager, referral=referral, status="accepted")
    referral.refresh_from_db()
    assert referral.status == "made"
    assert referral.accepted_on is None
