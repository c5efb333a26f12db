"""proposal_create and proposal_update: the group writes a draft that fits the call."""

from __future__ import annotations

from decimal import Decimal

import pytest

from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import BudgetLine, Call, Proposal
from barrio.participation.services import proposal_create, proposal_update
from barrio.participation.specs import BudgetLineSpec
from barrio.participation.tests.drafts import OUTSIDE, complete_spec
from barrio.participation.tests.factories import build_world, make_proposal, square

pytestmark = pytest.mark.django_db


def create(world, **changes):
    return proposal_create(
        actor=world.representative,
        call=world.call,
        group=world.group,
        spec=complete_spec(world, **changes),
    )


def test_representative_saves_a_draft_with_exact_totals() -> None:
    world = build_world()
    proposal = create(world)
    assert proposal.status == ProposalStatus.DRAFT
    assert [line.total_cents for line in proposal.budget_lines.all()] == [30_000_000, 10_000_400]
    assert proposal.total_cents == 40_000_400
    assert proposal.timeline[0] == {"activity": "Obra civil", "first_month": 1, "last_month": 3}


def test_a_drawn_polygon_inside_the_unit_is_accepted() -> None:
    world = build_world()
    import json

    inner = json.loads(square(-99.148, 19.432, 0.002))
    assert create(world, location=inner).location == inner


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"budget_lines": (BudgetLineSpec("Centro", Decimal(1), "obra", 150_000_001),)},
            "budget_lines",
        ),
        ({"location": OUTSIDE}, "location"),
        ({"location": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}, "location"),
        ({"kind": "site_museum"}, "kind"),  # not among the call's kinds
        ({"title": ""}, "title"),
        (
            {"budget_lines": (BudgetLineSpec("x", Decimal("0.0001"), "m", 1),)},
            "budget_lines",
        ),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(changes, field) -> None:
    world = build_world()
    with pytest.raises(ValidationFailed) as caught:
        create(world, **changes)
    assert field in {e.loc[1] for e in caught.value.errors}
    assert not Proposal.objects.exists()
    assert not BudgetLine.objects.exists()


def test_a_unit_not_eligible_is_refused() -> None:
    world = build_world()
    world.call.units.remove(world.group.unit)
    with pytest.raises(ValidationFailed) as caught:
        create(world)
    assert caught.value.errors[0].loc == ("body", "unit_id")
    assert not Proposal.objects.exists()


def test_only_the_groups_representative_writes_and_only_in_a_published_call() -> None:
    world = build_world()
    with pytest.raises(PermissionDenied):
        proposal_create(
            actor=world.other_representative,
            call=world.call,
            group=world.group,
            spec=complete_spec(world),
        )
    Call.objects.filter(pk=world.call.pk).update(status=Call.Status.DRAFT)
    world.call.refresh_from_db()
    with pytest.raises(Conflict):
        create(world)
    assert not Proposal.objects.exists()


def test_update_replaces_the_lines_and_a_submitted_proposal_is_frozen() -> None:
    world = build_world()
    proposal = create(world)
    changed = proposal_update(
        actor=world.representative,
        proposal=proposal,
        spec=complete_spec(
            world, budget_lines=(BudgetLineSpec("Bancas", Decimal("4"), "pieza", 500_000),)
        ),
    )
    assert changed.total_cents == 2_000_000
    assert changed.budget_lines.count() == 1
    submitted = make_proposal(world, status=ProposalStatus.SUBMITTED)
    with pytest.raises(Conflict) as caught:
        proposal_update(actor=world.representative, proposal=submitted, spec=complete_spec(world))
    assert caught.value.code == "proposal_frozen"
    submitted.refresh_from_db()
    assert submitted.title == "Parque de bolsillo en Guerrero"
