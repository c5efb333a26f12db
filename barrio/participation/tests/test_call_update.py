"""call_update: the manager changes a call; a published one stays publishable."""

from __future__ import annotations

import pytest

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.models import Call
from barrio.participation.services import call_update
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.test_call_create import spec_for

pytestmark = pytest.mark.django_db


def test_manager_changes_dates_units_and_criteria() -> None:
    world = build_world()
    guerrero = world.colonias["015-001"]
    spec = spec_for(world, slug=world.call.slug, unit_ids=(guerrero.pk,))
    call = call_update(actor=world.manager, call=world.call, spec=spec)
    assert list(call.units.all()) == [guerrero]
    assert [c.code for c in call.criteria.all()] == ["feasibility"]
    assert call.status == Call.Status.PUBLISHED


def test_a_published_call_keeps_its_criteria_and_nothing_changes() -> None:
    world = build_world()
    spec = spec_for(world, slug=world.call.slug, criteria=(), title="Otro título")
    with pytest.raises(ValidationFailed) as caught:
        call_update(actor=world.manager, call=world.call, spec=spec)
    assert ("body", "criteria") in [e.loc for e in caught.value.errors]
    world.call.refresh_from_db()
    assert world.call.title == "Mejoramiento Barrial 2026"
    assert world.call.criteria.count() == 2


def test_a_cancelled_call_is_not_changed_and_others_may_not_change_it() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        call_update(actor=world.team, call=world.call, spec=spec_for(world, slug="pcmb-2026"))
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.CANCELLED)
    with pytest.raises(Conflict):
        call_update(actor=world.manager, call=world.call, spec=spec_for(world, slug="pcmb-2026"))
