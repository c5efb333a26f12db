"""proposal_submit: within the submission step, complete, freezes a version with a reference."""

from __future__ import annotations

import datetime as dt

import pytest

from barrio.crypto import blind_index
from barrio.errors import Conflict, PermissionDenied, ValidationFailed
from barrio.participation.lifecycle import ProposalStatus
from barrio.participation.models import GroupMember, Proposal, ProposalTransition, ProposalVersion
from barrio.participation.services import (
    proposal_submit,
    proposal_transition,
    proposal_update,
    signature_add,
)
from barrio.participation.tests.drafts import complete_spec, media, ready_proposal  # noqa: F401
from barrio.participation.tests.factories import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
S = ProposalStatus


def unchanged(proposal: Proposal) -> None:
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT
    assert proposal.reference == ""
    assert not ProposalVersion.objects.exists()
    assert not ProposalTransition.objects.exists()


def test_representative_submits_and_a_version_is_frozen() -> None:
    world = build_world()
    proposal = proposal_submit(actor=world.representative, proposal=ready_proposal(world))
    assert proposal.status == S.SUBMITTED
    assert proposal.reference == "PCMB-2026-0001"
    assert proposal.version == 1
    version = proposal.versions.get()
    assert version.content["total_cents"] == 40_000_400
    assert version.content["budget_lines"][1]["quantity"] == "8.000"
    assert version.content["attachments"][0]["document"] == "Acta de asamblea constitutiva"
    step = proposal.transitions.get()
    assert (step.from_status, step.to_status, step.actor) == (
        S.DRAFT,
        S.SUBMITTED,
        world.representative,
    )


def test_a_returned_proposal_comes_back_as_version_two() -> None:
    world = build_world()
    proposal = proposal_submit(actor=world.representative, proposal=ready_proposal(world))
    proposal_transition(actor=world.manager, proposal=proposal, to_status=S.UNDER_REVIEW)
    proposal_transition(
        actor=world.manager, proposal=proposal, to_status=S.RETURNED, reason="Falta el plano."
    )
    proposal.refresh_from_db()
    proposal_update(
        actor=world.representative,
        proposal=proposal,
        spec=complete_spec(world, title="Parque de bolsillo con plano"),
    )
    again = proposal_submit(actor=world.representative, proposal=proposal)
    assert (again.status, again.version, again.reference) == (S.SUBMITTED, 2, "PCMB-2026-0001")
    assert [v.content["title"] for v in again.versions.all()] == [
        "Parque de bolsillo en Guerrero",
        "Parque de bolsillo con plano",
    ]


def test_a_submission_after_the_deadline_is_refused() -> None:
    world = build_world()
    proposal = ready_proposal(world)
    late = world.call.submission_closes_at + dt.timedelta(seconds=1)
    with pytest.raises(Conflict) as caught:
        proposal_submit(actor=world.representative, proposal=proposal, now=late)
    assert caught.value.code == "submission_closed"
    unchanged(proposal)


def test_a_group_too_small_is_refused() -> None:
    world = build_world()
    proposal = ready_proposal(world)
    GroupMember.objects.filter(group=world.group)[0].delete()
    with pytest.raises(ValidationFailed) as caught:
        proposal_submit(actor=world.representative, proposal=proposal)
    assert [e.loc for e in caught.value.errors] == [("body", "group")]
    unchanged(proposal)


def test_members_living_elsewhere_do_not_count() -> None:
    world = build_world()
    proposal = ready_proposal(world)
    GroupMember.objects.filter(group=world.group).update(is_resident=False)
    GroupMember.objects.create(
        group=world.group,
        full_name="X",
        name_index=blind_index("X", purpose="group-member"),
        unit=world.group.unit,
    )
    with pytest.raises(ValidationFailed):
        proposal_submit(actor=world.representative, proposal=proposal)
    unchanged(proposal)


def test_missing_documents_and_signatures_are_named() -> None:
    world = build_world()
    world.call.min_signatures = 2
    world.call.save()
    proposal = ready_proposal(world)
    proposal.attachments.all().delete()
    signature_add(
        actor=world.representative,
        proposal=proposal,
        full_name="Ana",
        document_number="ABC1",
        unit_id=world.group.unit_id,
    )
    with pytest.raises(ValidationFailed) as caught:
        proposal_submit(actor=world.representative, proposal=proposal)
    assert [e.loc for e in caught.value.errors] == [("body", "attachments"), ("body", "signatures")]
    unchanged(proposal)


def test_a_unit_no_longer_eligible_or_a_kind_no_longer_allowed_is_refused() -> None:
    world = build_world()
    proposal = ready_proposal(world)
    world.call.units.remove(world.group.unit)
    world.call.kinds = ["community_centre"]
    world.call.save()
    with pytest.raises(ValidationFailed) as caught:
        proposal_submit(actor=world.representative, proposal=proposal)
    assert {e.loc[1] for e in caught.value.errors} == {"unit_id", "kind"}
    unchanged(proposal)


def test_an_incomplete_draft_names_what_is_missing() -> None:
    world = build_world()
    proposal = ready_proposal(world, diagnosis="", location=None, budget_lines=())
    with pytest.raises(ValidationFailed) as caught:
        proposal_submit(actor=world.representative, proposal=proposal)
    assert [e.loc[1] for e in caught.value.errors] == ["diagnosis", "location", "budget_lines"]
    unchanged(proposal)


def test_others_may_not_submit_and_twice_is_a_conflict() -> None:
    world = build_world()
    proposal = ready_proposal(world)
    for actor in (world.other_representative, world.manager):
        with pytest.raises(PermissionDenied):
            proposal_submit(actor=actor, proposal=proposal)
    unchanged(proposal)
    proposal_submit(actor=world.representative, proposal=proposal)
    with pytest.raises(Conflict):
        proposal_submit(actor=world.representative, proposal=proposal)
    assert ProposalVersion.objects.count() == 1
