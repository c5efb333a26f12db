"""Approving a targeting run: a programme manager, four eyes, and unchanged inputs."""

from __future__ import annotations

import pytest

from barrio.errors import Conflict, PermissionDenied
from barrio.planning.models import TargetingRun
from barrio.planning.services import targeting_run_approve, targeting_run_create
from barrio.planning.tests.factories import build_plan
from barrio.planning.tests.test_targeting_run_create import SPEC
from barrio.territories.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return build_plan()


@pytest.fixture
def run(plan):
    return targeting_run_create(actor=plan.manager, programme=plan.programme, spec=SPEC)


def test_another_manager_approves_and_the_run_records_who_and_when(plan, run):
    approved = targeting_run_approve(actor=plan.other_manager, run=run)
    assert approved.status == TargetingRun.Status.APPROVED
    assert approved.approved_by == plan.other_manager
    assert approved.approved_at is not None


def test_who_ran_it_does_not_approve_it(plan, run):
    with pytest.raises(Conflict) as caught:
        targeting_run_approve(actor=plan.manager, run=run)
    assert caught.value.code == "four_eyes"
    run.refresh_from_db()
    assert run.status == TargetingRun.Status.DRAFT


def test_the_municipal_team_does_not_approve(plan, run):
    with pytest.raises(PermissionDenied):
        targeting_run_approve(actor=plan.team, run=run)
    run.refresh_from_db()
    assert run.approved_by is None


def test_a_run_is_approved_once(plan, run):
    targeting_run_approve(actor=plan.other_manager, run=run)
    with pytest.raises(Conflict) as caught:
        targeting_run_approve(actor=plan.other_manager, run=run)
    assert caught.value.code == "already_approved"


def test_a_run_whose_data_changed_is_not_approved(plan, run):
    IndicatorValue.objects.filter(unit=plan.districts["S3"], indicator__code="need").update(
        value=99.0
    )
    with pytest.raises(Conflict) as caught:
        targeting_run_approve(actor=plan.other_manager, run=run)
    assert caught.value.code == "inputs_changed"
    run.refresh_from_db()
    assert run.status == TargetingRun.Status.DRAFT
