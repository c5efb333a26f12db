"""call_create: a programme manager writes a draft call with its units and criteria."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from barrio.accounts.models import Role
from barrio.accounts.tests.factories import grant, make_user
from barrio.errors import PermissionDenied, ValidationFailed
from barrio.participation.models import Call, ReviewCriterion
from barrio.participation.services import call_create
from barrio.participation.specs import CallSpec, CriterionSpec
from barrio.participation.tests.factories import build_world
from barrio.planning.models import TargetingDecision, TargetingRun

pytestmark = pytest.mark.django_db


def spec_for(world, **changes) -> CallSpec:
    now = timezone.now()
    values: dict[str, Any] = {
        "slug": "pcmb-2027",
        "title": "Mejoramiento Barrial 2027",
        "submission_opens_at": now + dt.timedelta(days=1),
        "submission_closes_at": now + dt.timedelta(days=30),
        "review_closes_at": now + dt.timedelta(days=45),
        "assemblies_close_at": now + dt.timedelta(days=60),
        "results_at": now + dt.timedelta(days=70),
        "max_project_cents": 150_000_000,
        "total_cents": 900_000_000,
        "kinds": ("park", "community_centre"),
        "unit_ids": tuple(unit.pk for unit in world.colonias.values()),
        "required_documents": ("Acta de asamblea",),
        "criteria": (CriterionSpec("feasibility", "Factibilidad técnica", 3, 5),),
    }
    values.update(changes)
    return CallSpec(**values)


def test_manager_creates_a_draft_with_units_and_criteria() -> None:
    world = build_world()
    call = call_create(actor=world.manager, programme=world.programme, spec=spec_for(world))
    assert call.status == Call.Status.DRAFT
    assert set(call.units.all()) == set(world.colonias.values())
    assert [(c.code, c.weight, c.scale_max) for c in call.criteria.all()] == [("feasibility", 3, 5)]
    assert call.created_by == world.manager


def test_units_come_from_an_approved_targeting_run() -> None:
    world = build_world()
    guerrero, morelos = world.colonias.values()
    from barrio.territories.models import Indicator

    indicator = Indicator.objects.create(code="need", name="Need")
    run = TargetingRun.objects.create(
        programme=world.programme,
        name="r",
        level="colonia",
        indicator=indicator,
        period="2024",
        parameters={},
        fingerprint="x",
        unit_count=2,
        eligible_count=2,
        selected_count=1,
        status=TargetingRun.Status.APPROVED,
    )
    TargetingDecision.objects.create(
        run=run, unit=guerrero, selected=True, rank=1, reason="chosen", stratum="very_high"
    )
    TargetingDecision.objects.create(
        run=run, unit=morelos, selected=False, rank=2, reason="limit", stratum="very_high"
    )
    chosen = call_create(
        actor=world.manager,
        programme=world.programme,
        spec=spec_for(world, unit_ids=(), targeting_run=run.pk),
    )
    assert list(chosen.units.all()) == [guerrero]
    stratum = call_create(
        actor=world.manager,
        programme=world.programme,
        spec=spec_for(world, slug="s", unit_ids=(), targeting_run=run.pk, stratum="very_high"),
    )
    assert set(stratum.units.all()) == {guerrero, morelos}
    run.status = TargetingRun.Status.DRAFT
    run.save()
    with pytest.raises(ValidationFailed) as caught:
        call_create(
            actor=world.manager,
            programme=world.programme,
            spec=spec_for(world, slug="d", targeting_run=run.pk),
        )
    assert caught.value.errors[0].loc == ("body", "targeting_run")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"slug": "pcmb-2026"}, "slug"),  # the world's call has it
        ({"total_cents": 1}, "total_cents"),
        ({"max_project_cents": 0}, "max_project_cents"),
        ({"kinds": ("castle",)}, "kinds"),
        ({"unit_ids": (999_999,)}, "unit_ids"),
        ({"criteria": (CriterionSpec("a", "A", 0, 5),)}, "criteria"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(changes, field) -> None:
    world = build_world()
    before = Call.objects.count(), ReviewCriterion.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        call_create(actor=world.manager, programme=world.programme, spec=spec_for(world, **changes))
    assert field in {e.loc[1] for e in caught.value.errors}
    assert (Call.objects.count(), ReviewCriterion.objects.count()) == before


def test_dates_out_of_order_are_refused() -> None:
    world = build_world()
    spec = spec_for(world)
    late = spec_for(world, review_closes_at=spec.submission_closes_at - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        call_create(actor=world.manager, programme=world.programme, spec=late)
    assert [e.loc for e in caught.value.errors] == [("body", "review_closes_at")]


@pytest.mark.parametrize("who", ["team", "reviewer", "representative", "auditor", "other"])
def test_only_a_manager_of_the_programme_creates_calls(who) -> None:
    world = build_world()
    if who == "other":
        from barrio.accounts.services import programme_create

        elsewhere = programme_create(
            slug="x", name="X", country="MX", currency="MXN", time_zone="UTC"
        )
        actor = make_user("m@x.org")
        grant(actor, Role.PROGRAMME_MANAGER, elsewhere)
    else:
        actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        call_create(actor=actor, programme=world.programme, spec=spec_for(world))
    assert Call.objects.count() == 1
