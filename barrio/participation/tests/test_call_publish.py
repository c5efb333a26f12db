"""call_publish: only a complete draft is published."""

from __future__ import annotations

import pytest

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.models import Call
from barrio.participation.services import call_create, call_publish
from barrio.participation.tests.factories import build_world
from barrio.participation.tests.test_call_create import spec_for

pytestmark = pytest.mark.django_db


def draft(world, **changes):
    return call_create(
        actor=world.manager, programme=world.programme, spec=spec_for(world, **changes)
    )


def test_manager_publishes_a_complete_draft() -> None:
    world = build_world()
    call = call_publish(actor=world.manager, call=draft(world))
    assert call.status == Call.Status.PUBLISHED
    with pytest.raises(Conflict):
        call_publish(actor=world.manager, call=call)


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"criteria": ()}, "criteria"), ({"unit_ids": ()}, "unit_ids"), ({"kinds": ()}, "kinds")],
)
def test_an_incomplete_draft_stays_a_draft(changes, field) -> None:
    world = build_world()
    call = draft(world, **changes)
    with pytest.raises(ValidationFailed) as caught:
        call_publish(actor=world.manager, call=call)
    assert [e.loc for e in caught.value.errors] == [("body", field)]
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_steps_out_of_order_keep_it_a_draft() -> None:
    world = build_world()
    call = draft(world)
    Call.objects.filter(pk=call.pk).update(results_at=call.review_closes_at)
    call.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        call_publish(actor=world.manager, call=call)
    assert [e.loc for e in caught.value.errors] == [("body", "results_at")]


def test_the_team_may_not_publish() -> None:
    world = build_world()
    call = draft(world)
    with pytest.raises(PermissionDenied):
        call_publish(actor=world.team, call=call)
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT
